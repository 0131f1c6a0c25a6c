"""docs/extending.md, walked: its service, State and page code blocks are written out as the
files it names, the app is imported the way it always is, and the new page must then be a
Reflex route with its title and loaders, and an entry in the navigation built from the pages'
declarations (an admin-only entry for administrators alone).

The walk runs in a separate Python process: the guide's State joins Reflex's state tree for
good, and the rest of the suite (the handler fuzz above all) must not see it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "extending.md"
BLOCK = re.compile(r"```python\n(# (vigor_app/[\w/]+\.py)\n.*?)```", re.S)

# Imports the app as vigor_app/vigor_app.py is imported, with each package that the guide adds a
# file to also reading the folder in which the test wrote it (argv[1]).
DRIVER = r"""
import importlib, importlib.util, json, re, sys
from pathlib import Path

extra = Path(sys.argv[1])
for package in sys.argv[2:]:
    folder = str(extra.joinpath(*package.split(".")))
    if package in sys.modules:  # already imported by a parent package: nothing searched yet
        assert package != "vigor_app.pages"
        sys.modules[package].__path__.append(folder)
        continue
    spec = importlib.util.find_spec(package)
    spec.submodule_search_locations.append(folder)
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    spec.loader.exec_module(module)  # vigor_app.pages: imports every page module it finds
    parent, _, name = package.rpartition(".")
    setattr(sys.modules[parent], name, module)

import vigor_app.vigor_app as main
from vigor_app.components.shell import nav_items

app = main.app
app._apply_decorated_pages()  # what Reflex does with every rx.page when it compiles the app


def links(node, gated=False, inside_main=False):
    # (href, shown to administrators only) of each link in the "Main" navigation landmark.
    found = []
    if isinstance(node, dict):
        props = " ".join(map(str, node.get("props", [])))
        inside_main = inside_main or (str(node.get("name")).strip('"') == "nav" and '"Main"' in props)
        href = re.search(r'to:"([^"]+)"', props)
        if inside_main and href:
            found.append((href.group(1), gated))
        if "is_admin" in str(node.get("cond_state", "")):
            found += links(node["true_value"], True, inside_main)
            return found
        for value in node.values():
            found += links(value, gated, inside_main)
    elif isinstance(node, list):
        for value in node:
            found += links(value, gated, inside_main)
    return found


report = {}
for route in ("streaks", "dashboard"):
    page = app._unevaluated_pages[route]
    app._compile_page(route)
    report[route] = {
        "title": str(page.title),
        "on_load": [getattr(h, "fn", None).__qualname__ if hasattr(h, "fn") else
                    f"{h.handler.fn.__qualname__}({', '.join(str(v) for _, v in h.args)})" for h in page.on_load],
        "sidebar": links(app._pages[route].render()),
    }
report["nav_member"] = [(i.href, i.label, i.icon) for i in nav_items(is_admin=False)]
report["nav_admin"] = [(i.href, i.label, i.icon) for i in nav_items(is_admin=True)]
print(json.dumps(report))
"""


def _guide_files() -> dict[str, str]:
    return {path: code for code, path in BLOCK.findall(GUIDE.read_text())}


def _walk(tmp_path: Path, files: dict[str, str]) -> dict:
    for path, code in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    packages = sorted({str(Path(p).parent).replace("/", ".") for p in files})
    # vigor_app.pages last: its own import finds the new page, which imports the rest.
    packages.sort(key=lambda name: name == "vigor_app.pages")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "REFLEX_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-c", DRIVER, str(tmp_path), *packages], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_guide_is_three_new_files_and_no_other_edit():
    guide = GUIDE.read_text()
    assert sorted(_guide_files()) == ["vigor_app/pages/streaks.py", "vigor_app/services/training/streak_board.py",
                                      "vigor_app/state/streaks.py"]
    for path in _guide_files():
        assert not (ROOT / path).exists(), f"{path} is the guide's example, not a page of the app"
    # The list of page modules and the navigation list are gone: nothing else to edit.
    assert "vigor_app/vigor_app.py" not in guide and "NAV_ITEMS" not in guide
    assert 'nav=NavItem("Streaks", "flame", order=75)' in guide


def test_the_guides_page_is_a_route_and_in_the_navigation(tmp_path):
    report = _walk(tmp_path, _guide_files())

    streaks = report["streaks"]
    assert streaks["title"] == "Streaks · Vigor"
    assert streaks["on_load"] == ["AuthState.require_login", "StreaksState.load", 'AuthState.page_loaded("/streaks")']
    entry = ("/streaks", "Streaks", "flame")
    assert entry in [tuple(i) for i in report["nav_member"]]
    # Between Progress (70) and Profile (80); Admin last, for administrators only.
    member = [i[0] for i in report["nav_member"]]
    assert member == ["/dashboard", "/workouts", "/log", "/history", "/exercises", "/coach", "/progress",
                      "/streaks", "/profile", "/membership"]
    assert [i[0] for i in report["nav_admin"]] == [*member, "/admin"]
    # Every page's sidebar is built from the declarations: the new page's and the others'.
    for route in ("streaks", "dashboard"):
        sidebar = [tuple(link) for link in report[route]["sidebar"]]
        assert ("/streaks", False) in sidebar and ("/admin", True) in sidebar
        assert [href for href, _ in sidebar] == [*member, "/admin"]


def test_an_admin_only_entry_is_for_administrators_alone(tmp_path):
    files = _guide_files()
    page = files.pop("vigor_app/pages/streaks.py")
    assert "order=75)" in page
    files["vigor_app/pages/streaks.py"] = page.replace("order=75)", "order=75, admin=True)")
    report = _walk(tmp_path, files)

    assert "/streaks" not in [i[0] for i in report["nav_member"]]
    assert "/streaks" in [i[0] for i in report["nav_admin"]]
    assert ("/streaks", True) in [tuple(link) for link in report["dashboard"]["sidebar"]]
