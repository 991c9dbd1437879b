from django.core.management.base import BaseCommand, CommandError

from devdata.seed import SeedError, seed_load


class Command(BaseCommand):
    help = (
        "Nạp năm văn bản mẫu (165, 1010, 6452, 110, 592) từ fixtures/seed; chạy lại không nhân đôi."
    )

    def handle(self, *args, **options):
        try:
            stats = seed_load()
        except SeedError as error:
            raise CommandError(f"Dữ liệu mẫu sai, không nạp gì: {error}") from error
        self.stdout.write(
            f"Đã nạp: {stats.localities} địa phương, {stats.agencies} cơ quan, "
            f"{stats.agreements} thỏa thuận, {stats.meetings} hội đàm/hội nghị, "
            f"{stats.plans} văn bản, {stats.sections} mục, {stats.tasks} nhiệm vụ, "
            f"{stats.rounds} đợt báo cáo."
        )
        if stats.skipped:
            self.stdout.write("Đã có sẵn, giữ nguyên: " + ", ".join(stats.skipped))
