"""What an htmx request needs besides its partial: the login page as a whole page, and messages.

``HtmxLoginRedirectMiddleware``: an htmx request follows redirects inside XMLHttpRequest; with
an expired session the login page would be swapped into a table row. A redirect to the login
page answering an htmx request becomes an empty answer with ``HX-Redirect``, which htmx turns
into a full navigation; ``next`` is the page the user was on (``HX-Current-URL``, same site
only), not the partial's address.

``HtmxMessagesMiddleware``: a message a view adds while answering an htmx request ("Đã lưu",
"Mục còn nhiệm vụ, không xóa được") would wait for the next whole page. It is appended to the
partial as an out-of-band swap of the page's message area instead, whatever the view.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme


def _page_path(request: HttpRequest) -> str:
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(current)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in (301, 302):
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login:
            return response
        answer = HttpResponse(status=200)
        answer["HX-Redirect"] = f"{login}?{urlencode({'next': _page_path(request)})}"
        return answer


class HtmxMessagesMiddleware:
    """Below MessageMiddleware, so that the messages read here are marked as shown."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") != "true"
            or response.streaming
            or (response.status_code >= 300 and response.status_code not in (400, 409, 422))
            or response.has_header("HX-Redirect")
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        pending = list(messages.get_messages(request))
        if pending:
            response.content += render_to_string(
                "_messages_oob.html", {"messages": pending}, request=request
            ).encode()
        return response
