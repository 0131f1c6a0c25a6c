"""The Reflex app: pages, the plain HTTP routes, and what runs at start-up."""

import reflex as rx

from vigor_app import startup
from vigor_app.api import api
from vigor_app.pages import admin, auth_pages, landing, profile, sections  # noqa: F401 (registers pages)

startup.configure_logging()

STYLE = {
    ".vigor-label": {"font-weight": "500", "font-size": "var(--font-size-2)"},
}

app = rx.App(
    theme=rx.theme(appearance="inherit", accent_color="orange", gray_color="sand", radius="large"),
    style=STYLE,
    api_transformer=api,
    head_components=[
        rx.el.meta(name="description", content="Vigor: your AI fitness companion."),
        rx.el.link(rel="manifest", href="/manifest.json"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
    ],
)


@app.register_lifespan_task
def first_admin() -> None:
    startup.ensure_first_admin()
