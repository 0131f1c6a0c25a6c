"""Load: N simulated people on real websockets against a production build of Vigor.

The script starts the app itself (`reflex run --env prod --single-port`, or several backend
workers on Redis and PostgreSQL), each run in its own work directory, data directory, state
directory and port, then drives it with one socket.io client per person, speaking the same
event protocol as the browser (`hydrate_and_load` on connect, `on_load_internal` on a page
change, the app's own State handlers for everything else). Each person:

1. opens the sign-in page (connect + hydrate), signs in, or registers the first time;
2. opens the dashboard;
3. opens the log page, starts a freestyle workout, finds three exercises and adds them, adds
   sets up to 5 per exercise, then logs 15 sets: types the weight and the reps and ticks the
   set, with the rest between sets compressed (``--time-scale``);
4. finishes the workout, opens the coach and asks one question, answered by the built-in
   coach (no AI provider is configured in the app under test).

The floor: beside Vigor the script builds and starts Reflex's own counter app (one State, one
handler; bench/bare_app.py) the same way, and after each round sends it one event at each
moment the round sent one, from as many tabs, and prints each action's p95 as a ratio to the
floor's (``--no-floor`` skips it).

For every round (``--people 10,50,100``) it prints p50 / p95 / p99 of the time from an event
sent to the state update that answers it, per action; the errors; the server's CPU and memory
(RSS and PSS of every process of the server, read from /proc; Redis's own memory in Redis
mode). At the end it counts every set in the database against the sets the server
acknowledged: none may be lost.

    .venv/bin/python bench/load.py                       # SQLite, one process
    .venv/bin/python bench/load.py --mode redis          # PostgreSQL + Redis, several workers
    .venv/bin/python bench/load.py --mode redis --workers 2 --people 10,50,100
    .venv/bin/python bench/load.py --people 100 --time-scale 0.01 --ramp 10  # a crowd at once
    .venv/bin/python bench/load.py --people 100,100 --ramp 10   # 100 registrations, then 100 sign-ins, in 10 s each
    .venv/bin/python bench/load.py --people 1000 --time-scale 1 --ramp 180 --sets-per-exercise 3 --no-floor  # real pace

The default ``--time-scale 0.1`` compresses 60-120 s of rest into 6-12 s (each person sends ten
times the events per second a real person does), and people arrive 0.6 s apart (100 in a
minute). ``--time-scale 0.01 --ramp 10`` is a stress test: 100 sign-ins in ten seconds need more
password-hashing CPU than two cores have. Results and how to read them: docs/performance.md.

Needs `aiohttp` (socket.io's asyncio client transport; in requirements-dev.txt). Traffic goes
to 127.0.0.1 only; every loop is bounded in count and time, and the server is stopped at the
end (its whole process group).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bare_app  # noqa: E402 (bench/bare_app.py, next to this file)

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
EMAIL_DOMAIN = "bench.vigor.test"
PASSWORD = "Bench-Press-Plenty-42"  # noqa: S105 (the simulated people's password)
STARTUP_TIMEOUT_S = 600
WAIT_TIMEOUT_S = 60.0  # one event's answer; longer is an error
ROUND_TIMEOUT_S = 900.0  # at --time-scale 0.1; a round may take longer when pauses are longer
LONGEST_VISIT_S = 2400.0  # a person's pauses at real pace, at most (15 rests of 120 s, and the rest)
ARRIVAL_GAP_S = 0.6  # default: a new person every 0.6 s (100 over a minute)
QUESTIONS = ["What should I train today?", "How am I progressing?", "How do I come back after a break?",
             "What does RPE mean and how do I pick a weight?"]
SEARCHES = ["squat", "bench press", "row", "deadlift", "lunge", "push-up", "curl", "press"]
SETS_PER_EXERCISE = 5  # --sets-per-exercise; a freestyle exercise comes with 3
EXERCISES = 3
SESSION_STORAGE_KEY = "vigor_session"

# -- the app's state and event names ----------------------------------------------------------

ROOT_STATE = "reflex___state____state"


def _state_names() -> dict[str, str]:
    """Full names of the states the bench talks to, from the app's own classes."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)  # rxconfig.py is read from the working directory
    from reflex.state import OnLoadInternalState, State, UpdateVarsInternalState

    from vigor_app.state.auth import AuthState
    from vigor_app.state.coach import CoachState
    from vigor_app.state.dashboard import DashboardState
    from vigor_app.state.sign_in import RegisterState, SignInState
    from vigor_app.state.workout_log import LoggingState

    return {"root": State.get_full_name(), "auth": AuthState.get_full_name(),
            "signin": SignInState.get_full_name(), "register": RegisterState.get_full_name(),
            "dashboard": DashboardState.get_full_name(), "log": LoggingState.get_full_name(),
            "coach": CoachState.get_full_name(), "vars": UpdateVarsInternalState.get_full_name(),
            "onload": OnLoadInternalState.get_full_name(),
            "counter": f"{State.get_full_name()}.{bare_app.STATE}"}  # the floor's counter


S: dict[str, str] = {}


def var(name: str) -> str:
    return f"{name}_rx_state_"


