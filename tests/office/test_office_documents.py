"""Our Word and Excel files opened in a real office suite (LibreOffice headless → PDF), and our
own PDFs read back the same way.

Every DOCX and XLSX the project writes — plans 165/QĐ-UBND, 592/KH-UBND and 110/KH-UBND (and a
plan numbered 5/KH-UBND, printed "05/KH-UBND"), the summary of round 6452/UBND-ĐN, its reminder
letter, the dashboard — is converted once per run (one LibreOffice process for all of them, its
own profile, a time limit); the PDFs of the same documents (WeasyPrint) are kept beside them.
Each is read back as a person would look at it: how many pages and which way up, the margins of
Nghị định 30/2020, nothing outside the paper, every task's text there, no two lines of text
printed over each other (a row too short for its text), page numbers, and document numbers a
search finds, on one line. For a person to look at, under ``var/office/``: page 1 of each file
(``plan-165-docx.png``), all its pages side by side (``plan-165-docx-pages.png``), each page
(``pages/``) and the PDF.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from accounts.models import Role
from agreements.models import Agency, Plan
from agreements.official import PAGE_MARGINS_MM
from reports.models import ReportingRound
from tasks.exporters.base import exporter_for
from tasks.selectors import plan_get_by_number, plan_rows
from tasks.services import section_create, task_create
from tests.factories import make_user

pytestmark = [pytest.mark.office, pytest.mark.django_db, pytest.mark.long]

PLANS = [("165/QĐ-UBND", "Quảng Trị"), ("592/KH-UBND", "Khánh Hòa"), ("110/KH-UBND", "Tuyên Quang")]
ROUND = "6452/UBND-ĐN"
TIMEOUT = 600  # seconds for the one conversion of every file (about a minute on two cores)
PNG_DIR = Path(settings.BASE_DIR) / "var" / "office"
MM = 72 / 25.4  # PDF points per millimetre


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass
class Converted:
    name: str
    pdf: Path
    pages: list[Page]
    text: str  # pdftotext of the whole file, squashed (see squash)
    tasks: list[str]  # the task contents the file must show
    raw: str  # pdftotext -raw, as printed, line by line
    office_text: str  # a DOCX saved as text by LibreOffice (what its Find searches); else ""


def squash(text: str) -> str:
    """Letters only: line breaks, wrapping and the joiners that keep numbers whole left out."""
    text = unicodedata.normalize("NFC", text).replace("\u2011", "-")
    return re.sub(r"[\s\u2060\u00ad]+", "", text)


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


def read_pages(pdf: Path) -> list[Page]:
    out = subprocess.run(  # noqa: S603 - our own file, a fixed program
        ["pdftotext", "-bbox", str(pdf), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    pages = []
    for width, height, body in _PAGE.findall(out):
        words = [
            Word(html.unescape(text), float(a), float(b), float(c), float(d))
            for a, b, c, d, text in _WORD.findall(body)
        ]
        pages.append(Page(float(width), float(height), words))
    return pages


def plain_text(pdf: Path) -> str:
    return subprocess.run(  # noqa: S603
        # -raw: in the order LibreOffice drew the text, one table cell after the other.
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def _plan_numbered_5(province) -> Plan:
    """A plan numbered "5/KH-UBND": Nghị định 30 prints it "05/KH-UBND"."""
    plan = Plan.objects.create(
        province=province, kind="plan", number="5/KH-UBND", title="Kế hoạch thử",
        summary="Hợp tác thử", start_year=2024, end_year=2024,
        issuing_body="ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ", recipients="Bộ Ngoại giao;\nLưu: VT.",
        signing_authority="TM. ỦY BAN NHÂN DÂN", signer="Nguyễn Văn A",
    )  # fmt: skip
    appendix = section_create(plan=plan, kind="appendix", number="PHỤ LỤC I", title="Thử")
    for index in (1, 2):
        task_create(
            plan=plan, section=appendix, number=f"{index}.",
            content=f"Nhiệm vụ thử số {index} của Kế hoạch số 05/KH-UBND",
            lead_text="Sở Ngoại vụ", timeframe_text="Thường xuyên",
        )  # fmt: skip
    return plan


def _documents(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    """Every DOCX, XLSX and PDF we write, as files, with the task texts each must show."""
    from devdata.demo import demo_reports_load
    from reports.dashboard import dashboard_data
    from reports.exporters.dashboard import PDF_TASK_LIMIT, dashboard_pdf, dashboard_xlsx
    from reports.summary import round_summary

    files: dict[str, tuple[Path, list[str]]] = {}

    def keep(name: str, content: bytes, tasks: list[str]) -> None:
        stem, fmt = name.rsplit(".", 1)
        path = tmp / f"{stem}-{fmt}.{fmt}"  # one PDF name per file: plan-165-docx.pdf
        path.write_bytes(content)
        files[name] = (path, tasks)

    for number, province in PLANS:
        plan = plan_get_by_number(number=number, province=province)
        assert plan is not None
        contents = [row.task.content for row in plan_rows(plan) if row.kind == "task"]
        slug = number.split("/")[0]
        for fmt in ("docx", "xlsx", "pdf"):
            keep(f"plan-{slug}.{fmt}", exporter_for("plan", fmt)(plan).content, contents)
    home = Agency.objects.get(name="Sở Ngoại vụ", province__name="Quảng Trị").province
    small = _plan_numbered_5(home)
    contents = [row.task.content for row in plan_rows(small) if row.kind == "task"]
    for fmt in ("docx", "pdf"):
        keep(f"plan-05.{fmt}", exporter_for("plan", fmt)(small).content, contents)

    reporting_round = ReportingRound.objects.select_related("province").get(request_number=ROUND)
    province = reporting_round.province
    coordinator = make_user(
        "office_c",
        Role.COORDINATOR,
        province,
        Agency.objects.get(province=province, name="Sở Ngoại vụ"),
    )
    assert demo_reports_load()  # accepted, submitted, returned and draft reports
    contents = [row.content for row in round_summary(reporting_round).tasks]
    for fmt in ("docx", "xlsx", "pdf"):
        keep(f"round-6452.{fmt}", exporter_for("round", fmt)(reporting_round).content, contents)
    for fmt in ("docx", "pdf"):
        keep(f"reminder-6452.{fmt}", exporter_for("reminder", fmt)(reporting_round).content, [])
    leader = make_user("office_l", Role.LEADER, province, None)
    data = dashboard_data(leader, details=True)
    keep(
        "dashboard.xlsx",
        dashboard_xlsx(data).content,
        [task.content for task in data["overdue_tasks"]],
    )
    # The PDF lists the first PDF_TASK_LIMIT tasks of a panel, each cut at 300 characters.
    keep(
        "dashboard.pdf",
        dashboard_pdf(data).content,
        [task.content[:250] for task in data["overdue_tasks"][:PDF_TASK_LIMIT]],
    )
    del coordinator
    return files


@pytest.fixture(scope="module")
def converted(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Converted]:
    """Each file written once and converted once, in one LibreOffice run; the database is left
    as it was (the demo reports are rolled back)."""
    tmp = tmp_path_factory.mktemp("office")
    with django_db_blocker.unblock(), transaction.atomic():
        files = _documents(tmp)
        transaction.set_rollback(True)
    out = tmp / "pdf"
    profile = tmp / "profile"
    office = [path for path, _ in files.values() if path.suffix != ".pdf"]
    words = [path for path in office if path.suffix == ".docx"]
    for target, paths in (("pdf", office), ("txt:Text (encoded):UTF8", words)):
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "soffice",
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                *(str(path) for path in paths),
            ],
            capture_output=True,
            check=True,
            timeout=TIMEOUT,
        )
    pages_dir = PNG_DIR / "pages"
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    result = {}
    for name, (path, tasks) in files.items():
        pdf = path if path.suffix == ".pdf" else out / f"{path.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {name}"
        stem = path.stem
        subprocess.run(  # noqa: S603 - page 1 for a person to look at, then every page
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),  # noqa: S607
             str(PNG_DIR / stem)],
            check=True,
            timeout=120,
        )  # fmt: skip
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-png", "-r", "40", str(pdf), str(pages_dir / stem)],  # noqa: S607
            check=True,
            timeout=120,
        )
        contact_sheet(sorted(pages_dir.glob(f"{stem}-*.png")), PNG_DIR / f"{stem}-pages.png")
        shutil.copy(pdf, PNG_DIR / f"{stem}.pdf")
        txt = out / f"{path.stem}.txt"
        office_text = txt.read_text(encoding="utf-8-sig") if path.suffix == ".docx" else ""
        raw = plain_text(pdf)
        result[name] = Converted(name, pdf, read_pages(pdf), squash(raw), tasks, raw, office_text)
    return result


def contact_sheet(pngs: list[Path], target: Path, columns: int = 4) -> None:
    """Every page of a file side by side in one PNG, for a person to look at."""
    from PIL import Image

    images = [Image.open(png) for png in pngs]
    width = max(image.width for image in images) + 6
    height = max(image.height for image in images) + 6
    rows = -(-len(images) // columns)
    sheet = Image.new("RGB", (columns * width, rows * height), "gray")
    for index, image in enumerate(images):
        sheet.paste(image, ((index % columns) * width, (index // columns) * height))
    sheet.save(target)


def overlapping_words(page: Page) -> list[tuple[str, str]]:
    """Pairs of words printed over each other: their boxes share more than a third of the
    smaller one's height and width (a row too short lets its text run into the next row)."""
    words = sorted(page.words, key=lambda w: w.y0)
    found = []
    for index, word in enumerate(words):
        for other in words[index + 1 :]:
            if other.y0 >= word.y1:
                break
            dy = min(word.y1, other.y1) - max(word.y0, other.y0)
            dx = min(word.x1, other.x1) - max(word.x0, other.x0)
            height = min(word.y1 - word.y0, other.y1 - other.y0)
            width = min(word.x1 - word.x0, other.x1 - other.x0)
            if dy > height / 3 and dx > width / 3 and (word.y0, word.x0) != (other.y0, other.x0):
                found.append((word.text, other.text))
    return found


