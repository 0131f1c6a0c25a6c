"""The app's HTTP side (`vigor_app.api.api`: /health, the sign-on redirects and the public API
under /api/v1) served by uvicorn on 127.0.0.1 over real HTTP, on each test's own database."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from tests.factories import make_admin, make_user
from vigor_app.public_api import limits
from vigor_app.services.accounts import api_tokens


@dataclass
class RunningApp:
    url: str  # http://127.0.0.1:<port>

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url + "/api/v1", headers=headers, timeout=30)


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@pytest.fixture
def running_app(database) -> Iterator[RunningApp]:
    from vigor_app.api import api

    limits.requests.reset()
    sock = _listening_socket()
    server = uvicorn.Server(uvicorn.Config(api, lifespan="off", log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="vigor-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.005)
    try:
        yield RunningApp(url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
        limits.requests.reset()


@dataclass
class Member:
    id: int
    username: str
    token: str  # a personal access token with read and write
    session_token: str  # the browser's sign-in session


def new_member(name: str, scopes=("read", "write")) -> Member:
    signed = make_user(name)
    made = api_tokens.create(signed.user.id, f"{name}'s script", list(scopes))
    return Member(id=signed.user.id, username=name, token=made.token, session_token=signed.token)


def new_admin(name: str = "boss") -> Member:
    signed = make_admin(name)
    made = api_tokens.create(signed.user.id, "console script", ["read", "write", "admin"])
    return Member(id=signed.user.id, username=name, token=made.token, session_token=signed.token)


@pytest.fixture
def alice(running_app) -> Member:
    return new_member("alice")


@pytest.fixture
def bob(running_app) -> Member:
    return new_member("bob")


@pytest.fixture
def admin(running_app) -> Member:
    return new_admin()


def error_of(response: httpx.Response) -> dict:
    """The one error shape, checked: its code, message and request id are all there."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}, error
    assert error["message"] and error["request_id"] == response.headers.get("x-request-id", error["request_id"])
    assert len(error["request_id"]) == 16
    return error
