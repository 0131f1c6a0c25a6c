"""Two backend workers on Redis and PostgreSQL: one browser session moves between them.

Each worker is a real production backend (`reflex run --env prod --backend-only`, one granian
worker each, on its own port), both sharing one Redis (Reflex's state) and one PostgreSQL
database (Vigor's data), as two instances behind a load balancer would. A socket.io client
speaks the browser's event protocol: it connects with a client token, hydrates, registers,
and leaves something only the state knows (a half-typed coach question). Then:

1. the same tab (same client token) reconnects to the *other* worker and finds everything:
   the state came from Redis, not from the worker's memory;
2. the worker holding the tab is killed (SIGKILL) and the tab reconnects to the survivor:
   the person is still signed in (their session token is in the browser's local storage
   and their session in the database), and their data is all there. Reflex gives a tab
   whose worker died a new client token (the dead worker's socket record is still in
   Redis, so the tab looks like a duplicate), so state kept only in memory of the page --
   the half-typed question -- starts afresh: see docs/operations.md;
3. the killed worker is started again and the tab moves back to it, state intact.

Skipped, with the reason, when Redis (127.0.0.1:6379) or PostgreSQL (127.0.0.1:5432, trust
authentication, a user that may create databases) is not reachable, or when aiohttp
(socket.io's asyncio client transport) is not installed.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

import vigor_app.vigor_app  # noqa: F401  (registers every state, as tests/state does)
from tests.postgres import throwaway_database
from vigor_app import startup

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
REDIS_URL = os.environ.get("VIGOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
START_TIMEOUT_S = 60
ANSWER_TIMEOUT_S = 20
PASSWORD = "Worker-Switch-Strong-71"
DRAFT = "How many rest days should I take after"


def _redis_reachable() -> str | None:
    """None when Redis answers PING, else why not."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip, saying why
        return f"Redis is not reachable at {REDIS_URL}: {exc}"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Worker:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(
            [str(BIN / "reflex"), "run", "--env", "prod", "--backend-only", "--backend-host", "127.0.0.1",
             "--backend-port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"worker {self.name} did not start:\n{self.log_path.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def workers(tmp_path) -> Iterator[tuple[Worker, Worker, str]]:
    pytest.importorskip("aiohttp", reason="aiohttp (socket.io's asyncio client) is not installed: "
                                          "make install-dev")
    if (why := _redis_reachable()) is not None:
        pytest.skip(why)
    with throwaway_database("vigor_workers") as database_url:
        yield from _run_workers(tmp_path, database_url)


def _run_workers(tmp_path: Path, database_url: str) -> Iterator[tuple[Worker, Worker, str]]:
    made: list[Worker] = []
    try:
        startup.migrate(database_url)  # once, before any worker starts
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("OPENAI_", "AZURE_OPENAI_", "GEMINI_", "PERPLEXITY_", "AI_",
                                     "REFLEX_", "GRANIAN_", "ADMIN_"))}
        base.update({
            "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            "REFLEX_USE_NPM": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "GRANIAN_WORKERS": "1",
            "SECRET_KEY": "workers-test-secret",
            "VIGOR_DATA_DIR": str(tmp_path / "data"),
            # Each worker's own scratch space, never the project's .web or .states.
            "REFLEX_WEB_WORKDIR": str(tmp_path / "web"),
        })
        for label in ("a", "b"):
            env = {**base, "REFLEX_STATES_WORKDIR": str(tmp_path / f"states-{label}")}
            made.append(Worker(label, _free_port(), env, tmp_path / f"worker-{label}.log"))
        for worker in made:
            worker.start()
        for worker in made:
            worker.wait_healthy()
        yield made[0], made[1], database_url
    finally:
        for worker in made:
            worker.kill(signal.SIGTERM)
    for worker in made:
        assert "Traceback" not in worker.log_path.read_text(), worker.log_path.read_text()[-3000:]


# -- a browser tab, speaking Reflex's event protocol ------------------------------------------


def _names() -> dict[str, str]:
    from reflex.state import OnLoadInternalState, State, UpdateVarsInternalState

    from vigor_app.state.auth import AuthState
    from vigor_app.state.coach import CoachState
    from vigor_app.state.sign_in import RegisterState

    return {"root": State.get_full_name(), "auth": AuthState.get_full_name(),
            "register": RegisterState.get_full_name(), "coach": CoachState.get_full_name(),
            "vars": UpdateVarsInternalState.get_full_name(), "onload": OnLoadInternalState.get_full_name()}


def _var(name: str) -> str:
    return f"{name}_rx_state_"


class Tab:
    """What a browser tab keeps: its client token, its local storage, the state it was sent."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.token = str(uuid.uuid4())
        self.local_storage: dict[str, str] = {}
        self.sio = None
        self.updates: list[dict] = []
        self._waiters: list[tuple[Callable[[dict], bool], asyncio.Future]] = []

    def value(self, state: str, name: str, updates: list[dict] | None = None) -> Any:
        """The latest value the server sent for a var (in `updates`, or since connecting)."""
        found = None
        for update in updates if updates is not None else self.updates:
            values = update.get("delta", {}).get(self.names[state], {})
            if _var(name) in values:
                found = values[_var(name)]
        return found

    async def _on_event(self, data: dict) -> None:
        self.updates.append(data)
        token_key = f"{self.names['auth']}.{_var('session_token')}"
        token = data.get("delta", {}).get(self.names["auth"], {}).get(_var("session_token"))
        if token:
            self.local_storage[token_key] = token
        for predicate, future in self._waiters:
            if not future.done() and predicate(data):
                future.set_result(data)

    async def _on_new_token(self, token: str) -> None:
        self.token = token  # as the browser does when the server says the token is taken

    def _event(self, name: str, path: str, payload: dict | None = None) -> dict:
        return {"name": name, "payload": payload or {},
                "router_data": {"pathname": path, "asPath": path, "query": {}}}

    async def _until(self, predicate: Callable[[dict], bool], send) -> dict:
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        await send()
        try:
            return await asyncio.wait_for(future, ANSWER_TIMEOUT_S)
        finally:
            self._waiters.remove((predicate, future))

    def _hydrated(self, data: dict) -> bool:
        return data.get("delta", {}).get(self.names["root"], {}).get(_var("is_hydrated")) is True

    async def open(self, base_url: str, path: str) -> None:
        """Load `path` from `base_url`: connect with the hydrate event, as the browser does."""
        import socketio

        self.updates = []
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_event, namespace="/_event")
        self.sio.on("new_token", self._on_new_token, namespace="/_event")
        payload = {"vars": dict(self.local_storage)} if self.local_storage else {}
        boot = self._event(f"{self.names['root']}.hydrate_and_load", path, payload)

        async def connect() -> None:
            await self.sio.connect(f"{base_url}?token={self.token}", socketio_path="/_event",
                                   namespaces=["/_event"], transports=["websocket"],
                                   auth={"event": boot, "state_schema": None}, wait_timeout=10)
        await self._until(self._hydrated, connect)

    async def send(self, state: str, handler: str, path: str, payload: dict,
                   predicate: Callable[[dict], bool]) -> dict:
        async def emit() -> None:
            await self.sio.emit("event", self._event(f"{self.names[state]}.{handler}", path, payload),
                                namespace="/_event")
        return await self._until(predicate, emit)

    async def close(self) -> None:
        if self.sio is not None:
            await self.sio.disconnect()
            self.sio = None


def _has(state_name: str, name: str, wanted: Any = None) -> Callable[[dict], bool]:
    def check(data: dict) -> bool:
        values = data.get("delta", {}).get(state_name, {})
        return _var(name) in values and (wanted is None or values[_var(name)] == wanted)
    return check


async def _token_released(worker_url: str, tab: Tab, seconds: float = 5.0) -> None:
    """A closed tab's worker drops its claim on the client token (a task after the disconnect)."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not await client.exists(f"token_manager_socket_record_{tab.token}"):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{worker_url} kept the token {tab.token} after the tab closed")
    finally:
        await client.aclose()


async def _forget(tokens: list[str]) -> None:
    """Remove what the test left in Redis: the states of its client tokens."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        doomed = [key async for key in client.scan_iter(count=1000)
                  if any(token in key.decode(errors="replace") for token in tokens)]
        if doomed:
            await client.delete(*doomed)
    finally:
        await client.aclose()


async def test_a_session_survives_a_switch_of_worker_and_a_killed_worker(workers):
    worker_a, worker_b, database_url = workers
    names = _names()
    tab = Tab(names)
    tokens = [tab.token]
    email = f"switch-{secrets.token_hex(4)}@vigor.test"
    username = f"switch{secrets.token_hex(3)}"
    try:
        # On worker A: register (signs in), then type half a question on the Coach page.
        await tab.open(worker_a.url, "/register")
        assert tab.value("auth", "signed_in") is False
        await tab.send("register", "register", "/register",
                       {"form_data": {"email": email, "username": username, "password": PASSWORD,
                                      "confirm_password": PASSWORD}},
                       _has(names["auth"], "signed_in", True))
        assert tab.value("auth", "username") == username
        await tab.send("coach", "set_draft", "/coach", {"text": DRAFT}, _has(names["coach"], "draft"))
        await tab.close()
        await _token_released(worker_a.url, tab)

        # 1. The same tab lands on worker B. The first update is the state as B loaded it
        # from Redis, before any page handler ran: signed in, with the half-typed question.
        await tab.open(worker_b.url, "/coach")
        snapshot = tab.updates[:1]
        assert tab.value("auth", "signed_in", snapshot) is True
        assert tab.value("auth", "username", snapshot) == username
        assert tab.value("coach", "draft", snapshot) == DRAFT
        assert tab.value("auth", "signed_in") is True  # and still, after the page's on_load
        assert tab.token == tokens[0]  # B took the tab as it was, not as a new one

        # 2. Worker B dies while the tab is on it; the tab reconnects to worker A.
        worker_b.kill(signal.SIGKILL)
        await asyncio.sleep(0.2)
        await tab.close()
        await tab.open(worker_a.url, "/coach")
        tokens.append(tab.token)
        assert tab.value("auth", "signed_in") is True
        assert tab.value("auth", "username") == username
        # Vigor's own record of the person never depended on a worker.
        with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            assert conn.execute("SELECT count(*) FROM users WHERE email = %s", (email,)).fetchone()[0] == 1

        # 3. Worker B comes back; the tab moves back to it with its state.
        await tab.send("coach", "set_draft", "/coach", {"text": DRAFT}, _has(names["coach"], "draft"))
        await tab.close()
        await _token_released(worker_a.url, tab)
        worker_b.start()
        worker_b.wait_healthy()
        await tab.open(worker_b.url, "/coach")
        snapshot = tab.updates[:1]
        assert tab.value("auth", "signed_in", snapshot) is True
        assert tab.value("coach", "draft", snapshot) == DRAFT
        await tab.close()
    finally:
        await tab.close()
        await _forget(tokens)
