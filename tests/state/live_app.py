"""The app's own event machinery, in process, for handlers that only run properly inside it.

A background handler (``@rx.event(background=True)``) is handed a ``StateProxy``, not the
state: it may change the state only inside ``async with self``, which takes the tab's lock
from the state manager, loads the stored state, and sends what changed to the browser on the
way out. Calling such a handler directly (as ``Browser.call`` does) has no state manager to
take. Here an event goes where the app sends it: Reflex's ``BaseStateEventProcessor``, with the
app as its middleware and exception handler, over an in-memory state manager. The browser end
is a recorder of every update the app sends (``Frontend``): what a person would see.

    async with LiveApp() as live:
        tab = await live.tab(session_token, path="/coach")
        await tab.set(CoachState, draft="How am I progressing?")
        await tab.run(CoachState, "send")
        (await tab.state(CoachState)).messages
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import Event
from reflex.istate.data import RouterData
from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.event.processor import BaseStateEventProcessor
from reflex_base.utils.format import format_event_handler

from vigor_app.state.auth import AuthState
from vigor_app.vigor_app import app

VAR_SUFFIX = "_rx_state_"  # how a var is named in what the browser is sent
WAIT_SECONDS = 30  # a handler that has not finished by then is a failure, not a slow test


class Frontend:
    """The browser end of the websocket: every update the app sends, per tab."""

    def __init__(self) -> None:
        self.updates: dict[str, list[Any]] = {}
        self._changed = asyncio.Condition()

    async def emit_update(self, update, token: str) -> None:
        async with self._changed:
            self.updates.setdefault(token, []).append(update)
            self._changed.notify_all()

    def deltas(self, token: str) -> list[dict[str, Any]]:
        """The state changes sent to one tab, in order (substate name → {var: value})."""
        return [{state: {var.removesuffix(VAR_SUFFIX): value for var, value in changes.items()}
                 for state, changes in u.delta.items()}
                for u in self.updates.get(token, []) if u.delta]

    def events(self, token: str) -> list[Any]:
        """The events sent to one tab to run in the browser (toasts, redirects…)."""
        return [e for u in self.updates.get(token, []) for e in (u.events or [])]

    async def wait_for(self, token: str, state_cls: type[rx.State], var: str,
                       check: Callable[[Any], bool]) -> None:
        """Until the tab has been sent a value of `var` for `state_cls` that passes `check`."""
        name = state_cls.get_full_name()

        def seen() -> bool:
            return any(var in delta.get(name, {}) and check(delta[name][var]) for delta in self.deltas(token))

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(seen), WAIT_SECONDS)


class LiveTab:
    """One browser tab on the live app: its client token, its route, its signed-in person."""

    def __init__(self, live: LiveApp, path: str, query: dict[str, str]) -> None:
        self.live = live
        self.token = str(uuid.uuid4())
        as_path = path + (f"?{urlencode(query)}" if query else "")
        self.router_data = {"pathname": path, "asPath": as_path, "query": dict(query), "ip": "192.0.2.10",
                            "headers": {"origin": "http://testserver"}, "token": self.token}

    def _key(self, state_cls: type[rx.State]) -> rx.BaseStateToken:
        return rx.BaseStateToken(ident=self.token, cls=state_cls)

    async def set(self, state_cls: type[rx.State], **values: Any) -> None:
        """Set fields the browser holds (a typed draft, the session token in local storage)."""
        async with self.live.manager.modify_state_with_links(self._key(state_cls)) as root:
            if not root.router_data:  # the tab is open on its page (no first-load hydration)
                root.router_data = dict(self.router_data)
                root.router = RouterData.from_router_data(self.router_data)
            state = await root.get_state(state_cls)
            for name, value in values.items():
                setattr(state, name, value)

    async def send(self, state_cls: type[rx.State], handler: str, **payload: Any):
        """Send an event as the browser does; returns the processor's future for it."""
        name = format_event_handler(getattr(state_cls, handler))
        event = Event(name=name, payload=payload, router_data=dict(self.router_data))
        return await self.live.processor.enqueue(self.token, event)

    async def run(self, state_cls: type[rx.State], handler: str, **payload: Any) -> None:
        """Send an event and wait until its handler, background or not, and every event it
        chained have finished."""
        future = await self.send(state_cls, handler, **payload)
        await asyncio.wait_for(future.wait_all(), WAIT_SECONDS)

    async def state(self, state_cls: type[rx.State]):
        """The tab's state as stored in the state manager now."""
        async with self.live.manager.modify_state_with_links(self._key(state_cls)) as root:
            return await root.get_state(state_cls)

    def deltas(self) -> list[dict[str, Any]]:
        return self.live.frontend.deltas(self.token)

    def events(self) -> list[Any]:
        return self.live.frontend.events(self.token)

    async def wait_for(self, state_cls: type[rx.State], var: str, check: Callable[[Any], bool]) -> None:
        """Until this tab has been shown a value of `var` that passes `check`."""
        await self.live.frontend.wait_for(self.token, state_cls, var, check)


class LiveApp:
    """The app's event processor and a fresh in-memory state manager, for one test."""

    def __init__(self) -> None:
        self.manager = StateManagerMemory()
        self.frontend = Frontend()
        self.processor = BaseStateEventProcessor(
            middleware=app, backend_exception_handler=app.backend_exception_handler,
        ).configure(state_manager=self.manager, event_namespace=self.frontend)

    async def __aenter__(self) -> LiveApp:
        await self.processor.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.processor.stop()
        await self.manager.close()

    async def tab(self, session_token: str = "", path: str = "/", **query: str) -> LiveTab:
        """A tab open on `path`, signed in with `session_token` ("" for nobody)."""
        tab = LiveTab(self, path, query)
        await tab.set(AuthState, session_token=session_token)
        return tab

    async def open(self, session_token: str, path: str, page_state: type[rx.State], **query: str) -> LiveTab:
        """A tab on `path` after the page's load (``page_state.load``), as a person opens it."""
        tab = await self.tab(session_token, path, **query)
        await tab.run(page_state, "load")
        return tab


__all__ = ["LiveApp", "LiveTab"]
