"""The floor both benches measure Vigor against: Reflex's own counter app (one State, one
handler), written out to a directory and built and served the same way as Vigor
(`bench/load.py`'s `start_bare_app`: production mode, one port, one process)."""

from __future__ import annotations

import shutil
from pathlib import Path

STATE = "counter___counter____state"  # the counter's State under Reflex's root state
HANDLER = "increment"
VAR = "count"

BARE_CONFIG = '''import reflex as rx

config = rx.Config(app_name="counter", telemetry_enabled=False, show_built_with_reflex=False,
                   plugins=[rx.plugins.RadixThemesPlugin()], disable_plugins=[rx.plugins.SitemapPlugin])
'''
BARE_APP = '''import reflex as rx


class State(rx.State):
    count: int = 0

    @rx.event
    def increment(self):
        self.count += 1


def index() -> rx.Component:
    return rx.center(
        rx.vstack(rx.heading("Counter", size="8"), rx.text(State.count, size="6"),
                  rx.button("Add one", on_click=State.increment), align="center"),
        min_height="100vh",
    )


app = rx.App()
app.add_page(index, title="Counter")
'''


def write_bare_app(app_dir: Path, web_source: Path) -> None:
    """The counter app's files in `app_dir`, with `web_source`'s node_modules copied in (the same
    packages as Vigor, no download; Reflex writes the rest at build time)."""
    (app_dir / "counter").mkdir(parents=True)
    (app_dir / "rxconfig.py").write_text(BARE_CONFIG)
    (app_dir / "counter" / "__init__.py").write_text("")
    (app_dir / "counter" / "counter.py").write_text(BARE_APP)
    (app_dir / "assets").mkdir()
    if (web_source / "node_modules").exists():
        (app_dir / ".web").mkdir()
        shutil.copytree(web_source / "node_modules", app_dir / ".web" / "node_modules", symlinks=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(web_source / name, app_dir / ".web" / name)
