"""The house rules of the code, checked on the code itself.

The layers of `vigor_app/services` and the module map are read from docs/architecture.md, so
the document and the code cannot drift apart.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "vigor_app"
SERVICES = APP / "services"
DOC = ROOT / "docs" / "architecture.md"
MAX_SERVICE_LINES = 450


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports (for `from a import b`: `a.b` when that is a module, else `a`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                as_path = ROOT / Path(*candidate.split("."))
                is_module = as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists()
                found.add(candidate if is_module else node.module)
    return found


def _area(module: str) -> str | None:
    """`vigor_app.services.coach.history` -> "coach"; `vigor_app.services.units` -> "units"."""
    parts = module.split(".")
    if parts[:2] != ["vigor_app", "services"] or len(parts) < 3:
        return None
    return parts[2]


def _layers() -> list[set[str]]:
    """The ```layers block of docs/architecture.md, bottom layer first."""
    block = re.search(r"```layers\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block, "docs/architecture.md has no ```layers block"
    rows = [set(line.split()) for line in block.group(1).strip().splitlines() if line.strip()]
    return list(reversed(rows))


def test_the_layers_name_every_area_of_services_once():
    named = [area for layer in _layers() for area in layer]
    assert len(named) == len(set(named)), "an area is in two layers"
    areas = {p.stem if p.is_file() else p.name for p in SERVICES.iterdir()
             if (p.is_file() and p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert areas == set(named)


def test_each_area_imports_only_from_the_layers_below_it():
    level = {area: i for i, layer in enumerate(_layers()) for area in layer}
    wrong = []
    for path in _python_files(SERVICES):
        mine = _area(_module_name(path))
        if mine is None:
            continue
        for target in _imports(path):
            theirs = _area(target)
            if theirs is not None and theirs != mine and level[theirs] >= level[mine]:
                wrong.append(f"{_module_name(path)} -> {target}")
    assert wrong == []


def test_every_service_module_is_on_the_map_and_no_longer_than_the_limit():
    doc = DOC.read_text(encoding="utf-8")
    missing, long = [], []
    for path in _python_files(SERVICES):
        relative = path.relative_to(SERVICES).as_posix()
        if path.name != "__init__.py" and f"`{relative}`" not in doc:
            missing.append(relative)
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_SERVICE_LINES:
            long.append(f"{relative}: {lines}")
    assert missing == [], "add these to the map in docs/architecture.md"
    assert long == []


def test_every_package_says_what_it_holds():
    for init in SERVICES.glob("*/__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 20, init


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("services", ("reflex", "fastapi", "starlette", "vigor_app.public_api")),
    # The public API's handlers call services, as State handlers do: never a State or a page.
    ("public_api", ("reflex", "vigor_app.state", "vigor_app.pages", "vigor_app.components", "vigor_app.db", "vigor_app.models",
                    "sqlmodel", "sqlalchemy")),
    ("models", ("reflex", "vigor_app.services", "vigor_app.state", "vigor_app.pages")),
    ("state", ("vigor_app.db", "vigor_app.models", "sqlmodel", "sqlalchemy")),
    ("pages", ("vigor_app.db", "vigor_app.models", "sqlmodel", "sqlalchemy")),
    ("components", ("vigor_app.db", "vigor_app.models", "sqlmodel", "sqlalchemy")),
])
def test_each_layer_of_the_app_keeps_to_its_own_job(folder, forbidden):
    wrong = [f"{_module_name(path)} -> {target}"
             for path in _python_files(APP / folder) for target in _imports(path)
             if any(target == f or target.startswith(f + ".") for f in forbidden)]
    assert wrong == []


def test_services_never_reach_up_into_state_or_pages():
    wrong = [f"{_module_name(path)} -> {target}"
             for path in _python_files(SERVICES) for target in _imports(path)
             if target.startswith(("vigor_app.state", "vigor_app.pages", "vigor_app.components"))]
    assert wrong == []


def test_no_module_of_the_app_imports_itself_round_in_a_circle():
    graph = {_module_name(p): {t for t in _imports(p) if t.startswith("vigor_app.")}
             for p in _python_files(APP)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert cycles == []


def test_the_database_hands_back_aware_utc_datetimes(database):
    """Every datetime column is SQLModel's UTCDateTime: SQLite, which has no time zones, gives
    back aware UTC values too, so no service has to patch a naive one."""
    from datetime import UTC, datetime

    from sqlmodel import SQLModel, select

    from tests.factories import make_user
    from vigor_app import db
    from vigor_app.models import User

    naive_columns = [f"{table.name}.{column.name}" for table in SQLModel.metadata.tables.values()
                     for column in table.columns
                     if column.type.python_type is datetime and type(column.type).__name__ != "UTCDateTime"]
    assert naive_columns == []
    make_user("clock")
    with db.read_only() as session:
        created = session.exec(select(User.created_at)).first()
    assert created is not None and created.tzinfo is not None and created.utcoffset() == UTC.utcoffset(None)
