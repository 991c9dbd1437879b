"""Delete uploads left waiting for a preview nobody confirmed (for cron): report workbooks
and plan imports. ``manage.py uploads_cleanup [--hours N]``."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from agreements.numbers import positive_hours
from agreements.uploads import pending_files_cleanup, pending_max_age
from reports.workbook.pending import FOLDER as WORKBOOKS
from tasks.import_views import PENDING_FOLDER as IMPORTS


class Command(BaseCommand):
    help = _(
        "Xóa các tệp đã tải lên mà chưa được xác nhận ở trang xem trước (sổ báo cáo Excel và bản "
        "đánh dấu chỗ cần sửa, bảng kế hoạch đang nhập) cũ hơn PENDING_UPLOAD_MAX_AGE_HOURS giờ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=positive_hours,
            help=_("Xóa tệp cũ hơn số giờ này (mặc định: PENDING_UPLOAD_MAX_AGE_HOURS)."),
        )

    def handle(self, *args, hours: float | None = None, **options):
        max_age = timedelta(hours=hours) if hours is not None else pending_max_age()
        shown = f"{max_age.total_seconds() / 3600:g}"
        workbooks = pending_files_cleanup(WORKBOOKS, max_age=max_age)
        imports = pending_files_cleanup(IMPORTS, max_age=max_age)
        self.stdout.write(
            _("Đã xóa %(count)s tệp sổ báo cáo tải lên cũ hơn %(hours)s giờ.")
            % {"count": workbooks, "hours": shown}
        )
        self.stdout.write(
            _("Đã xóa %(count)s tệp kế hoạch đang nhập dở cũ hơn %(hours)s giờ.")
            % {"count": imports, "hours": shown}
        )
