"""Realistic data at national scale, the same for the same seed (see devdata/scale.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from devdata.scale import PROVINCES, ScaleError, ScaleSpec, scale_generate

COUNTS = (
    ("provinces", "--provinces", 34),
    ("plans_per_province", "--plans-per-province", 5),
    ("tasks_per_plan", "--tasks-per-plan", 60),
    ("rounds", "--rounds", 4),
)


def _count(name: str, value) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise CommandError(
            _("%(name)s phải là một số nguyên, không phải «%(value)s».")
            % {"name": name, "value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu quy mô toàn quốc (tỉnh, cơ quan, kế hoạch, nhiệm vụ, đợt báo cáo, báo cáo, "
        "lịch sử) giống như thật, cùng một seed cho cùng dữ liệu. Mặc định: 34 tỉnh × 5 kế "
        "hoạch × 60 nhiệm vụ × 4 đợt báo cáo."
    )

    def add_arguments(self, parser):
        for dest, flag, default in COUNTS:
            # Read as text and checked in handle(): the messages stay Vietnamese.
            parser.add_argument(flag, dest=dest, default=default, metavar="N")
        parser.add_argument("--seed", default=2026, metavar="S")
        parser.add_argument(
            "--append",
            action="store_true",
            help="Vẫn thêm vào các tỉnh đã có kế hoạch (số văn bản được đổi để không trùng).",
        )

    def handle(self, *args, **options):
        counts: dict[str, Any] = {
            dest: _count(flag, options[dest]) for dest, flag, _default in COUNTS
        }
        spec = ScaleSpec(**counts, seed=_count("--seed", options["seed"]), append=options["append"])
        try:
            spec.validate()
            names = ", ".join(p.name for p in PROVINCES[: spec.provinces])
            self.stdout.write(
                _("Tạo dữ liệu cho %(n)s tỉnh, thành phố (%(names)s), seed %(seed)s …")
                % {"n": spec.provinces, "names": names, "seed": spec.seed}
            )
            stats = scale_generate(spec)
        except ScaleError as error:
            raise CommandError(str(error)) from None
        for line in stats.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(_("Xong.")))
