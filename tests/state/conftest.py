"""State handlers are tested directly: build the root state, take the substate, call the handler."""

from __future__ import annotations

import asyncio
import inspect
from urllib.parse import urlencode

import pytest
import reflex as rx
from reflex.istate.data import RouterData

import vigor_app.vigor_app  # noqa: F401  (registers every state and page)


def _router(path: str, query: dict[str, str], ip: str, cookies: dict[str, str]) -> RouterData:
    as_path = path + (f"?{urlencode(query)}" if query else "")
    headers = {"origin": "http://testserver"}
    if cookies:  # what the browser sent with the websocket's handshake
        headers["cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return RouterData.from_router_data(
        {"pathname": path, "asPath": as_path, "query": query, "ip": ip, "headers": headers}
    )


class Browser:
    """One browser tab: its own root state and local storage (the session token), and the
    cookies its websocket connection sent (`cookies`, empty unless a test sets some)."""

    def __init__(self, ip: str = "192.0.2.10", cookies: dict[str, str] | None = None) -> None:
        self.root = rx.State(_reflex_internal_init=True)
        self.ip = ip
        self.cookies = dict(cookies or {})

    def state(self, state_cls, path: str = "/", **query: str):
        substate = self.root.get_substate(state_cls.get_full_name().split(".")[1:])
        self.root.router = _router(path, query, self.ip, self.cookies)
        return substate

    def call(self, state_cls, handler: str, *args, path: str = "/", query: dict | None = None):
        """Run `state_cls.handler(*args)` as if the browser on `path` sent the event.

        An async handler is run to its end here, unless the test itself runs in an event loop
        (an async test), which then awaits the coroutine it is given back."""
        substate = self.state(state_cls, path, **(query or {}))
        result = getattr(state_cls, handler).fn(substate, *args)
        if inspect.iscoroutine(result) and not _in_event_loop():
            result = asyncio.run(result)
        return substate, result


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def redirect_path(result) -> str | None:
    """The path of an `rx.redirect(...)` a handler returned, or None when it did not redirect."""
    if result is None:
        return None
    args = {name._js_expr: value for name, value in result.args}
    if set(args) != {"path", "external", "popup", "replace"}:  # the shape of rx.redirect's event
        return None
    return args["path"]._var_value


@pytest.fixture
def browser(database):
    return Browser


__all__ = ["Browser", "redirect_path"]
