"""The import as a plan author goes through it: upload, preview, confirm, on the import pages.

Every layout of ``import_layouts`` in .docx and .xlsx ends as the plan the file prints, word
for word, with its appendices' partners and the dates of its timeframes; every refusal names
the file, the sheet or table, the row and the column, and saves nothing; no file, however
damaged, answers with an error page.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.models import Locality, Plan
from agreements.timeframes import parse_timeframe
from tasks.importers.parser import parse_grids
from tasks.importers.reader import (
    Grid,
    PlanImportError,
    read_document,
    read_source,
    source_dump,
    source_load,
)
from tasks.importers.service import plan_import
from tasks.models import Section, Task
from tests.tasks.import_layouts import (
    APPENDICES,
    ONE_ROW,
    THREE_ROWS,
    TIME_SPLIT,
    TWO_ROWS,
    YEAR_COLUMNS,
    docx_file,
    expected,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

LAYOUTS = {
    "two_rows": TWO_ROWS,
    "three_rows": THREE_ROWS,
    "time_split": TIME_SPLIT,
    "year_columns": YEAR_COLUMNS,
    "one_row": ONE_ROW,
}
FILES = [
    (f"{layout}.{kind}", build, header, {})
    for layout, header in LAYOUTS.items()
    for kind, build in (("docx", docx_file), ("xlsx", xlsx_file))
] + [
    ("page_break.docx", docx_file, TWO_ROWS, {"break_after": 3, "repeat_header": False}),
    ("letterhead.docx", docx_file, TWO_ROWS, {"letterhead": True}),
    ("tcvn3.docx", docx_file, TWO_ROWS, {"font": ".VnTime", "heading_font": ".VnTimeH"}),
    ("vni.xlsx", xlsx_file, TWO_ROWS, {"font": "VNI-Times"}),
]


def counts() -> tuple[int, int, int]:
    return Plan.objects.count(), Section.objects.count(), Task.objects.count()


def upload(client, name: str, data: bytes, number: str):
    return client.post(
        "/plans/import/",
        {"file": SimpleUploadedFile(name, data), "number": number, "title": "Kế hoạch thử"},
    )


def confirm(client, **fields):
    """The preview's confirmation, every printed name without a match created."""
    preview = client.get("/plans/import/preview/")
    assert preview.status_code == 200
    choices = {key: "__create__" for key, _name, _places in preview.context["unmatched"]}
    return preview, client.post("/plans/import/preview/", {**choices, "status": "draft", **fields})


def as_imported(plan: Plan) -> list[dict]:
    rows = []
    for task in plan.tasks.select_related("section__parent").order_by("position"):
        node = task.section
        while node is not None and node.parent is not None:
            node = node.parent
        rows.append(
            {
                "number": task.number,
                "content": task.content,
                "lead": task.lead_text,
                "coordinating": task.coordinating_text,
                "timeframe": task.timeframe_text,
                "note": task.note,
                "section": task.section.number if task.section else "",
                "appendix": node.number if node else "",
            }
        )
    return rows


@pytest.mark.parametrize(("name", "build", "header", "options"), FILES, ids=[f[0] for f in FILES])
def test_each_layout_imports_word_for_word_through_the_pages(
    coordinator_client, name, build, header, options
):
    number = f"{50 + FILES.index(next(f for f in FILES if f[0] == name))}/KH-UBND"
    response = upload(coordinator_client, name, build(header=header, **options), number)
    assert response.status_code == 302, response.content.decode()[:2000]

    preview, response = confirm(coordinator_client)

    page = preview.content.decode()
    assert "Savannakhet" in page and "Salavan" in page
    if "font" in options:
        assert "TCVN3" in page or "VNI" in page  # the preview says the text was converted
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    plan = Plan.objects.get(number=number)
    assert as_imported(plan) == expected(APPENDICES, header)
    for task in plan.tasks.all():
        read = parse_timeframe(task.timeframe_text)
        assert (task.start_date, task.end_date) == (read.start, read.end) != (None, None)
    tops = plan.sections.filter(parent=None).order_by("position")
    assert [top.partner.name for top in tops] == ["Savannakhet", "Salavan"]
    assert {p.name for p in plan.partners.all()} == {"Savannakhet", "Salavan"}
    assert plan.status == "draft"


