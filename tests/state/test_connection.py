"""Whether a tab is still connected: what the rest timer's waiting task asks every few seconds."""

from __future__ import annotations

import pytest
from reflex.app import EventNamespace

from vigor_app.state import connection


@pytest.fixture
def namespace():
    """A real Reflex event namespace (its own token manager) standing for the served app's."""
    found = EventNamespace("/_event", None)  # type: ignore[arg-type]
    kept = list(connection._namespace)
    connection._namespace[:] = [found]
    yield found
    connection._namespace[:] = kept


async def test_a_tab_is_connected_until_its_websocket_goes(namespace):
    manager = namespace._token_manager
    await manager.link_token_to_sid("tab-1", "sid-1")
    await manager.link_token_to_sid("tab-2", "sid-2")
    assert connection.tab_connected("tab-1")
    assert connection.tab_connected("tab-2")
    assert not connection.tab_connected("tab-3")
    await manager.disconnect_token("tab-1", "sid-1")
    assert not connection.tab_connected("tab-1")
    assert connection.tab_connected("tab-2")


def test_nobody_is_connected_where_no_app_is_served():
    kept = list(connection._namespace)
    connection._namespace.clear()
    try:
        # Tests do not serve the app: the lookup finds no event namespace.
        assert connection.tab_connected("tab-1") is False
    finally:
        connection._namespace[:] = kept


async def test_the_tabs_connected_to_this_worker_are_counted(namespace):
    manager = namespace._token_manager
    assert connection.connected_tabs() == 0
    await manager.link_token_to_sid("tab-1", "sid-1")
    await manager.link_token_to_sid("tab-2", "sid-2")
    assert connection.connected_tabs() == 2
    await manager.disconnect_token("tab-1", "sid-1")
    assert connection.connected_tabs() == 1

