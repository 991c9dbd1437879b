from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backup.archive import BackupError, backup_restore


class Command(BaseCommand):
    help = _(
        "Khôi phục một bản sao lưu của backup_data vào cơ sở dữ liệu trống (đã migrate), "
        "rồi đối chiếu số bản ghi và mã kiểm tra các tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("tệp .tar.gz do backup_data tạo"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("xóa hết dữ liệu đang có rồi thay bằng bản sao lưu"),
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, force, database, **options):
        try:
            result = backup_restore(path=Path(path), force=force, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Đã khôi phục bản sao lưu ngày %(date)s (coopplan %(version)s): %(rows)s bản ghi "
                "(%(tables)s bảng) và %(files)s tệp (%(mb).1f MB). Số bản ghi từng bảng và mã "
                "kiểm tra từng tệp khớp với bản sao lưu."
            )
            % {
                "date": result.created_at[:10],
                "version": result.app_version,
                "rows": sum(result.counts.values()),
                "tables": len(result.counts),
                "files": result.files,
                "mb": result.bytes / 1024 / 1024,
            }
        )
        for warning in result.warnings:
            self.stderr.write(_("Cảnh báo: %(warning)s") % {"warning": warning})
        if options["verbosity"] >= 2:
            for label, count in result.counts.items():
                self.stdout.write(f"  {label}: {count}")
