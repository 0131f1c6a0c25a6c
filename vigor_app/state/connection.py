"""Whether the tab a state belongs to is still connected to this worker.

A background event (the rest timer waiting for the end of a rest) keeps running after its tab
closes unless it asks; it looks here every few seconds and stops once the tab's websocket is
gone, instead of waiting for nobody for minutes.
"""

from __future__ import annotations

import logging

from reflex.utils import prerequisites

logger = logging.getLogger(__name__)


_namespace: list = []  # the served app's event namespace, once found


def _event_namespace():
    """The app's websocket namespace, looked up once per process: Reflex's app lookup puts the
    working directory on sys.path again at every call, so calling it for every waiting timer
    every few seconds would grow sys.path without end."""
    if not _namespace:
        try:
            found = prerequisites.get_and_validate_app().app.event_namespace
        except Exception:  # noqa: BLE001 - no app served here (a script or a test): nobody is connected
            return None
        if found is None:
            return None
        _namespace.append(found)
    return _namespace[0]


def tab_token(state) -> str:
    """The browser tab a state belongs to (read once: the router is rebuilt at every read)."""
    return state.router.session.client_token


def tab_connected(token: str) -> bool:
    """True while the browser tab `token` (`tab_token`) has a live websocket on this worker."""
    namespace = _event_namespace()
    if namespace is None:
        return False
    # Reflex's public `token_to_sid` copies every connection's entry at each read: a thousand
    # waiting timers asking every five seconds would copy some 200,000 entries a second.
    sockets = getattr(getattr(namespace, "_token_manager", None), "token_to_socket", None)
    return token in (sockets if isinstance(sockets, dict) else namespace.token_to_sid)


def connected_tabs() -> int | None:
    """How many browser tabs have a websocket open to this worker (None: no app served here).
    Read when /metrics is scraped (`vigor_connections_active`)."""
    namespace = _event_namespace()
    if namespace is None:
        return None
    local = getattr(getattr(namespace, "_token_manager", None), "sid_to_token", None)  # this worker's sockets
    return len(local) if isinstance(local, dict) else len(namespace.token_to_sid)
