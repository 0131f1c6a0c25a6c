"""Whether the tab a state belongs to is still connected to this worker.

A background event (the rest timer's countdown) keeps running after its tab closes unless it
asks; every tick it checks here and stops once the tab's websocket is gone, instead of sending
updates to nobody for minutes.
"""

from __future__ import annotations

import logging

from reflex.utils import prerequisites

logger = logging.getLogger(__name__)


def tab_connected(state) -> bool:
    """True while the browser tab that owns `state` has a live websocket on this worker."""
    try:
        namespace = prerequisites.get_and_validate_app().app.event_namespace
    except Exception:  # noqa: BLE001 - no app served here (a script or a test): nobody is connected
        return False
    if namespace is None:
        return False
    return state.router.session.client_token in namespace.token_to_sid