# -- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree(root_pid: int) -> list[int]:
    """The pids of `root_pid` and every process below it, from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children[ppid].append(int(entry))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


@dataclass
class Usage:
    processes: int
    rss_mb: float
    pss_mb: float
    cpu_s: float  # user + system seconds so far, all processes


def usage(root_pid: int) -> Usage:
    rss = pss = cpu = 0.0
    count = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _tree(root_pid):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                rollup = handle.read()
        except OSError:
            continue
        count += 1
        cpu += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1)) / 1024
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
    return Usage(count, rss, pss, cpu)


def machine_busy_s() -> float:
    """CPU-seconds every process on the machine has used (all cores), from /proc/stat."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def redis_memory_mb(url: str) -> float | None:
    try:
        import redis

        client = redis.Redis.from_url(url)
        value = client.info("memory")["used_memory"] / 2**20
        client.close()
        return value
    except Exception:  # noqa: BLE001 - a figure we print when we can
        return None


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _server_env(args: argparse.Namespace, workdir: Path, port: int) -> dict[str, str]:
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "AZURE_OPENAI_", "GEMINI_", "PERPLEXITY_", "AI_", "REFLEX_",
                                "GRANIAN_", "REDIS_", "DATABASE_", "VIGOR_"))}
    env.update({
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_STATES_WORKDIR": str(workdir / "states"),
        "REFLEX_WEB_WORKDIR": str(args.web_dir or workdir / "web"),
        "VIGOR_DATA_DIR": str(data),
        "SECRET_KEY": "bench-secret-key",
        "APP_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        # Everyone here comes from 127.0.0.1 and signs in right.
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
    })
    if args.mode == "redis":
        env["DATABASE_URL"] = args.database_url
        env["REDIS_URL"] = args.redis_url  # rxconfig.py hands it to Reflex
        if args.workers:
            env["GRANIAN_WORKERS"] = str(args.workers)
    else:
        env["DATABASE_URL"] = f"sqlite:///{data / 'vigor.db'}"
    return env


def _prepare_web_dir(args: argparse.Namespace, workdir: Path) -> None:
    """The front end is built in a private copy of .web, so a run never rebuilds the tree the
    other developers' servers and browser tests are serving from."""
    web = Path(args.web_dir) if args.web_dir else workdir / "web"
    if web.exists():
        return
    source = ROOT / ".web"
    if source.exists():
        print(f"  copying {source} to {web} (node_modules included; no download)", flush=True)
        shutil.copytree(source, web, symlinks=True,
                        ignore=shutil.ignore_patterns(".memo-manifest.json"))


