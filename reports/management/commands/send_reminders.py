"""Daily reminders to agencies owing a report (for cron): ``manage.py send_reminders``."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.reminders import RemindersFailed, Sent, reminders_send


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            _("Ngày không hợp lệ: %(value)s (cần dạng YYYY-MM-DD).") % {"value": value}
        ) from error


def non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(
            _("Số ngày phải là số nguyên không âm: %(value)s") % {"value": value}
        )
    return number


class Command(BaseCommand):
    help = _(
        "Gửi thư nhắc các cơ quan chưa nộp báo cáo trong các đợt đang nhận báo cáo sắp đến hạn "
        "hoặc đã quá hạn; mỗi cơ quan nhận tối đa một thư mỗi ngày cho mỗi đợt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=non_negative,
            default=3,
            help=_("Nhắc khi hạn nộp còn không quá N ngày (mặc định 3)."),
        )
        parser.add_argument(
            "--date",
            type=iso_date,
            default=None,
            help=_("Coi như hôm nay là ngày này (YYYY-MM-DD); mặc định là hôm nay."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Chỉ in ra những thư sẽ gửi; không gửi, không ghi nhận."),
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        days, dry_run = options["days"], options["dry_run"]

        def warn(message: str) -> None:
            self.stdout.write(self.style.WARNING(_("Cảnh báo: %(message)s") % {"message": message}))

        failures: list[str] = []
        try:
            sent = reminders_send(today=today, days=days, dry_run=dry_run, warn=warn)
        except RemindersFailed as error:
            sent, failures = error.sent, error.failures
        for item in sent:
            self.stdout.write(self.line(item, dry_run=dry_run))
        if dry_run:
            self.stdout.write(_("Chạy thử: sẽ gửi %(count)d thư nhắc.") % {"count": len(sent)})
        else:
            self.stdout.write(_("Đã gửi %(count)d thư nhắc.") % {"count": len(sent)})
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError(
                _("%(count)d thư nhắc gửi không được; sẽ gửi lại ở lần chạy sau.")
                % {"count": len(failures)}
            )

    @staticmethod
    def line(item: Sent, *, dry_run: bool) -> str:
        if item.overdue_days:
            when = _("đã quá hạn %(days)d ngày") % {"days": item.overdue_days}
        elif item.days_left == 0:
            when = _("hạn nộp hôm nay")
        else:
            when = _("còn %(days)d ngày") % {"days": item.days_left}
        values = {
            "round": item.round.request_number,
            "deadline": item.round.deadline.strftime("%d/%m/%Y"),
            "when": when,
            "agency": item.agency.name,
            "recipients": ", ".join(item.recipients),
        }
        if dry_run:
            return (
                _("[chạy thử] %(round)s (hạn %(deadline)s, %(when)s): %(agency)s → %(recipients)s")
                % values
            )
        return _("%(round)s (hạn %(deadline)s, %(when)s): %(agency)s → %(recipients)s") % values
