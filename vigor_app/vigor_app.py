"""The Reflex app: pages, the plain HTTP routes, and what runs at start-up."""

import reflex as rx

import vigor_app.pages  # noqa: F401 (every page module registers itself)
from vigor_app import startup
from vigor_app.api import api
from vigor_app.observability import metrics, tracing
from vigor_app.services import scheduler
from vigor_app.state import connection

startup.configure_logging()
# Before rx.App: with OTEL_EXPORTER_OTLP_ENDPOINT set, reflex-otel must wrap the app's ASGI
# callable when Reflex builds it, and Reflex's event handler spans start with the first event.
tracing.configure()
metrics.watch_connections(connection.connected_tabs)
startup.return_large_buffers()  # a password hash's 19 MiB go back to the system, not to a thread

STYLE = {
    ".sr-only": {
        "position": "absolute", "width": "1px", "height": "1px", "padding": "0", "margin": "-1px",
        "overflow": "hidden", "clip": "rect(0, 0, 0, 0)", "white-space": "nowrap", "border": "0",
    },
    ".vigor-label": {"font-weight": "500", "font-size": "var(--font-size-2)"},
    ".vigor-select": {
        "font-size": "var(--font-size-3)", "padding": "8px 10px", "border-radius": "var(--radius-3)",
        "border": "1px solid var(--gray-7)", "background": "var(--color-surface)", "color": "inherit",
        "max-width": "320px", "width": "100%",
    },
}

app = rx.App(
    theme=rx.theme(appearance="inherit", accent_color="orange", gray_color="sand", radius="large"),
    style=STYLE,
    stylesheets=["/a11y.css", "/layout.css"],  # contrast and wrapping notices; admin tables as cards on a phone
    api_transformer=api,
    head_components=[
        rx.el.meta(name="description", content="Vigor: your AI fitness companion."),
        rx.el.link(rel="manifest", href="/manifest.json"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.script(src="/rest_timer.js", defer=True),  # the rest timer: its countdown, beep and vibration
        rx.el.script(src="/offline.js", defer=True),  # the service worker, the offline banner, installing
        rx.el.script(src="/offline_log.js", defer=True),  # the log page with the network gone
        rx.el.script(src="/push.js", defer=True),  # notifications: permission, subscribing (Profile)
        rx.el.meta(name="theme-color", content="#f76b15"),
        rx.el.link(rel="apple-touch-icon", href="/icons/vigor-192.png"),
    ],
)


app.register_lifespan_task(scheduler.lifespan_task)


@app.register_lifespan_task
def first_admin_and_providers() -> None:
    startup.check_worker_setup()
    startup.ensure_first_admin()
    startup.bootstrap_ai_providers()