def start_server(args: argparse.Namespace, workdir: Path) -> Server:
    port = args.port or _free_port()
    env = _server_env(args, workdir, port)
    _prepare_web_dir(args, workdir)
    print(f"  migrating {env['DATABASE_URL']}", flush=True)
    subprocess.run([str(BIN / "python"), "-m", "vigor_app", "migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    import httpx

    def ready(url: str) -> bool:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200 and \
            httpx.get(f"{url}/signin", timeout=5, follow_redirects=True).status_code == 200

    return launch(ROOT, env, port, workdir / "server.log", ready, "the app")


def launch(cwd: Path, env: dict[str, str], port: int, log_path: Path, ready: Callable[[str], bool],
           what: str) -> Server:
    """`reflex run` in production mode on one port from `cwd`, waited for until `ready(url)`."""
    import httpx

    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(BIN / "reflex"), "run", "--env", "prod", "--single-port", "--frontend-port", str(port),
             "--backend-port", str(port), "--backend-host", "127.0.0.1"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, env=env)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up:\n{log_path.read_text()[-4000:]}")
        try:
            if ready(server.url):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(1)
    server.stop()
    raise RuntimeError(f"{what} did not start in {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")


def start_bare_app(workdir: Path) -> Server:
    """The floor: Reflex's counter app (bench/bare_app.py), built and served like Vigor (prod, one
    port, one process)."""
    app_dir = workdir / "bare"
    bare_app.write_bare_app(app_dir, ROOT / ".web")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFLEX_", "DATABASE_", "REDIS_", "GRANIAN_"))}
    env.update({"PATH": f"{BIN}:{os.environ.get('PATH', '')}", "REFLEX_USE_NPM": "1",
                "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false",
                "REFLEX_STATES_WORKDIR": str(workdir / "bare-states")})
    import httpx

    def ready(url: str) -> bool:
        return httpx.get(url + "/", timeout=2).status_code == 200

    return launch(app_dir, env, port, workdir / "bare.log", ready, "the bare app")


# -- one browser tab --------------------------------------------------------------------------


class Failed(Exception):
    """The app answered with an error a person would see, or did not answer in time."""


@dataclass
class Waiter:
    predicate: Callable[[dict, list], bool | str]  # True: done; a string: failed, with why
    future: asyncio.Future


class Tab:
    """One browser tab: a socket.io connection with a client token, and the state it holds."""

    def __init__(self, url: str, token: str | None = None) -> None:
        import socketio

        self.url = url
        self.token = token or str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=WAIT_TIMEOUT_S)
        self.state: dict[str, dict[str, Any]] = defaultdict(dict)
        self.waiters: list[Waiter] = []
        self.path = "/"
        self.storage: dict[str, str] = {}
        self.disconnected = False
        self.sio.on("event", self._on_event, namespace="/_event")
        self.sio.on("disconnect", self._on_disconnect, namespace="/_event")

    # Incoming.
    async def _on_event(self, data: dict) -> None:
        received = time.perf_counter()
        delta = data.get("delta") or {}
        for name, values in delta.items():
            self.state[name].update(values)
        events = data.get("events") or []
        for waiter in list(self.waiters):
            if waiter.future.done():
                continue
            verdict = waiter.predicate(delta, events)
            if verdict is True:
                waiter.future.set_result(received)
            elif isinstance(verdict, str) and verdict:
                waiter.future.set_exception(Failed(verdict))
        self.waiters = [w for w in self.waiters if not w.future.done()]
        token_key = f"{S['auth']}.{var('session_token')}"
        found, value = _in(delta, "auth", "session_token")
        if found and value:  # the browser keeps it in local storage (sync=True)
            self.storage[token_key] = value

    def _on_disconnect(self, *_args) -> None:
        self.disconnected = True
        for waiter in self.waiters:
            if not waiter.future.done():
                waiter.future.set_exception(Failed("disconnected"))

    def get(self, state: str, name: str, default: Any = None) -> Any:
        return self.state.get(S[state], {}).get(var(name), default)

    # Outgoing.
    def _event(self, name: str, payload: dict | None = None) -> dict:
        return {"name": name, "payload": payload or {},
                "router_data": {"pathname": self.path, "asPath": self.path, "query": {}}}

    def expect(self, predicate: Callable[[dict, list], bool | str]) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters.append(Waiter(predicate, future))
        return future

    async def _wait(self, future: asyncio.Future, sent: float) -> float:
        try:
            received = await asyncio.wait_for(future, WAIT_TIMEOUT_S)
        except TimeoutError:
            raise Failed(f"no answer in {WAIT_TIMEOUT_S:.0f} s") from None
        return (received - sent) * 1000

    async def connect(self, path: str) -> float:
        """Open `path` in a fresh tab: connect with the hydrate event; ms until hydrated."""
        self.path = path
        done = self.expect(lambda delta, _e: delta.get(S["root"], {}).get(var("is_hydrated")) is True)
        sent = time.perf_counter()
        vars_ = dict(self.storage)
        await self.sio.connect(
            f"{self.url}?token={self.token}", socketio_path="/_event", namespaces=["/_event"],
            transports=["websocket"], wait_timeout=WAIT_TIMEOUT_S,
            auth={"event": self._event(f"{S['root']}.hydrate_and_load", {"vars": vars_} if vars_ else {}),
                  "state_schema": None})
        return await self._wait(done, sent)

    async def send(self, state: str, handler: str, payload: dict | None,
                   predicate: Callable[[dict, list], bool | str]) -> float:
        done = self.expect(predicate)
        sent = time.perf_counter()
        await self.sio.emit("event", self._event(f"{S[state]}.{handler}", payload), namespace="/_event")
        return await self._wait(done, sent)

    async def fire(self, state: str, handler: str, payload: dict | None) -> None:
        """An event the page sends without waiting for an answer: one that changes nothing the
        browser shows (what is typed into a set) gets none (Reflex sends only changes)."""
        await self.sio.emit("event", self._event(f"{S[state]}.{handler}", payload), namespace="/_event")

    async def navigate(self, path: str) -> float:
        """A client-side page change, as the browser makes it: the storage vars, then the page's
        on_load handlers; ms until the page says it is hydrated."""
        self.path = path
        done = self.expect(lambda delta, _e: delta.get(S["root"], {}).get(var("is_hydrated")) is True)
        sent = time.perf_counter()
        if self.storage:
            await self.sio.emit("event", self._event(f"{S['vars']}.update_vars_internal", {"vars": self.storage}),
                                namespace="/_event")
        await self.sio.emit("event", self._event(f"{S['onload']}.on_load_internal"), namespace="/_event")
        return await self._wait(done, sent)

    async def close(self) -> None:
        for waiter in self.waiters:
            waiter.future.cancel()
        self.waiters = []
        with contextlib.suppress(Exception):
            await self.sio.disconnect()


def _in(delta: dict, state: str, name: str) -> tuple[bool, Any]:
    values = delta.get(S[state], {})
    key = var(name)
    return key in values, values.get(key)


def _redirect(events: list, prefix: str) -> bool:
    return any(e.get("name") == "_redirect" and str(e.get("payload", {}).get("path", "")).startswith(prefix)
               for e in events)


# -- one person -------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # (when the event was sent, its latency): split into "while people were still arriving"
    # (some sign-in or registration not yet answered) and "after".
    timed: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    arrivals_end: float = 0.0
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_examples: dict[str, str] = field(default_factory=dict)
    sets_acknowledged: int = 0
    people_done: int = 0
    fired: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # sent, no answer

    def fire(self, action: str) -> None:
        self.fired[action].append(time.perf_counter())

    def add(self, action: str, ms: float) -> None:
        self.latencies[action].append(ms)
        self.timed[action].append((time.perf_counter() - ms / 1000, ms))
        if action in ("register", "sign in"):
            self.arrivals_end = max(self.arrivals_end, time.perf_counter())

    def error(self, action: str, why: str) -> None:
        self.errors[action] += 1
        self.error_examples.setdefault(action, why[:200])


