"""What a new web worker loads before its first request (gunicorn.conf.py, post_worker_init),
so that no person's page pays for it: every view module, the project's templates compiled, the
font metrics the charts measure labels with, the code version documents are keyed on.

Each of these is otherwise loaded by the first request that needs it, in each worker: the load
test's first dashboards took 130-320 ms against 30-60 ms once warm.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.urls import get_resolver

from agreements.documents import code_version
from tasks.exporters.fonts import fonts_load

logger = logging.getLogger(__name__)


def worker_warm() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    templates_compile()
    fonts_load()
    code_version()


def templates_compile() -> list[str]:
    """Compile the project's templates into the template cache; returns their names. One that
    does not compile is logged and left to fail where it is used, as before."""
    engine = cast(DjangoTemplates, engines["django"]).engine
    names = []
    for folder in map(Path, engine.dirs):
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            try:
                engine.get_template(name)
            except Exception:  # the page that uses it reports the error, in its request
                logger.exception("Không biên dịch được mẫu %s", name)
            else:
                names.append(name)
    return names
