"""What one document render may take is bounded: a printed paragraph or table cell holds at most
its field's maximum (longer old text is cut, and the cut is said), and a round with much text is
built by the background worker, not in the request."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from agreements.documents import document_touch, round_scope
from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, printable
from agreements.models import Agency
from devdata.demo import demo_reports_load
from reports.exporters.document import summary_document
from reports.exporters.round_pdf import round_summary_html
from reports.models import DocumentJob, Report, ReportEntry, ReportingRound
from reports.summary import round_summary
from tests.factories import make_user
from tests.reports.factories import open_round

pytestmark = pytest.mark.django_db

MEGABYTE = "Khó khăn kéo dài " * 62_000  # about 1 MB, as the outside probe posted


@pytest.fixture
def demo_round(quang_tri) -> ReportingRound:
    make_user(
        "c", Role.COORDINATOR, quang_tri, Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    )
    assert demo_reports_load()
    return ReportingRound.objects.get(request_number="6452/UBND-ĐN")


def test_printable_cuts_at_a_word_and_says_so():
    assert printable("ngắn", 10) == "ngắn"
    text = printable(MEGABYTE, TEXT_PARAGRAPH)
    assert len(text) < TEXT_PARAGRAPH + 100
    assert text.startswith("Khó khăn kéo dài") and "đã lược bớt" in text


def test_printed_round_holds_at_most_the_field_maxima(demo_round):
    Report.objects.filter(reporting_round=demo_round).update(difficulties=MEGABYTE)
    ReportEntry.objects.filter(report__reporting_round=demo_round).update(result=MEGABYTE)
    summary = round_summary(demo_round)
    assert summary.difficulties and any(row.result == MEGABYTE for row in summary.tasks)

    doc = summary_document(summary, timezone.localdate())
    longest = max(len(block.text) for block in doc.blocks if hasattr(block, "text"))
    assert longest < TEXT_PARAGRAPH + 300  # "- agency: " + the cut text + the note
    assert all(len(row.result) < TEXT_CELL + 100 for row in doc.tasks)
    html = round_summary_html(summary)
    assert "đã lược bớt" in html
    assert MEGABYTE[:20_000] not in html


def test_a_round_with_much_text_is_built_in_the_background(
    coordinator_client, coordinator, settings
):
    settings.EXPORT_INLINE_MAX_CHARS = 500_000
    reporting_round = open_round(coordinator)
    response = coordinator_client.get(f"/rounds/{reporting_round.pk}/export/xlsx/")
    assert response.status_code == 200  # small: built in the request
    assert not DocumentJob.objects.exists()

    settings.EXPORT_INLINE_MAX_CHARS = 1_000  # the same round, counted as long
    # ... once something it prints has changed (unchanged, the file built above is served).
    document_touch(round_scope(reporting_round.pk))
    response = coordinator_client.get(f"/rounds/{reporting_round.pk}/export/xlsx/")
    job = DocumentJob.objects.get(reporting_round=reporting_round)
    assert response.status_code == 302 and response["Location"] == f"/documents/{job.pk}/"
