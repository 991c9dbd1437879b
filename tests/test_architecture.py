"""The arrows between apps, read from the source with ``ast``.

devdata (seed, demo accounts and reports, national-scale data) sits above every app and may
import any of them; production settings do not install it, so nothing in the product may import
it: a product module that did would fail on a real server.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Beside the product: they may import devdata.
OUTSIDE_PRODUCT = {"devdata", "tests", "bench", "loadtest", "fixtures"}


def product_files() -> list[Path]:
    """Every module of the product: its packages and the scripts at the top (manage.py …)."""
    packages = [p.parent for p in ROOT.glob("*/__init__.py")]
    product = [p for p in packages if p.name not in OUTSIDE_PRODUCT]
    assert {"accounts", "agreements", "tasks", "reports", "coopplan", "backup"} <= {
        p.name for p in product
    }
    return [f for p in product for f in sorted(p.rglob("*.py"))] + sorted(ROOT.glob("*.py"))


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def imported_modules(source: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every absolute import, including import_module("…") and __import__."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and _dotted(node.func).rpartition(".")[2] in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def devdata_imports(path: Path, source: str | None = None) -> list[str]:
    text = path.read_text(encoding="utf-8") if source is None else source
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for line, module in sorted(imported_modules(text))
        if module.split(".")[0] == "devdata"
    ]


def test_no_product_module_imports_devdata():
    found = [hit for path in product_files() for hit in devdata_imports(path)]
    assert found == []


def test_the_check_sees_every_way_of_importing_devdata():
    source = (
        "import devdata.seed\n"
        "from devdata.scale import scale_generate\n"
        "def f():\n"
        "    from devdata import demo\n"
        "    importlib.import_module('devdata.scale')\n"
        "    return __import__('devdata')\n"
        "from reports.models import Report  # not devdata\n"
    )
    hits = devdata_imports(ROOT / "reports" / "example.py", source)
    assert [hit.partition(" imports ")[0] for hit in hits] == [
        f"reports/example.py:{n}" for n in (1, 2, 4, 5, 6)
    ]


def test_the_map_for_newcomers_names_only_what_exists():
    """ARCHITECTURE.md names files and functions: each must exist, or the map lies."""
    import importlib
    import re

    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    quoted = re.findall(r"`([^`\s]+)`", text)
    paths = [q for q in quoted if "/" in q]
    dotted = [q for q in quoted if "/" not in q and re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+){2,}", q)]
    assert len(paths) > 20 and len(dotted) > 4
    for path in paths:
        assert (ROOT / path).exists(), path
    for name in dotted:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), name


# The arrows between the product's apps: each may import only apps on its right (and itself).
# accounts sits above agreements (a user belongs to an agency of a locality); coopplan wires
# everything and backup copies everything, so both sit on top with devdata.
LAYERS = ["reports", "tasks", "accounts", "agreements"]
TOP = {"coopplan", "backup", "devdata"}


def upward_imports(path: Path, source: str | None = None) -> list[str]:
    """Imports of an app placed above (to the left of) the module's own app, lazy ones and those
    made only for type checking included: a cycle in types is still a cycle to read."""
    app = path.relative_to(ROOT).parts[0]
    if app not in LAYERS:
        return []
    above = set(LAYERS[: LAYERS.index(app)]) | TOP
    text = path.read_text(encoding="utf-8") if source is None else source
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for line, module in sorted(imported_modules(text))
        if module.split(".")[0] in above
    ]


def test_no_app_imports_an_app_above_it():
    found = [hit for path in product_files() for hit in upward_imports(path)]
    assert found == []


def test_the_arrow_check_sees_lazy_and_type_only_imports():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from accounts.models import User\n"
        "def f():\n"
        "    from tasks.models import Task\n"
        "from agreements.models import Plan  # own app\n"
        "import coopplan.settings\n"
    )
    hits = upward_imports(ROOT / "agreements" / "example.py", source)
    assert [hit.partition(" imports ")[2] for hit in hits] == [
        "accounts.models",
        "tasks.models",
        "coopplan.settings",
    ]
    assert upward_imports(ROOT / "reports" / "example.py", source) == [
        "reports/example.py:7 imports coopplan.settings"
    ]
