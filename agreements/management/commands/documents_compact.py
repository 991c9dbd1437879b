"""Fold old document change rows into their versions' bases (for cron).
``manage.py documents_compact [--hours N]``."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from agreements.documents import document_changes_compact
from agreements.numbers import positive_hours


class Command(BaseCommand):
    help = _(
        "Gộp các dòng ghi nhận thay đổi dữ liệu văn bản cũ hơn số giờ cho trước vào số phiên bản "
        "của chúng: bảng không lớn dần theo mỗi lần ghi, văn bản đã tạo vẫn dùng được."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=positive_hours,
            default=24.0,
            help=_("Gộp các dòng cũ hơn số giờ này (mặc định: 24)."),
        )

    def handle(self, *args, hours: float, **options):
        folded = document_changes_compact(older_than=timedelta(hours=hours))
        self.stdout.write(
            _("Đã gộp %(count)s dòng thay đổi cũ hơn %(hours)s giờ vào số phiên bản văn bản.")
            % {"count": folded, "hours": f"{hours:g}"}
        )