@dataclass
class Person:
    index: int

    @property
    def email(self) -> str:
        return f"person{self.index:04d}@{EMAIL_DOMAIN}"

    @property
    def username(self) -> str:
        return f"bench{self.index:04d}"


async def _pause(scale: float, low: float, high: float, rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(low, high) * scale)


async def act(tally: Tally, action: str, coroutine) -> Any:
    """Run one action; its latency goes to the tally, its failure too (and stops the person)."""
    try:
        result = await coroutine
    except Failed as exc:
        tally.error(action, str(exc))
        raise
    except Exception as exc:  # noqa: BLE001 - a transport error is an error of the run
        tally.error(action, f"{type(exc).__name__}: {exc}")
        raise Failed(str(exc)) from exc
    if isinstance(result, float):
        tally.add(action, result)
    return result


async def sign_in_or_register(tab: Tab, person: Person, registered: bool, tally: Tally) -> None:
    if registered:
        def signed_in(delta, _events):
            found, value = _in(delta, "auth", "signed_in")
            if found and value:
                return True
            for name in ("form_error", "login_error", "password_error"):
                found, why = _in(delta, "signin", name)
                if found and why:
                    return f"sign in: {why}"
            return False
        await act(tally, "sign in", tab.send("signin", "sign_in",
                                            {"form_data": {"login": person.email, "password": PASSWORD}},
                                            signed_in))
        return

    def registered_now(delta, _events):
        found, value = _in(delta, "auth", "signed_in")
        if found and value:
            return True
        for name in ("form_error", "email_error", "username_error", "password_error", "confirm_error"):
            found, why = _in(delta, "register", name)
            if found and why:
                return f"register: {why}"
        return False
    await act(tally, "register", tab.send("register", "register", {"form_data": {
        "email": person.email, "username": person.username, "password": PASSWORD,
        "confirm_password": PASSWORD}}, registered_now))


def _log_error(delta) -> str:
    found, why = _in(delta, "log", "error")
    if found and why:
        return f"log: {why}"
    found, cards = _in(delta, "log", "cards")
    if found:
        for card in cards or []:
            for row in card.get("rows", []):
                if row.get("error"):
                    return f"set: {row['error']}"
    return ""


async def log_workout(tab: Tab, person: Person, tally: Tally, scale: float, rng: random.Random) -> None:
    await act(tally, "open log page", tab.navigate("/log"))
    if tab.get("log", "session_id"):  # a workout left open by an earlier, failed run
        await act(tally, "discard workout", tab.send(
            "log", "discard", None, lambda d, _e: _in(d, "log", "session_id") == (True, 0) or _log_error(d)))
    await act(tally, "start workout", tab.send(
        "log", "start_freestyle", None,
        lambda d, _e: (_in(d, "log", "session_id")[1] or 0) > 0 or _log_error(d)))
    picked: set[str] = set()
    for n in range(EXERCISES):
        query = SEARCHES[(person.index + n * 3) % len(SEARCHES)]
        await _pause(scale, 2, 5, rng)
        await act(tally, "search exercises", tab.send(
            "log", "set_search", {"text": query},
            lambda d, _e: _in(d, "log", "search_results")[0] or _log_error(d)))
        results = [r for r in tab.get("log", "search_results", []) if r["id"] not in picked]
        if not results:
            raise Failed(f"no exercise found for {query!r}")
        choice = results[0]["id"]
        picked.add(choice)
        await act(tally, "add exercise", tab.send(
            "log", "add_exercise", {"exercise_id": choice},
            lambda d, _e, want=n + 1: len(_in(d, "log", "cards")[1] or []) == want or _log_error(d)))
    for card in list(tab.get("log", "cards", [])):
        for _ in range(SETS_PER_EXERCISE - len(card["rows"])):
            want = tab.get("log", "total_sets", 0) + 1
            await act(tally, "add set", tab.send(
                "log", "add_set", {"entry_id": card["id"]},
                lambda d, _e, want=want: _in(d, "log", "total_sets")[1] == want or _log_error(d)))
    rows = [(card, row) for card in tab.get("log", "cards", []) for row in card["rows"]]
    if len(rows) != EXERCISES * SETS_PER_EXERCISE:
        raise Failed(f"expected {EXERCISES * SETS_PER_EXERCISE} sets, the page shows {len(rows)}")
    for number, (_card, row) in enumerate(rows, start=1):
        await _pause(scale, 60, 120, rng)  # resting between sets
        weight = str(20 + 2.5 * ((person.index + number) % 16))
        reps = str(5 + (person.index + number) % 8)
        for name, value in (("weight", weight), ("reps", reps)):
            await act(tally, "type a value", tab.fire(
                "log", "edit", {"set_id": row["id"], "field_name": name, "value": value}))
            tally.fire("type a value")
        await _pause(scale, 1, 3, rng)
        await act(tally, "log a set", tab.send(
            "log", "toggle_done", {"set_id": row["id"]},
            lambda d, _e, want=number: _in(d, "log", "done_sets")[1] == want or _log_error(d)))
        tally.sets_acknowledged += 1
    await _pause(scale, 10, 30, rng)
    await act(tally, "finish workout", tab.send("log", "set_intensity", {"value": "7"},
                                                lambda d, _e: _in(d, "log", "intensity")[0]))
    await act(tally, "finish workout", tab.send(
        "log", "finish", None, lambda d, events: _redirect(events, "/history") or _log_error(d)))


