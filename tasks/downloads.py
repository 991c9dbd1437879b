"""A built document (an ``Export``) as the HTTP answer that downloads it.

Plan, timeline, round and dashboard documents all leave the app this way, so each is a download
under its own file name and never rendered by the browser as something else.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .exporters.base import Export


def export_response(export: Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
