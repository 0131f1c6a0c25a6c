"""The service worker made for a build: its version follows the build's files, it keeps the
gym pages and the files they load, and the app serves it so that it controls every page."""

from __future__ import annotations

from pathlib import Path

from vigor_app.offline import shell


def _build(root: Path, assets: list[str]) -> Path:
    (root / "assets").mkdir(parents=True)
    for name in assets:
        (root / "assets" / name).write_text("//")
    (root / "log.html").write_text('<link rel="modulepreload" href="/assets/log-a1.js"><script '
                                   'src="/assets/root-b2.js"></script><link href="/assets/app-c3.css">'
                                   '<a href="https://elsewhere.example/x.js">')
    (root / "dashboard.html").write_text('<script src="/assets/root-b2.js"></script>'
                                         '<script src="/assets/dash-d4.js"></script>')
    return root


def test_the_worker_keeps_the_gym_pages_and_what_they_load(tmp_path):
    worker = shell.build(_build(tmp_path / "client", ["log-a1.js", "root-b2.js", "app-c3.css", "dash-d4.js",
                                                      "admin-e5.js"]))
    assert worker.precache[:3] == ("/dashboard", "/log", "/workouts")
    assert {"/assets/log-a1.js", "/assets/root-b2.js", "/assets/app-c3.css", "/assets/dash-d4.js"} <= set(
        worker.precache)
    assert "/assets/admin-e5.js" not in worker.precache  # a page not opened at the gym: kept when used
    assert len(worker.precache) == len(set(worker.precache))
    assert all(p.startswith("/") for p in worker.precache)  # this origin only
    assert "__VERSION__" not in worker.script and "__PRECACHE__" not in worker.script
    assert f'const VERSION = "{worker.version}";' in worker.script


def test_a_new_build_gets_a_new_version_and_the_same_build_the_same(tmp_path):
    first = shell.build(_build(tmp_path / "one", ["root-b2.js", "log-a1.js"]))
    same = shell.build(_build(tmp_path / "two", ["log-a1.js", "root-b2.js"]))
    next_build = shell.build(_build(tmp_path / "three", ["root-b2.js", "log-a9.js"]))
    assert first.version == same.version != next_build.version
    assert shell.build(tmp_path / "none").version.startswith("dev-")


def test_current_follows_the_build_folder(tmp_path):
    root = _build(tmp_path / "client", ["root-b2.js"])
    before = shell.current(root)
    assert shell.current(root) is before
    (root / "assets" / "root-b3.js").write_text("//")
    after = shell.current(root)
    assert after.version != before.version