async def ask_coach(tab: Tab, person: Person, tally: Tally) -> None:
    await act(tally, "open coach", tab.navigate("/coach"))
    question = QUESTIONS[person.index % len(QUESTIONS)]
    started = asyncio.get_running_loop().create_future()

    def streaming_started(delta, _e):
        found, value = _in(delta, "coach", "streaming")
        if found and value and not started.done():
            started.set_result(True)
            return True
        return False

    tab.expect(streaming_started)

    def answered(delta, _e):
        found, why = _in(delta, "coach", "error")
        if found and why:
            return f"coach: {why}"
        found, value = _in(delta, "coach", "streaming")
        return found and value is False and started.done()

    await act(tally, "coach reply", tab.send("coach", "ask", {"question": question}, answered))
    messages = tab.get("coach", "messages", [])
    if not messages or messages[-1].get("role") != "assistant" or not messages[-1].get("content"):
        raise Failed("the coach's reply is missing")
    if messages[-1].get("engine") != "Built-in coach":
        raise Failed(f"answered by {messages[-1].get('engine')!r}, not the built-in coach")


async def one_person(url: str, person: Person, registered: bool, tally: Tally, scale: float,
                     rng: random.Random, tabs: list[Tab]) -> None:
    """One person's visit; the tab stays connected afterwards (closed by the caller)."""
    tab = Tab(url)
    tabs.append(tab)
    TOKENS.append(tab.token)
    try:
        await act(tally, "open sign-in page", tab.connect("/register" if not registered else "/signin"))
        await _pause(scale, 5, 15, rng)
        await sign_in_or_register(tab, person, registered, tally)
        await act(tally, "open dashboard", tab.navigate("/dashboard"))
        if not tab.get("auth", "signed_in"):
            tally.error("open dashboard", "the dashboard does not know who is signed in")
            return
        await log_workout(tab, person, tally, scale, rng)
        await _pause(scale, 5, 20, rng)
        await ask_coach(tab, person, tally)
        tally.people_done += 1
    except Failed:
        pass


TOKENS: list[str] = []


# -- a round ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


@dataclass
class RoundResult:
    people: int
    tally: Tally
    seconds: float
    cpu_percent: float
    idle: Usage
    peak: Usage
    redis_idle_mb: float | None
    redis_peak_mb: float | None
    loop_lag_p99_ms: float
    connected: int = 0
    health: list = field(default_factory=list)  # (seconds into the round, /health ms)
    others_cpu_percent: float = 0.0  # of one core: processes neither the server's nor the bench's
    bench_cpu_percent: float = 0.0
    floor: list[float] = field(default_factory=list)  # the bare app's latencies, same event times
    floor_errors: int = 0
    floor_cpu_percent: float = 0.0
    floor_kb: tuple[float, float] = (0.0, 0.0)  # RSS, PSS each connected tab added to the floor's server


