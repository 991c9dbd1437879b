from django.core.management.base import BaseCommand, CommandError

from agreements.text import fold
from reports.models import ReportingRound
from tasks.exporters.base import exporter_for
from tasks.exporters.output import export_write


class Command(BaseCommand):
    help = "Xuất báo cáo tổng hợp của một đợt báo cáo (PDF, XLSX, DOCX), hoặc công văn đôn đốc."

    def add_arguments(self, parser):
        parser.add_argument(
            "round", help="Số văn bản yêu cầu của đợt, ví dụ 6452/UBND-ĐN, hoặc mã số"
        )
        parser.add_argument("--province", help="Tên tỉnh khi nhiều tỉnh trùng số văn bản")
        parser.add_argument("--format", required=True, choices=["pdf", "xlsx", "docx"])
        parser.add_argument(
            "--document",
            choices=["summary", "reminder"],
            default="summary",
            help="summary: báo cáo tổng hợp (mặc định); reminder: công văn đôn đốc",
        )
        parser.add_argument("-o", "--output", help="Tệp ra (mặc định: tên tệp chuẩn)")

    def handle(self, *args, round, province, format, document, output, **options):
        wanted = fold(round)
        candidates = [
            r
            for r in ReportingRound.objects.select_related("province")
            if fold(r.request_number) == wanted or str(r.pk) == round
        ]
        if province:
            candidates = [r for r in candidates if fold(r.province.name) == fold(province)]
        if not candidates:
            raise CommandError(f"Không tìm thấy đợt báo cáo {round}.")
        if len(candidates) > 1:
            raise CommandError(f"Có {len(candidates)} đợt báo cáo số {round}: hãy thêm --province.")
        kind = "round" if document == "summary" else "reminder"
        export = exporter_for(kind, format)(candidates[0])
        self.stdout.write(export_write(export, output))
