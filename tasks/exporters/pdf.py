"""HTML → PDF for every PDF the project makes, through WeasyPrint and a closed URL fetcher.

WeasyPrint ≥ 69 replaced the ``default_url_fetcher`` function with the ``URLFetcher`` class
(``weasyprint.urls.URLFetcher``: its ``fetch(url, headers=None)`` returns a
``URLFetcherResponse``; WeasyPrint calls the instance and reads its ``_fail_on_errors``).
:class:`StaticOnlyFetcher` subclasses it and never opens a socket:

* ``static:css/pdf.css``, ``static:fonts/Tinos-Regular.ttf`` — a path relative to a static root;
* ``file:///…/static/fonts/Tinos-Regular.ttf`` — an absolute path inside a static root.

The static roots are ``settings.STATICFILES_DIRS`` and the ``static`` folders of the project's
own apps (those living under ``BASE_DIR``). A path is resolved (symbolic links followed) and
served only if the result is a file inside one of those roots, so ``..`` cannot escape.
Everything else is refused: ``http``, ``https``, ``ftp``, ``file`` outside the static roots and
also ``data:`` — documents are built from our templates, which need no inline resources, and
refusing it keeps the rule simple ("only our own static files"). A refused URL raises
:class:`RefusedURL` inside the fetcher; WeasyPrint logs it (logger ``weasyprint``) and leaves the
resource out, the render goes on.

Text typed by users reaches the HTML through Django templates with autoescaping, so markup such
as ``<img src="http://…">`` prints as text and is never parsed as an element.
"""

from __future__ import annotations

import gc
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "static"


class RefusedURL(ValueError):
    """The PDF asked for something that is not one of our static files."""


def static_roots() -> tuple[Path, ...]:
    """Folders the PDF renderer may read: STATICFILES_DIRS, then our apps' ``static``."""
    roots: list[Path] = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, list | tuple) else entry
        roots.append(Path(path).resolve())
    base_dir = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        folder = Path(config.path).resolve() / "static"
        if folder.is_relative_to(base_dir) and folder.is_dir():
            roots.append(folder)
    unique: list[Path] = []
    for root in roots:
        if root not in unique:
            unique.append(root)
    return tuple(unique)


def _inside(path: Path) -> Path | None:
    """``path`` resolved, if it is a file inside a static root."""
    try:
        resolved = path.resolve()
    except (OSError, ValueError):  # loops of links, NUL bytes …
        return None
    for root in static_roots():
        if resolved.is_relative_to(root) and resolved.is_file():
            return resolved
    return None


def resolve_static_url(url: str) -> Path:
    """The file a ``static:`` or ``file:`` URL names, or :class:`RefusedURL`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == STATIC_SCHEME:
        relative = unquote(parts.path).replace("\\", "/")
        pieces = [piece for piece in relative.split("/") if piece not in ("", ".")]
        if not pieces or ".." in pieces or relative.startswith("/") or ":" in relative:
            raise RefusedURL(f"Đường dẫn tĩnh không hợp lệ: {url}")
        for root in static_roots():
            try:
                candidate = root.joinpath(*pieces)
            except ValueError:
                continue
            found = _inside(candidate)
            if found is not None and found.is_relative_to(root):
                return found
        raise RefusedURL(f"Không có tệp tĩnh: {url}")
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"Không đọc tệp trên máy khác: {url}")
        found = _inside(Path(url2pathname(unquote(parts.path))))
        if found is None:
            raise RefusedURL(f"Tệp nằm ngoài thư mục tĩnh: {url}")
        return found
    raise RefusedURL(f"Không tải tài nguyên ngoài khi in PDF: {url}")


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves our static files and refuses everything else."""

    def __init__(self) -> None:
        # fail_on_errors=False: a refused resource is logged by WeasyPrint and left out.
        super().__init__(allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        path = resolve_static_url(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )

    # urllib's OpenerDirector.open would reach the network handlers: never go there.
    def open(self, url, data=None, timeout=None):
        return self.fetch(url if isinstance(url, str) else url.full_url)


_gc_lock = threading.Lock()
_gc_state = {"pausers": 0, "reenable": False}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while WeasyPrint lays out and draws.

    A render allocates hundreds of thousands of short-lived objects (boxes, styles, lines) and
    keeps the whole laid-out document alive until the PDF is written. Every full collection walks
    that growing heap, so the collector's cost grows faster than the document: about 15 % of a
    13-page plan. Nothing of the render needs collecting before it ends; afterwards the collector
    is switched back on (if it was on) and frees the cycles as usual (a few MB per render).
    Counted, so that renders in concurrent threads do not switch it back on under each other.
    """
    with _gc_lock:
        if _gc_state["pausers"] == 0:
            _gc_state["reenable"] = gc.isenabled()
            gc.disable()
        _gc_state["pausers"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["pausers"] -= 1
            if _gc_state["pausers"] == 0 and _gc_state["reenable"]:
                gc.enable()


def default_base_url() -> str:
    return static_roots()[0].as_uri() + "/"


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """PDF bytes of ``html``. Resources: ``static:…`` URLs (or files inside a static root).

    Fonts are embedded as subsets (WeasyPrint's default, done by HarfBuzz-subset when the
    system has it); hinting is dropped, which keeps subsetting quick and the file small.
    """
    with gc_paused():
        document = HTML(
            string=html, base_url=base_url or default_base_url(), url_fetcher=StaticOnlyFetcher()
        ).render(font_config=FontConfiguration())
        return document.write_pdf(hinting=False, full_fonts=False)
