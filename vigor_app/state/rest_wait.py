"""Waiting for the end of a rest on the server (the browser counts it down itself): until the
deadline, while someone is left to tell. That is the tab, as long as its websocket is open on
this worker, and once it is gone, the member's devices, when they turned notifications on
(docs/offline.md#notifications-web-push). At the end the devices are told by Web Push; their
service worker shows it only where no Vigor window is in sight."""

from __future__ import annotations

import asyncio
import time

from vigor_app.services.notifications import push, subscriptions
from vigor_app.state.connection import tab_connected

TAB_CHECK_SECONDS = 5.0  # how often a waiting rest timer looks whether its tab is still open
REST_OVER = push.Message("Rest over", "Time for your next set.", url="/log", tag="rest")
REST_OVER_TTL = 60  # seconds a push service keeps it for a device that is off: later, it is no use


async def until_over(until: float, token: str, member_id: int) -> bool:
    """Sleep until `until`, looking every few seconds whether the tab `token` is still open.
    False as soon as nobody is left to tell (the tab gone and no device of the member's)."""
    devices: bool | None = None  # asked once, when the tab is first found gone
    while (left := until - time.time()) > 0:
        await asyncio.sleep(min(left, TAB_CHECK_SECONDS))
        if not tab_connected(token):
            if devices is None:
                devices = bool(member_id) and await asyncio.to_thread(subscriptions.has_devices, member_id)
            if not devices:
                return False
    return True


async def tell_devices(member_id: int) -> None:
    """"Rest over" to the member's devices: in a thread, never raising, nothing without a device."""
    if member_id:
        await push.send(member_id, REST_OVER, ttl=REST_OVER_TTL, urgency="high")
