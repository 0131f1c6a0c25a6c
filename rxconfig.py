"""Reflex configuration. Every other setting lives in vigor_app/settings.py."""

import os

import reflex as rx

os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
os.environ.setdefault("REFLEX_USE_NPM", "1")

from vigor_app.bundle import ChunkGroups  # noqa: E402
from vigor_app.settings import get_settings  # noqa: E402

settings = get_settings()

config = rx.Config(
    app_name="vigor_app",
    db_url=settings.resolved_database_url,
    # With REDIS_URL, every tab's state lives in Redis and Reflex runs several workers.
    redis_url=settings.redis_url or None,
    # Without it, in the one process's memory. Reflex's default, on disk, pickles every changed
    # tab state to a file and scans the whole directory every two seconds to expire old ones:
    # with a thousand people connected that took a third of the process's time. Nothing is lost
    # in memory that a restart needs: the data is in the database, the sign-in in the browser.
    state_manager_mode=(rx.constants.StateManagerMode.REDIS if settings.redis_url
                        else rx.constants.StateManagerMode.MEMORY),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(), ChunkGroups()],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