# Every file, and how it prints: one letter a page, P portrait, L landscape. Read off the pages
# under var/office/pages/ once (LibreOffice 7.4 with Liberation Serif for Times New Roman, as on
# CI) and checked against what each document is: a plan's text portrait, its appendix tables
# landscape (592's table sits inside its text, portrait as in the original), a workbook landscape
# sheet by sheet but for the narrow summary sheets. A change of a page here is a change a reader
# sees: look at the pages again before moving a number.
LAYOUT = {
    "plan-165.docx": "PPPPPPLLLLLLLL",  # Quyết định + Kế hoạch; Phụ lục I (4), Phụ lục II (4)
    "plan-165.xlsx": "L" * 15,  # two appendices, the data sheets
    "plan-165.pdf": "PPPPPPPLLLLLLLL",
    "plan-592.docx": "PPPPPPPP",  # its table inside "III. NHIỆM VỤ CỤ THỂ", portrait
    "plan-592.xlsx": "LLLLLLL",
    "plan-592.pdf": "PPPPPPP",
    "plan-110.docx": "PPPPLLLLL",  # the text; "II. NỘI DUNG, NHIỆM VỤ" landscape
    "plan-110.xlsx": "LLLLLL",
    "plan-110.pdf": "PPPPLLLLL",
    "plan-05.docx": "PL",
    "plan-05.pdf": "PL",
    "round-6452.docx": "PPPP" + "L" * 12,  # the report; the task-by-task appendix
    "round-6452.xlsx": "PLLLLLLLLP",  # "Tổng hợp", the tables, the agencies' list
    "round-6452.pdf": "PPPP" + "L" * 13,
    "reminder-6452.docx": "PP",
    "reminder-6452.pdf": "PP",
    "dashboard.xlsx": "LLLLLLPP",  # plans, overdue (4), due soon; the round, upcoming
    "dashboard.pdf": "LLLLLLLL",
}
NAMES = list(LAYOUT)
# Documents, not workbooks: a sheet printed fit to the page's width is centred between the
# margins, and LibreOffice draws an Excel header inside the top margin.
WORDS = [name for name in NAMES if not name.endswith(".xlsx")]


