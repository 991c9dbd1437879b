"""Our Word and Excel files opened in a real office suite (LibreOffice headless → PDF).

Every DOCX and XLSX the project writes — plans 165/QĐ-UBND, 592/KH-UBND and 110/KH-UBND, the
summary of round 6452/UBND-ĐN, its reminder letter, the dashboard — is converted once per run
(one LibreOffice process for all of them, its own profile, a time limit), then read back as a
person would look at it: how many pages and which way up, nothing outside the paper, every
task's text there, and no two lines of text printed over each other (a row too short for its
text). Page 1 of each is kept as a PNG under ``var/office/`` for a person to look at.
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
from agreements.models import Agency
from reports.models import ReportingRound
from tasks.exporters.base import exporter_for
from tasks.selectors import plan_get_by_number, plan_rows
from tests.factories import make_user

pytestmark = [pytest.mark.office, pytest.mark.django_db]

PLANS = [("165/QĐ-UBND", "Quảng Trị"), ("592/KH-UBND", "Khánh Hòa"), ("110/KH-UBND", "Tuyên Quang")]
ROUND = "6452/UBND-ĐN"
TIMEOUT = 600  # seconds for the one conversion of every file (about a minute on two cores)
PNG_DIR = Path(settings.BASE_DIR) / "var" / "office"


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


def _documents(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    """Every DOCX and XLSX we write, as files, with the task texts each must show."""
    from devdata.demo import demo_reports_load
    from reports.dashboard import dashboard_data
    from reports.exporters.dashboard import dashboard_xlsx
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
        for fmt in ("docx", "xlsx"):
            keep(f"plan-{slug}.{fmt}", exporter_for("plan", fmt)(plan).content, contents)

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
    for fmt in ("docx", "xlsx"):
        keep(f"round-6452.{fmt}", exporter_for("round", fmt)(reporting_round).content, contents)
    keep("reminder-6452.docx", exporter_for("reminder", "docx")(reporting_round).content, [])
    leader = make_user("office_l", Role.LEADER, province, None)
    data = dashboard_data(leader, details=True)
    keep(
        "dashboard.xlsx",
        dashboard_xlsx(data).content,
        [task.content for task in data["overdue_tasks"]],
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
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(path) for path, _ in files.values()),
        ],
        capture_output=True,
        check=True,
        timeout=TIMEOUT,
    )
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    result = {}
    for name, (path, tasks) in files.items():
        pdf = out / f"{path.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {name}"
        stem = path.stem
        subprocess.run(  # noqa: S603 - page 1 for a person to look at
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),  # noqa: S607
             str(PNG_DIR / stem)],
            check=True,
            timeout=120,
        )  # fmt: skip
        shutil.copy(pdf, PNG_DIR / f"{stem}.pdf")
        result[name] = Converted(name, pdf, read_pages(pdf), squash(plain_text(pdf)), tasks)
    return result


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


NAMES = [
    "plan-165.docx",
    "plan-165.xlsx",
    "plan-592.docx",
    "plan-592.xlsx",
    "plan-110.docx",
    "plan-110.xlsx",
    "round-6452.docx",
    "round-6452.xlsx",
    "reminder-6452.docx",
    "dashboard.xlsx",
]


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


@pytest.mark.parametrize("name", NAMES)
def test_every_task_is_there(converted, name):
    document = converted[name]
    missing = [task[:60] for task in document.tasks if squash(task) not in document.text]
    assert not missing, f"{name}: {len(missing)} task(s) not printed, first: {missing[:3]}"


def test_plans_in_word_portrait_then_landscape_appendices(converted):
    for slug, landscape_tables in (("165", True), ("110", True), ("592", False)):
        pages = converted[f"plan-{slug}.docx"].pages
        assert not pages[0].landscape, slug
        assert pages[-1].landscape == landscape_tables, slug
        if landscape_tables:
            # Portrait text pages first, then the landscape tables: one switch only.
            turns = sum(
                1 for a, b in zip(pages, pages[1:], strict=False) if a.landscape != b.landscape
            )
            assert turns == 1, slug


def test_plans_in_excel_print_landscape_over_several_pages(converted):
    for slug in ("165", "592", "110"):
        pages = converted[f"plan-{slug}.xlsx"].pages
        assert all(page.landscape for page in pages), slug
    # 165's two appendices (49 tasks), the data sheets: rows as tall as their text cannot fit
    # one page per sheet (the rows of 15 pt did, squeezing every appendix onto one page).
    assert len(converted["plan-165.xlsx"].pages) >= 6


def test_round_documents_pages(converted):
    summary = converted["round-6452.docx"].pages
    assert not summary[0].landscape and summary[-1].landscape  # the task appendix is landscape
    letter = converted["reminder-6452.docx"].pages
    assert len(letter) <= 2 and not any(page.landscape for page in letter)
    workbook = converted["round-6452.xlsx"].pages
    assert not workbook[0].landscape  # "Tổng hợp" is portrait, the tables landscape
    assert any(page.landscape for page in workbook)