@pytest.mark.parametrize(("name", "build", "header", "options"), FILES, ids=[f[0] for f in FILES])
def test_what_waits_for_the_preview_is_what_the_file_says(name, build, header, options):
    # The file is read once, at upload; the preview and the confirmation read what was kept.
    source = read_source(build(header=header, **options))

    kept = source_load(source_dump(source))

    assert kept == source
    assert kept is not None and kept.notes() == source.notes()


def test_a_refused_upload_names_file_table_row_and_column(coordinator_client):
    data = docx_file()
    grids = read_document(data)
    assert grids  # the file reads; now the same file with one content cell emptied:
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    table = document.tables[0]
    row = next(r for r in table.rows if r.cells[0].text.strip() == "2.")
    row.cells[1].text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    before = counts()

    response = upload(coordinator_client, "hong.docx", buffer.getvalue(), "70/KH-UBND")

    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert error.startswith("hong.docx: Bảng 1, dòng ")
    assert ", cột 2: " in error and "thiếu nội dung công việc" in error  # Word: numbered
    assert counts() == before


def test_a_refusal_at_confirmation_names_the_file_and_saves_nothing(coordinator_client):
    existing = Plan.objects.get(number="165/QĐ-UBND")
    assert upload(coordinator_client, "trung-so.xlsx", xlsx_file(), "71/KH-UBND").status_code == 302
    before = counts()

    _preview, response = confirm(coordinator_client, number=existing.number)

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("trung-so.xlsx: ") and "165/QĐ-UBND" in m for m in messages)
    assert counts() == before


# -- damaged files: a message or a plan, never a traceback, never half a plan ---------------


def _layout_grids() -> list[list[Grid]]:
    return [read_document(docx_file(break_after=3)), read_document(xlsx_file(header=TIME_SPLIT))]


GRIDS = _layout_grids()
_TEXT = st.sampled_from(
    [
        "",
        "1.",
        "II",
        "x",
        "(3)",
        "Sở Ngoại vụ",
        "Quý V/2022",
        "6/2021 - 12/2022",
        "PHỤ LỤC III",
        "Ghi chú:",
        "STT",
        "Nội dung",
        "Thời gian",
        "Bắt đầu",
        "2022 - 2020",
        "ĐƠN VỊ CHỦ TRÌ",
    ]
) | st.text(max_size=30)


@st.composite
def damaged(draw) -> list[Grid]:
    """One of the built files with rows dropped, doubled or cut, and cells overwritten."""
    grids = [
        Grid(
            name=grid.name,
            kind=grid.kind,
            rows=[list(row) for row in grid.rows],
            row_numbers=list(grid.row_numbers),
            preamble=list(grid.preamble),
            title=grid.title,
        )
        for grid in draw(st.sampled_from(GRIDS))
    ]
    for _ in range(draw(st.integers(1, 8))):
        grid = draw(st.sampled_from(grids))
        if not grid.rows:
            continue
        r = draw(st.integers(0, len(grid.rows) - 1))
        action = draw(st.sampled_from(["drop", "double", "cut", "cell"]))
        if action == "drop":
            del grid.rows[r]
            del grid.row_numbers[r]
        elif action == "double":
            grid.rows.insert(r, list(grid.rows[r]))
            grid.row_numbers.insert(r, grid.row_numbers[r])
        elif action == "cut":
            grid.rows[r] = grid.rows[r][: draw(st.integers(0, len(grid.rows[r])))]
        elif grid.rows[r]:
            grid.rows[r][draw(st.integers(0, len(grid.rows[r]) - 1))] = draw(_TEXT)
    return grids


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(grids=damaged())
def test_damaged_layouts_give_a_message_or_a_whole_plan(quang_tri, grids):
    before = counts()
    try:
        parsed = parse_grids(grids)
    except PlanImportError as error:
        assert str(error)
        return
    savepoint = transaction.savepoint()
    try:
        plan = plan_import(
            parsed=parsed,
            province=quang_tri,
            number="80/KH-UBND",
            title="Thử",
            partner=Locality.objects.get(name="Savannakhet"),
            create_agencies=True,
        )
    except PlanImportError as error:
        assert str(error)
        assert counts() == before
    else:
        assert plan.tasks.count() == len(parsed.tasks)
    finally:
        transaction.savepoint_rollback(savepoint)
