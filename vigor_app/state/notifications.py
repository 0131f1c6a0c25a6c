"""The Profile page's "Notifications on this device" card: what this browser can do (asked of
`assets/push.js`, which holds the browser's side), turning notifications on and off on it, and
the member's other devices.

The browser answers each question through a callback handler here; what it sends is untrusted
like any handler argument: the subscription is checked by `services.notifications.subscriptions`,
and every handler asks who is signed in before it reads or writes a device.
"""

from __future__ import annotations

import json
import logging

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.notifications import subscriptions, vapid
from vigor_app.state.admin_format import day, when
from vigor_app.state.arguments import choice, record_id
from vigor_app.state.arguments import text as typed_text
from vigor_app.state.auth import AuthState

# What this browser is, as the card shows it.
CHECKING, UNSUPPORTED, BLOCKED, OFF, ON, FAILED = "checking", "unsupported", "blocked", "off", "on", "failed"
BROWSER_STATES = (UNSUPPORTED, BLOCKED, OFF, ON, FAILED)
NO_HELPER = "({state: 'unsupported'})"  # assets/push.js not loaded (an old cached page)
STATUS_SCRIPT = f"window.vigorPush ? window.vigorPush.status() : {NO_HELPER}"
OFF_SCRIPT = "window.vigorPush ? window.vigorPush.unsubscribe() : ({state: 'off'})"
PROBLEM_MAX = 160

log = logging.getLogger(__name__)


def _answer(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _device_row(device: subscriptions.Device) -> dict[str, str]:
    used = f"last notified {when(device.last_used_at)}" if device.last_used_at else "not notified yet"
    return {"id": str(device.id), "device": device.device, "since": f"since {day(device.created_at)}", "used": used}


class NotificationsState(AuthState):
    device: str = CHECKING  # this browser: one of CHECKING and BROWSER_STATES
    problem: str = ""  # why turning on failed, in the browser's words
    devices: list[dict[str, str]] = []  # every device of the member's that gets notifications

    def _refresh(self, user: CurrentUser) -> None:
        self.devices = [_device_row(d) for d in subscriptions.devices(user.id)]

    @rx.event
    def load(self):
        """The member's devices; then this browser is asked what it can do and whether it is on."""
        self.device, self.problem = CHECKING, ""
        if self._as_user(self._refresh).ok:
            return rx.call_script(STATUS_SCRIPT, callback=NotificationsState.show_status)
        return None

    @rx.event
    def show_status(self, answer: dict):
        """The browser's answer: {state, endpoint}. "On" only when its subscription is this member's
        (another person signed in on this browser turned it on: for this one it is off)."""
        answer = _answer(answer)
        state = choice(answer.get("state"), BROWSER_STATES) or UNSUPPORTED

        def mine(user: CurrentUser) -> bool:
            return subscriptions.owns(user.id, answer.get("endpoint"))

        outcome = self._as_user(mine)
        if outcome.ok:
            self.device = OFF if state == ON and not outcome.value else state

    @rx.event
    def turn_on(self):
        """Ask the browser for permission and a subscription to this server's key."""
        self.problem = ""
        if not self._as_user(lambda user: None).ok:
            return None
        try:
            key = vapid.public_key()
        except Exception as exc:  # noqa: BLE001 - a VAPID_PRIVATE_KEY that is not a key: said, and logged
            log.error("Notifications: VAPID_PRIVATE_KEY could not be read (%s)", type(exc).__name__)
            self.device, self.problem = FAILED, "Notifications are not set up on this server yet."
            return None
        script = f"window.vigorPush ? window.vigorPush.subscribe({json.dumps(key)}) : {NO_HELPER}"
        return rx.call_script(script, callback=NotificationsState.subscribed)

    @rx.event
    def subscribed(self, answer: dict):
        """The browser's answer to `turn_on`: {state: "on", subscription, agent} or why not."""
        answer = _answer(answer)
        state = choice(answer.get("state"), BROWSER_STATES) or UNSUPPORTED
        if state != ON:
            self.device = state
            self.problem = typed_text(answer.get("error"), PROBLEM_MAX) if state == FAILED else ""
            return None

        def store(user: CurrentUser) -> None:
            subscriptions.subscribe(user.id, answer.get("subscription"), user_agent=answer.get("agent"))
            self._refresh(user)

        outcome = self._as_user(store, error=self._refused)
        if outcome.ok:
            self.device = ON
            return rx.toast.success("Notifications are on for this device.")
        return outcome.answer

    def _refused(self, exc) -> None:
        self.device, self.problem = FAILED, exc.message

    @rx.event
    def turn_off(self):
        if not self._as_user(lambda user: None).ok:
            return None
        return rx.call_script(OFF_SCRIPT, callback=NotificationsState.unsubscribed)

    @rx.event
    def unsubscribed(self, answer: dict):
        """The browser dropped its subscription ({state: "off", endpoint}): forget the device."""
        answer = _answer(answer)

        def forget(user: CurrentUser) -> None:
            subscriptions.unsubscribe(user.id, answer.get("endpoint"))
            self._refresh(user)

        if self._as_user(forget).ok:
            self.device, self.problem = OFF, ""

    @rx.event
    def remove_device(self, device_id: str):
        """Stop notifying one of the member's devices (one not at hand, say)."""
        def remove(user: CurrentUser) -> None:
            subscriptions.remove(user.id, record_id(device_id))
            self._refresh(user)

        if self._as_user(remove).ok:
            return rx.call_script(STATUS_SCRIPT, callback=NotificationsState.show_status)
        return None
