"""The service worker for the build being served: one version per production build, and the
files to keep before the first visit to the gym (the pages a member opens there and what they
load). Its JavaScript is `service_worker.js`; docs/offline.md says what it does."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).with_name("service_worker.js")
BUILD = Path(".web") / "build" / "client"  # where `reflex export`/`run --env prod` puts the pages
GYM_PAGES = ("/dashboard", "/log", "/workouts")  # opened at the gym: kept for when the network is not
STATIC = ("/a11y.css", "/layout.css", "/favicon.svg", "/manifest.json", "/rest_timer.js", "/offline.js",
          "/offline_log.js", "/push.js",
          "/icons/vigor-192.png", "/icons/vigor-512.png")
_ASSET = re.compile(r"""["'](/assets/[A-Za-z0-9._~\-/]+)["']""")


@dataclass(frozen=True)
class Worker:
    version: str
    precache: tuple[str, ...]
    script: str


def _assets_of(page: Path) -> list[str]:
    """The hashed files a built page loads (its scripts, styles and preloads)."""
    try:
        html = page.read_text(encoding="utf-8")
    except OSError:
        return []
    return list(dict.fromkeys(_ASSET.findall(html)))


def build(build_dir: Path | None = None) -> Worker:
    """The worker for the build in `build_dir` (the production build's client files; without
    one, as in development, a "dev" worker that keeps the pages and the static files only)."""
    root = build_dir if build_dir is not None else BUILD
    template = TEMPLATE.read_text(encoding="utf-8")
    assets_dir = root / "assets"
    names = sorted(p.name for p in assets_dir.iterdir()) if assets_dir.is_dir() else []
    if names:
        version = hashlib.sha256("\n".join([template, *names]).encode()).hexdigest()[:16]
    else:
        version = "dev-" + hashlib.sha256(template.encode()).hexdigest()[:8]
    files: list[str] = []
    for page in GYM_PAGES:
        files += _assets_of(root / (page.lstrip("/") + ".html"))
    precache = tuple(dict.fromkeys([*GYM_PAGES, *STATIC, *files]))
    script = (template.replace('"__VERSION__"', json.dumps(version))
              .replace("__PRECACHE__", json.dumps(list(precache))))
    return Worker(version=version, precache=precache, script=script)


_made: dict[tuple, Worker] = {}


def current(build_dir: Path | None = None) -> Worker:
    """`build()`, made again only when the build's files or the template change (reading the
    folder's names is cheap; the worker is asked for at each visit's first page)."""
    root = build_dir if build_dir is not None else BUILD
    assets_dir = root / "assets"
    names = tuple(sorted(p.name for p in assets_dir.iterdir())) if assets_dir.is_dir() else ()
    key = (root.resolve(), names, TEMPLATE.stat().st_mtime_ns)
    if key not in _made:
        _made.clear()
        _made[key] = build(root)
    return _made[key]
