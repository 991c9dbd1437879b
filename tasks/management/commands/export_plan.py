from django.core.management.base import BaseCommand, CommandError

from tasks.exporters.base import exporter_for
from tasks.exporters.output import export_write
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
        self.stdout.write(export_write(export, output))
