from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agreements.services import AgencyIndex
from tasks.importers.office import prepare
from tasks.importers.parser import ParsedSection, parse_grids
from tasks.importers.reader import MAX_FILE_SIZE, PlanImportError, read_source
from tasks.importers.service import locality_find, partners_detect, plan_import


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Nhập một kế hoạch từ bảng trong tệp Word (.docx, .doc) hoặc Excel (.xlsx, .xls); "
        "tệp .doc/.xls cần LibreOffice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .docx, .xlsx (hoặc .doc, .xls nếu có LibreOffice)")
        parser.add_argument("--province", required=True, help="Tên tỉnh, ví dụ 'Quảng Trị'")
        parser.add_argument("--number", required=True, help="Số, ký hiệu, ví dụ 165/QĐ-UBND")
        parser.add_argument("--title", required=True, help="Tên kế hoạch")
        parser.add_argument("--partner", help="Địa phương đối tác, ví dụ Savannakhet")
        parser.add_argument("--date", help="Ngày ban hành YYYY-MM-DD")
        parser.add_argument(
            "--create-agencies", action="store_true", help="Tạo cơ quan chưa có trong danh mục"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in những gì sẽ tạo, không lưu"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_FILE_SIZE:
                raise CommandError(
                    f"Tệp {path} quá lớn: chỉ nhận tệp đến {MAX_FILE_SIZE // 1024 // 1024} MB."
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}") from error
        province = locality_find(options["province"], country="VN")
        if province is None:
            raise CommandError(f"Không tìm thấy tỉnh “{options['province']}”.")
        partner = None
        if options["partner"]:
            partner = locality_find(options["partner"])
            if partner is None or partner.pk == province.pk:
                raise CommandError(f"Không tìm thấy địa phương đối tác “{options['partner']}”.")
        issued = None
        if options["date"]:
            try:
                issued = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(
                    f"Ngày “{options['date']}” không đúng dạng YYYY-MM-DD."
                ) from error
        try:
            prepared = prepare(data)
            source = read_source(prepared.data)
            parsed = parse_grids(source.grids)
        except PlanImportError as error:
            raise CommandError(f"{path.name}: {error}") from error

        for note in [prepared.note(), *source.notes()]:
            if note:
                self.stdout.write(note)
        partners_detect(parsed, province)
        self._print(parsed)
        missing = parsed.unmatched_agencies(AgencyIndex.for_province(province))
        if missing:
            self.stdout.write(f"Cơ quan chưa có trong danh mục ({len(missing)}):")
            for name, places in missing.items():
                self.stdout.write(f"  - {name} ({places[0]})")
        try:
            with transaction.atomic():
                plan = plan_import(
                    parsed=parsed,
                    province=province,
                    number=options["number"],
                    title=options["title"],
                    partner=partner,
                    date=issued,
                    create_agencies=options["create_agencies"],
                )
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Chạy thử: kế hoạch nhập được, chưa lưu gì.")
            return
        except PlanImportError as error:
            # As the import page says it: the file first; the message names sheet, row, column.
            raise CommandError(f"{path.name}: {error}") from error
        self.stdout.write(
            f"Đã tạo {plan.number}: {len(parsed.sections)} mục, {len(parsed.tasks)} nhiệm vụ."
        )

    def _print(self, parsed) -> None:
        self.stdout.write(f"Tìm thấy {len(parsed.sections)} mục, {len(parsed.tasks)} nhiệm vụ.")
        for item in parsed.items:
            if isinstance(item, ParsedSection):
                depth, node = 0, item.parent
                while node is not None:
                    depth, node = depth + 1, node.parent
                label = " ".join(p for p in (item.number, item.title) if p) or "(mục không tên)"
                partner = f" (đối tác: {item.partner.name})" if item.partner is not None else ""
                self.stdout.write(f"{'  ' * depth}[{label[:100]}]{partner}")
            else:
                lead = item.lead_text.replace("\n", "; ")
                self.stdout.write(f"    {item.number} {item.content[:80]} | {lead[:60]}")
