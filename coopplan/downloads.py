"""Tell the page a download has started: "Đang tạo tệp…" (static/js/app.js) stays until then.

A download link adds ``download_token=<token>`` to its address; when the answer is a file
(``Content-Disposition: attachment``), this sets the cookie ``coopplan_download=<token>``, which
the page watches for. Nothing else changes: without JavaScript the link is an ordinary download.
"""

from __future__ import annotations

import re

COOKIE = "coopplan_download"
TOKEN = re.compile(r"[A-Za-z0-9]{1,40}")


class DownloadCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = request.GET.get("download_token", "")
        disposition = response.get("Content-Disposition", "")
        if token and TOKEN.fullmatch(token) and disposition.startswith("attachment"):
            response.set_cookie(
                COOKIE,
                token,
                max_age=180,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=False,  # read by the page's script, and worth nothing to anyone else
            )
        return response