def layout(document: Converted) -> str:
    return "".join("L" if page.landscape else "P" for page in document.pages)


def test_page_count_and_orientation_of_every_file(converted):
    found = {name: layout(converted[name]) for name in NAMES}
    assert found == LAYOUT


def is_page_number(word: Word) -> bool:
    return word.text.isdigit() and word.y1 < PAGE_MARGINS_MM.top * MM


@pytest.mark.parametrize("name", NAMES)
def test_no_text_outside_the_paper_and_no_lines_over_each_other(converted, name):
    document = converted[name]
    assert document.pages, f"{name}: no page"
    for number, page in enumerate(document.pages, 1):
        outside = [
            w.text
            for w in page.words
            if w.x0 < -0.5 or w.y0 < -0.5 or w.x1 > page.width + 0.5 or w.y1 > page.height + 0.5
        ]
        assert not outside, f"{name} page {number}: text outside the page: {outside[:5]}"
        overlaps = overlapping_words(page)
        assert not overlaps, f"{name} page {number}: text printed over text: {overlaps[:5]}"


# Glyph boxes reach a little past the line box the margins bound (accents above capitals).
SLACK = 2.0  # points


@pytest.mark.parametrize("name", WORDS)
def test_text_inside_the_official_margins(converted, name):
    """Nghị định 30/2020: top and bottom 20–25 mm, binding side (left) 30–35 mm, the other side
    15–20 mm, on portrait and landscape pages alike; only the page number sits above."""
    margins = PAGE_MARGINS_MM
    assert 20 <= margins.top <= 25 and 20 <= margins.bottom <= 25
    assert 30 <= margins.left <= 35 and 15 <= margins.right <= 20
    document = converted[name]
    for number, page in enumerate(document.pages, 1):
        text = [w for w in page.words if not is_page_number(w)]
        if not text:
            continue
        where = f"{name} page {number}"
        left = min(w.x0 for w in text) / MM
        right = (page.width - max(w.x1 for w in text)) / MM
        top = min(w.y0 for w in text) / MM
        bottom = (page.height - max(w.y1 for w in text)) / MM
        slack = SLACK / MM
        assert left >= margins.left - slack, f"{where}: text {left:.1f} mm from the left edge"
        assert right >= margins.right - slack, f"{where}: text {right:.1f} mm from the right"
        assert top >= margins.top - slack, f"{where}: text {top:.1f} mm from the top"
        assert bottom >= margins.bottom - slack, f"{where}: text {bottom:.1f} mm from the bottom"


