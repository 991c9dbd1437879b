"""Delete uploaded report workbooks left unconfirmed (for cron): ``manage.py
workbook_uploads_cleanup [--hours N]``."""

import argparse
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports.workbook.pending import pending_cleanup, pending_max_age


def positive_hours(value: str) -> float:
    try:
        hours = float(value.replace(",", "."))
    except ValueError:
        hours = -1
    if not hours > 0:
        raise argparse.ArgumentTypeError(_("Số giờ phải là số dương: %(value)s") % {"value": value})
    return hours


class Command(BaseCommand):
    help = _(
        "Xóa các sổ báo cáo Excel đã tải lên mà chưa được xác nhận (và bản đánh dấu chỗ cần sửa) "
        "cũ hơn WORKBOOK_UPLOAD_MAX_AGE_HOURS giờ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=positive_hours,
            help=_("Xóa tệp cũ hơn số giờ này (mặc định: WORKBOOK_UPLOAD_MAX_AGE_HOURS)."),
        )

    def handle(self, *args, hours: float | None = None, **options):
        max_age = timedelta(hours=hours) if hours is not None else pending_max_age()
        deleted = pending_cleanup(max_age=max_age)
        self.stdout.write(
            _("Đã xóa %(count)s tệp sổ báo cáo tải lên cũ hơn %(hours)s giờ.")
            % {"count": deleted, "hours": f"{max_age.total_seconds() / 3600:g}"}
        )
