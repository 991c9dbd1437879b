from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backup.archive import BackupError, backup_create


class Command(BaseCommand):
    help = _(
        "Sao lưu toàn bộ: cơ sở dữ liệu và tệp tải lên vào một tệp .tar.gz "
        "(khôi phục bằng restore_data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("tệp sao lưu sẽ tạo, ví dụ coopplan-2026-01-31.tar.gz"))
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(_("Không có thư mục %(dir)s.") % {"dir": target.parent})
        try:
            manifest = backup_create(path=target, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        size = sum(entry["size"] for entry in manifest["media"])
        self.stdout.write(
            _(
                "Đã sao lưu %(rows)s bản ghi (%(tables)s bảng) và %(files)s tệp "
                "(%(mb).1f MB) vào %(path)s."
            )
            % {
                "rows": rows,
                "tables": len(manifest["counts"]),
                "files": len(manifest["media"]),
                "mb": size / 1024 / 1024,
                "path": target,
            }
        )
        if manifest["missing_files"]:
            self.stderr.write(
                _(
                    "Cảnh báo: %(count)s tệp mà dữ liệu nhắc tới không có trong kho tệp, "
                    "ví dụ %(name)s."
                )
                % {"count": len(manifest["missing_files"]), "name": manifest["missing_files"][0]}
            )
        if options["verbosity"] >= 2:
            for label, count in manifest["counts"].items():
                self.stdout.write(f"  {label}: {count}")
