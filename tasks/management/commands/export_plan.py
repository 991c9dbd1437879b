from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.exporters.base import exporter_for
from tasks.selectors import plan_get_by_number


class Command(BaseCommand):
    help = "Xuất một kế hoạch ra PDF, XLSX hoặc DOCX theo thể thức văn bản hành chính."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Số, ký hiệu, ví dụ 165/QĐ-UBND")
        parser.add_argument("--province", required=True, help="Tên tỉnh, ví dụ 'Quảng Trị'")
        parser.add_argument("--format", required=True, choices=["pdf", "xlsx", "docx"])
        parser.add_argument(
            "-o", "--output", help="Tệp ra (mặc định: tên tệp chuẩn, thư mục hiện tại)"
        )

    def handle(self, *args, number, province, format, output, **options):
        plan = plan_get_by_number(number=number, province=province)
        if plan is None:
            raise CommandError(f"Không tìm thấy văn bản số {number} của tỉnh {province}.")
        export = exporter_for("plan", format)(plan)
        target = Path(output or export.filename)
        try:
            target.write_bytes(export.content)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {target}: {error.strerror}") from error
        self.stdout.write(f"Đã ghi {target} ({len(export.content):,} byte).".replace(",", "."))