async def _health_probe(url: str, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    """GET /health every half second: how long the server takes to answer plain HTTP, which
    shows when its event loop is stuck (it answers on the same loop as the events)."""
    import httpx

    async with httpx.AsyncClient(timeout=60) as client:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                await client.get(f"{url}/health")
            except httpx.HTTPError:
                pass
            samples.append((start, (time.perf_counter() - start) * 1000))
            await asyncio.sleep(0.5)


async def _loop_lag(samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.05)
        samples.append((time.perf_counter() - start - 0.05) * 1000)


async def replay_on_floor(url: str, pid: int, people: int,
                          offsets: list[float]) -> tuple[list[float], int, tuple[float, float]]:
    """The bare counter app driven at Vigor's event rate: `people` tabs, one event at each of
    `offsets` (seconds after the start, the moments Vigor's round sent its events), each sent by
    a tab that is not waiting for an answer; the latencies (ms), the errors, and the memory (KB
    RSS and PSS) each connected tab added to the server `pid`."""
    before = usage(pid)
    tabs = [Tab(url) for _ in range(people)]
    for i in range(0, people, 50):  # connect in batches, as people arrive
        await asyncio.gather(*(tab.connect("/") for tab in tabs[i:i + 50]))
    idle: asyncio.Queue[Tab] = asyncio.Queue()
    for tab in tabs:
        idle.put_nowait(tab)
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()

    async def one(offset: float) -> None:
        nonlocal errors
        await asyncio.sleep(max(0.0, start + offset - time.perf_counter()))
        tab = await idle.get()
        try:
            latencies.append(await tab.send("counter", bare_app.HANDLER, None,
                                            lambda d, _e: _in(d, "counter", bare_app.VAR)[0]))
        except (Failed, Exception):  # noqa: BLE001 - counted, like Vigor's errors
            errors += 1
        finally:
            idle.put_nowait(tab)

    await asyncio.gather(*(one(offset) for offset in offsets))
    connected = usage(pid)
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    per_tab = ((connected.rss_mb - before.rss_mb) * 1024 / max(1, people),
               (connected.pss_mb - before.pss_mb) * 1024 / max(1, people))
    return latencies, errors, per_tab


async def run_round(server: Server, args: argparse.Namespace, people: int, registered: int,
                    rng: random.Random, floor: Server | None) -> RoundResult:
    tally = Tally()
    idle = usage(server.process.pid)
    busy0, own0 = machine_busy_s(), own_cpu_s()
    redis_idle = redis_memory_mb(args.redis_url) if args.mode == "redis" else None
    tabs: list[Tab] = []
    lag: list[float] = []
    stop_lag = asyncio.Event()
    lag_task = asyncio.create_task(_loop_lag(lag, stop_lag))
    health: list[tuple[float, float]] = []
    health_task = asyncio.create_task(_health_probe(server.url, health, stop_lag))
    started = time.perf_counter()

    ramp = args.ramp if args.ramp is not None else ARRIVAL_GAP_S * people

    async def arrive(i: int) -> None:
        await asyncio.sleep(ramp * i / max(1, people))
        await one_person(server.url, Person(i), i < registered, tally, args.time_scale,
                         random.Random(rng.random()), tabs)

    tasks = [asyncio.create_task(arrive(i)) for i in range(people)]
    timeout = ROUND_TIMEOUT_S + ramp + LONGEST_VISIT_S * args.time_scale
    _done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
        tally.error("round", f"still running after {timeout:.0f} s")
    seconds = time.perf_counter() - started
    # Everyone is still connected: the memory a connected person costs.
    peak = usage(server.process.pid)
    busy1, own1 = machine_busy_s(), own_cpu_s()
    redis_peak = redis_memory_mb(args.redis_url) if args.mode == "redis" else None
    connected = sum(1 for tab in tabs if tab.sio.connected)
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    stop_lag.set()
    await lag_task
    await health_task
    cpu_percent = 100 * (peak.cpu_s - idle.cpu_s) / seconds
    result = RoundResult(people, tally, seconds, cpu_percent, idle, peak, redis_idle, redis_peak,
                         percentile(lag, 99))
    result.connected = connected
    result.health = [(t - started, ms) for t, ms in health]
    server_cpu = peak.cpu_s - idle.cpu_s
    if floor is not None:  # the same number of events at the same moments, on the bare app
        offsets = sorted([sent - started for pairs in tally.timed.values() for sent, _ms in pairs]
                         + [sent - started for times in tally.fired.values() for sent in times])
        await asyncio.sleep(3)
        floor_before = usage(floor.process.pid)
        floor_started = time.perf_counter()
        result.floor, result.floor_errors, result.floor_kb = await replay_on_floor(floor.url, floor.process.pid,
                                                                                   people, offsets)
        result.floor_cpu_percent = 100 * (usage(floor.process.pid).cpu_s - floor_before.cpu_s) / max(
            1e-9, time.perf_counter() - floor_started)
    result.bench_cpu_percent = 100 * (own1 - own0) / seconds
    result.others_cpu_percent = max(0.0, 100 * ((busy1 - busy0) - server_cpu - (own1 - own0)) / seconds)
    return result


ACTION_ORDER = ["open sign-in page", "register", "sign in", "open dashboard", "open log page", "start workout",
                "search exercises", "add exercise", "add set", "type a value", "log a set", "finish workout",
                "open coach", "coach reply", "discard workout"]


def report_round(result: RoundResult, out: list[str]) -> None:
    t = result.tally
    lines = [f"\n## N = {result.people}: {t.people_done}/{result.people} people finished in "
             f"{result.seconds:.1f} s",
             f"{'action':<18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
             + (f" {'p95 / floor':>11}" if result.floor else "")]
    floor_p95 = percentile(result.floor, 95) if result.floor else None
    for action in ACTION_ORDER:
        values = t.latencies.get(action)
        if not values:
            continue
        lines.append(f"{action:<18} {len(values):>6} {percentile(values, 50):>8.1f} {percentile(values, 95):>8.1f} "
                     f"{percentile(values, 99):>8.1f} {max(values):>8.1f}"
                     + (f" {percentile(values, 95) / floor_p95:>10.2f}x" if floor_p95 else ""))
    for action, times in t.fired.items():
        lines.append(f"{action:<18} {len(times):>6}   (sent; the page waits for no answer)")
    if result.floor:
        events = sum(len(v) for v in t.latencies.values()) + sum(len(v) for v in t.fired.values())
        lines.append(f"{'floor: bare Reflex':<18} {len(result.floor):>6} {percentile(result.floor, 50):>8.1f} "
                     f"{floor_p95:>8.1f} {percentile(result.floor, 99):>8.1f} {max(result.floor):>8.1f}")
        lines.append(f"  (the bare counter app, {result.people} tabs, one event at each moment Vigor's round "
                     f"sent one: {events} events, {events / result.seconds:.0f} a second on average; "
                     f"{result.floor_errors} errors; its server used {result.floor_cpu_percent:.0f}% of a core, "
                     f"and {result.floor_kb[0]:.0f} KB RSS ({result.floor_kb[1]:.0f} KB PSS) more "
                     f"per connected tab)")
    after = {action: [ms for sent, ms in pairs if sent > t.arrivals_end] for action, pairs in t.timed.items()}
    steady = [a for a in ("open dashboard", "log a set", "coach reply") if after.get(a)]
    if steady:
        lines.append("after the last person signed in (no sign-in running):")
        for action in steady:
            values = after[action]
            lines.append(f"  {action:<16} {len(values):>6} {percentile(values, 50):>8.1f} "
                         f"{percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f} {max(values):>8.1f}")
    total_errors = sum(t.errors.values())
    lines.append(f"errors: {total_errors}" + "".join(
        f"\n  {action}: {count} (e.g. {t.error_examples[action]})" for action, count in t.errors.items()))
    per_person_rss = (result.peak.rss_mb - result.idle.rss_mb) / result.people
    per_person_pss = (result.peak.pss_mb - result.idle.pss_mb) / result.people
    if result.health:
        values = [ms for _t, ms in result.health]
        stalls = [f"{t:.0f}s:{ms / 1000:.1f}s" for t, ms in result.health if ms > 1000]
        lines.append(f"GET /health during the round: p50 {percentile(values, 50):.0f} ms, max {max(values):.0f} ms"
                     + (f"; answers slower than 1 s at {', '.join(stalls[:12])}" if stalls else ""))
    lines.append(f"connected when memory was read: {result.connected}")
    lines.append(f"server: {result.peak.processes} processes, CPU {result.cpu_percent:.0f}% of one core "
                 f"over the round ({result.peak.cpu_s - result.idle.cpu_s:.1f} CPU-s)")
    lines.append(f"memory: idle RSS {result.idle.rss_mb:.0f} MB (PSS {result.idle.pss_mb:.0f}), with "
                 f"{result.people} connected RSS {result.peak.rss_mb:.0f} MB (PSS {result.peak.pss_mb:.0f}): "
                 f"{per_person_rss * 1024:.0f} KB RSS ({per_person_pss * 1024:.0f} KB PSS) per person")
    if result.redis_idle_mb is not None and result.redis_peak_mb is not None:
        lines.append(f"redis: used_memory {result.redis_idle_mb:.1f} -> {result.redis_peak_mb:.1f} MB "
                     f"({(result.redis_peak_mb - result.redis_idle_mb) * 1024 / result.people:.0f} KB per person)")
    lines.append(f"machine: the bench client used {result.bench_cpu_percent:.0f}% of one core, other "
                 f"processes (not this server, not this bench) {result.others_cpu_percent:.0f}%; "
                 f"{os.cpu_count()} cores in all; load average {os.getloadavg()[0]:.1f}")
    lines.append(f"sets acknowledged this round: {t.sets_acknowledged}; bench client loop lag p99 "
                 f"{result.loop_lag_p99_ms:.1f} ms")
    text = "\n".join(lines)
    print(text, flush=True)
    out.append(text)


# -- the database count -----------------------------------------------------------------------


def count_sets(database_url: str) -> tuple[int, int, int]:
    """(done sets, finished workouts, workouts not holding exactly 15 done sets) of the bench's people."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            done = conn.execute(text(
                "SELECT count(*) FROM workout_sets s JOIN users u ON u.id = s.user_id "
                "WHERE u.email LIKE :domain AND s.done"), {"domain": f"%@{EMAIL_DOMAIN}"}).scalar_one()
            finished = conn.execute(text(
                "SELECT count(*) FROM workout_sessions w JOIN users u ON u.id = w.user_id "
                "WHERE u.email LIKE :domain AND w.status = 'finished'"), {"domain": f"%@{EMAIL_DOMAIN}"}).scalar_one()
            uneven = conn.execute(text(
                "SELECT count(*) FROM (SELECT w.id FROM workout_sessions w JOIN users u ON u.id = w.user_id "
                "LEFT JOIN workout_sets s ON s.session_id = w.id AND s.done "
                "WHERE u.email LIKE :domain AND w.status = 'finished' GROUP BY w.id "
                "HAVING count(s.id) <> :sets) AS odd"),
                {"domain": f"%@{EMAIL_DOMAIN}", "sets": EXERCISES * SETS_PER_EXERCISE}).scalar_one()
    finally:
        engine.dispose()
    return int(done), int(finished), int(uneven)


# -- PostgreSQL and Redis for the redis mode --------------------------------------------------


def _create_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _forget_redis_states(url: str, tokens: list[str]) -> None:
    """Delete the state the run left in Redis (keys start with a client token it used)."""
    try:
        import redis

        client = redis.Redis.from_url(url)
        wanted = set(tokens)
        doomed = [key for key in client.scan_iter(count=1000)
                  if key.decode(errors="replace").split("_", 1)[0] in wanted]
        for i in range(0, len(doomed), 500):
            client.delete(*doomed[i:i + 500])
        client.close()
    except Exception as exc:  # noqa: BLE001
        print(f"  (could not clean Redis: {exc})")


# -- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["sqlite", "redis"], default="sqlite",
                        help="sqlite: the embedded default, one process; redis: PostgreSQL + Redis, several workers")
    parser.add_argument("--people", default="10,50,100", help="comma-separated N for each round")
    parser.add_argument("--workers", type=int, default=0,
                        help="redis mode: backend workers (GRANIAN_WORKERS); 0 = Reflex's default, 2 x cores + 1")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--postgres-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="vigor_bench_load",
                        help="redis mode: the PostgreSQL database the run creates afresh, and drops at the end")
    parser.add_argument("--time-scale", type=float, default=0.1,
                        help="pauses a person makes (rest 60-120 s between sets) are multiplied by this")
    parser.add_argument("--ramp", type=float, default=None,
                        help="seconds over which a round's people arrive (default: 0.6 s a person, "
                             "so 100 people arrive over a minute)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floor: the bare Reflex counter app driven at the same event rate after each round")
    parser.add_argument("--sets-per-exercise", type=int, default=SETS_PER_EXERCISE,
                        help="sets each person logs per exercise, 3 or more (3 exercises each)")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--workdir", default="", help="default: a new temporary directory")
    parser.add_argument("--web-dir", default="",
                        help="where the front end is built (default: a copy of .web in the work directory)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory and the database")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default="", help="also write the report to this file")
    args = parser.parse_args(argv)
    if args.sets_per_exercise < 3:
        parser.error("--sets-per-exercise: 3 or more (a freestyle exercise comes with 3 sets)")
    args.database_url = ""
    args.total_errors = 0
    if args.mode == "redis":
        base = args.postgres_admin_url.rsplit("/", 1)[0]
        args.database_url = f"{base}/{args.database}"
    return args


async def main_async(args: argparse.Namespace, server: Server, out: list[str], workers: int,
                     floor: Server | None) -> list[Tab]:
    rng = random.Random(args.seed)
    rounds = [int(n) for n in args.people.split(",") if n.strip()]
    registered = 0
    acknowledged = 0
    # Warm-up: two people per worker through the whole journey, so every worker has loaded its
    # lazy imports and caches before "idle" memory is read (the kernel spreads connections over
    # the workers). Their sets are counted at the end like everyone's.
    warm = Tally()
    tabs: list[Tab] = []
    await asyncio.gather(*(one_person(server.url, Person(9000 + i), False, warm, min(args.time_scale, 0.01),
                                      random.Random(i), tabs) for i in range(2 * max(1, workers))))
    await asyncio.gather(*(tab.close() for tab in tabs))
    acknowledged += warm.sets_acknowledged
    args.total_errors += sum(warm.errors.values())
    if warm.errors:
        print(f"warm-up errors: {dict(warm.errors)} {warm.error_examples}", flush=True)
    await asyncio.sleep(3)
    for people in rounds:
        result = await run_round(server, args, people, registered, rng, floor)
        registered = max(registered, people)
        acknowledged += result.tally.sets_acknowledged
        args.total_errors += sum(result.tally.errors.values())
        report_round(result, out)
        await asyncio.sleep(3)
    args.acknowledged = acknowledged
    return tabs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    global SETS_PER_EXERCISE
    SETS_PER_EXERCISE = args.sets_per_exercise
    # A SIGTERM (timeout, Ctrl-C from a supervisor) still stops the server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    S.update(_state_names())
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix=f"vigor-load-{args.mode}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    out: list[str] = []
    header = (f"# bench/load.py --mode {args.mode} --people {args.people}"
              + (f" --workers {args.workers or 'default'}" if args.mode == "redis" else "")
              + f" --time-scale {args.time_scale} --ramp {args.ramp or f'{ARRIVAL_GAP_S} s a person'}"
              f" --sets-per-exercise {SETS_PER_EXERCISE}\n"
              f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; work dir {workdir}")
    print(header, flush=True)
    out.append(header)
    if args.mode == "redis":
        _create_database(args.postgres_admin_url, args.database)
    try:
        server = start_server(args, workdir)
    except BaseException:
        if args.mode == "redis" and not args.keep:
            _drop_database(args.postgres_admin_url, args.database)
        raise
    workers = len(_tree(server.process.pid)) - 1
    floor = None
    if not args.no_floor:
        print("  starting the bare Reflex counter app (the floor)", flush=True)
        try:
            floor = start_bare_app(workdir)
        except BaseException:
            server.stop()
            raise
    line = f"server: {server.url}, {workers} worker process(es) under the supervisor"
    print(line, flush=True)
    out.append(line)
    status = 0
    try:
        asyncio.run(main_async(args, server, out, workers, floor))
    finally:
        server.stop()
        if floor is not None:
            floor.stop()
        log = server.log_path.read_text(errors="replace")
        tracebacks = log.count("Traceback")
        errors = len(re.findall(r"\b(ERROR|CRITICAL)\b", log))
        database_url = server.env["DATABASE_URL"]
        done, finished, uneven = count_sets(database_url)
        expected = getattr(args, "acknowledged", None)
        lost = (expected - done) if expected is not None else None
        text = (f"\n## Database\nsets acknowledged by the server: {expected}; done sets in the database: "
                f"{done}; lost: {lost}; finished workouts: {finished}, of which not holding exactly "
                f"{EXERCISES * SETS_PER_EXERCISE} sets: {uneven}\n"
                f"server log: {tracebacks} tracebacks, {errors} ERROR lines ({server.log_path})")
        print(text, flush=True)
        out.append(text)
        if lost or tracebacks or args.total_errors:
            status = 1
        if args.output:
            kept = Path(args.output).with_suffix(".server.log")
            shutil.copy(server.log_path, kept)
            print(f"server log kept at {kept}", flush=True)
        if args.mode == "redis":
            _forget_redis_states(args.redis_url, TOKENS)
            if not args.keep:
                _drop_database(args.postgres_admin_url, args.database)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        if args.output:
            Path(args.output).write_text("\n".join(out) + "\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