@pytest.mark.parametrize("name", [name for name in WORDS if not name.startswith("plan-05")])
def test_documents_use_the_margins_not_more(converted, name):
    """Portrait and landscape pages alike start their text at the binding-side and top margins
    (a table: its cell padding further in), and justified running text reaches the other side:
    a document printed with larger margins fails too (the dashboard's were its own)."""
    document = converted[name]
    for landscape in (False, True):
        pages = [p for p in document.pages if p.landscape == landscape]
        words = [w for p in pages for w in p.words if not is_page_number(w)]
        if not words:
            continue
        where = (name, "landscape" if landscape else "portrait")
        left = min(w.x0 for w in words) / MM
        top = min(w.y0 for w in words) / MM
        assert left <= PAGE_MARGINS_MM.left + 3, (*where, left)
        assert top <= PAGE_MARGINS_MM.top + 3, (*where, top)
        if not landscape:  # a landscape table's last column may be short lines
            right = min(p.width - max(w.x1 for w in p.words) for p in pages if p.words) / MM
            assert right <= PAGE_MARGINS_MM.right + 3, (*where, right)


@pytest.mark.parametrize("name", NAMES)
def test_every_task_is_there(converted, name):
    document = converted[name]
    missing = [task[:60] for task in document.tasks if squash(task) not in document.text]
    assert not missing, f"{name}: {len(missing)} task(s) not printed, first: {missing[:3]}"


def page_numbers(document: Converted) -> list[str | None]:
    """The number printed in each page's top margin, if any."""
    out = []
    for page in document.pages:
        numbers = [w.text for w in page.words if is_page_number(w)]
        out.append(numbers[0] if numbers else None)
    return out


def numbering_groups(numbers: list[str | None]) -> list[int]:
    """[None, "2", "3", None, "2"] → [3, 2]: runs numbered from 1, the 1 unprinted."""
    groups: list[int] = []
    for number in numbers:
        if number is None:
            groups.append(1)
        else:
            assert groups and number == str(groups[-1] + 1), numbers
            groups[-1] += 1
    return groups


# Runs of page numbers: the text, then one per appendix (165: Phụ lục I and II; 110's and 592's
# tables belong to the text, their numbers run on; the round's task appendix).
RUNS = {"plan-165": 3, "plan-592": 1, "plan-110": 1, "round-6452": 2}


@pytest.mark.parametrize("stem", list(RUNS))
def test_page_numbering_the_same_in_word_and_pdf(converted, stem):
    """Top centre, none on page 1, each appendix counting from 1 again (no number on its first
    page): in Word's file as LibreOffice prints it and in our PDF, the same runs of pages."""
    word = numbering_groups(page_numbers(converted[f"{stem}.docx"]))
    pdf = numbering_groups(page_numbers(converted[f"{stem}.pdf"]))
    # The same runs (the text, then each appendix); a run's length follows the text's layout.
    assert len(word) == len(pdf) == RUNS[stem], (word, pdf)
    left, right = PAGE_MARGINS_MM.left * MM, PAGE_MARGINS_MM.right * MM
    for document in (converted[f"{stem}.docx"], converted[f"{stem}.pdf"]):
        for page in document.pages:
            centre = (left + page.width - right) / 2  # centred over the text, not the paper
            for w in page.words:
                if is_page_number(w):
                    assert abs((w.x0 + w.x1) / 2 - centre) < 6, (document.name, w)


@pytest.mark.parametrize("name", [name for name in NAMES if name.endswith(".xlsx")])
def test_workbooks_print_page_numbers_after_the_first_page(converted, name):
    """Every workbook printed as LibreOffice prints it: no number on page 1, then 2, 3 … on
    every page, whatever sheet it belongs to (the plans', the round's and the dashboard's)."""
    document = converted[name]
    assert numbering_groups(page_numbers(document)) == [len(document.pages)]


# The document numbers each file prints, as a reader searches for them.
NUMBERS = {
    "plan-05": ["05/KH-UBND"],
    "plan-165": ["165/QĐ-UBND"],
    "plan-592": ["592/KH-UBND"],
    "plan-110": ["110/KH-UBND"],
    "round-6452": ["6452/UBND-ĐN", "165/QĐ-UBND"],
    "reminder-6452": ["6452/UBND-ĐN"],
}


@pytest.mark.parametrize("stem", list(NUMBERS))
def test_document_numbers_are_found_by_a_search_and_printed_on_one_line(converted, stem):
    """Word's file saved as text by LibreOffice holds "05/KH-UBND" as typed (a word joiner after
    "/" or a non-breaking hyphen would hide it from Find), and neither LibreOffice's print of it
    nor our PDF breaks a number across two lines."""
    word = converted[f"{stem}.docx"]
    for number in NUMBERS[stem]:
        assert number in word.office_text, (stem, number)
    assert "\u2060" not in word.office_text and "\u2011" not in word.office_text
    for document in (word, converted[f"{stem}.pdf"]):
        text = unicodedata.normalize("NFC", document.raw)
        for number in NUMBERS[stem]:
            whole = sum(line.count(number) for line in text.splitlines())
            assert whole >= 1, (document.name, number)
            # Squashed (line breaks left out) it is found as often: never split over two lines.
            assert whole == document.text.count(squash(number)), (document.name, number)


def test_dates_in_running_text_as_the_province_writes_them(converted):
    """ "15/9/2022" (the round's deadline), "31/12/2021" (its request): no leading zero added
    inside a sentence, in Word and in the PDF."""
    for name in ("round-6452.docx", "round-6452.pdf", "reminder-6452.docx", "reminder-6452.pdf"):
        text = converted[name].text
        assert "15/9/2022" in text and "15/09/2022" not in text, name
        assert "31/12/2021" in text, name
