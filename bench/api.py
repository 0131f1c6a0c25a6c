"""The public API under load: reading a workout and logging a set, at a steady request rate.

The script migrates a throwaway database (SQLite by default), makes N members, each with a
personal access token and an open workout of five exercises, then starts the app's HTTP side
(`vigor_app.api:api`, the same Starlette app Reflex serves beside the pages: /health, the
sign-on redirects and /api/v1) under uvicorn in its own process, and sends requests at a fixed
rate for a fixed time, open loop: request i leaves at start + i / rate whether or not the
earlier ones have been answered, so a slow server shows as waiting, not as a lower rate. Half
read a member's workout (`GET /sessions/{id}`), half log one of its sets
(`PUT /sets/{id}` with reps and weight, done).

It prints, per kind, p50 / p95 / p99 / max of the time from the moment a request was due to its
answer, the errors, the rate reached, the server's CPU and memory, and the machine's load
before and during the run; then it checks that every logged set is in the database.

    .venv/bin/python bench/api.py                        # 100 requests a second for 30 s, SQLite
    .venv/bin/python bench/api.py --rate 200 --seconds 60
    .venv/bin/python bench/api.py --database-url postgresql+psycopg://vigor:vigor@127.0.0.1:5432/postgres
    .venv/bin/python bench/api.py --batch 50 --rate 5    # the offline queue: 50 changes a request

Traffic goes to 127.0.0.1 only; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from load import machine_busy_s, usage  # noqa: E402 (bench/load.py, next to this file)
from progress import load_average, percentile, point_the_app_at  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ["barbell-back-squat", "barbell-bench-press", "barbell-deadlift", "barbell-overhead-press",
             "barbell-romanian-deadlift"]
PASSWORD = "Bench-Press-Plenty-42"  # noqa: S105 (the members' password)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(server_url: str) -> str:
    """A fresh database on the server, migrated; its URL."""
    from sqlalchemy import create_engine, text

    name = f"vigor_api_bench_{os.getpid()}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def seed(members: int) -> list[tuple[str, int, list[int]]]:
    """`members` members, each with a token and an open workout: (token, session id, set ids)."""
    from vigor_app.services.accounts import accounts, api_tokens
    from vigor_app.services.training import workout_entries, workout_sessions

    made = []
    for i in range(members):
        user = accounts.register(f"api{i}@bench.vigor.test", f"api{i}", PASSWORD).user
        token = api_tokens.create(user.id, "bench", ["read", "write"]).token
        view = workout_sessions.start_freestyle(user.id)
        for exercise in EXERCISES:
            view = workout_entries.add_exercise(user.id, view.id, exercise)
        made.append((token, view.id, [s.id for e in view.entries for s in e.sets]))
    return made


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "vigor_app.api:api", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log", "--lifespan", "off"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
        if server.poll() is not None:
            break
    server.kill()
    raise SystemExit(f"the server did not start: see {log}")


async def drive(base: str, members: list[tuple[str, int, list[int]]], rate: float, seconds: float,
                batch: int = 0) -> tuple[dict[str, list[float]], dict[str, int], set[int], float]:
    """Send rate x seconds requests, open loop; (latencies per kind, errors per kind, the sets
    whose logging was acknowledged, seconds taken). aiohttp, not httpx: the client must cost
    far less CPU than the server it measures, on the same two cores."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    next_set = [0] * len(members)
    acknowledged: set[int] = set()
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(base_url=base, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=30)) as client:

        async def call(method: str, path: str, token: str, body: dict | None = None) -> bool:
            async with client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"}) as answer:
                await answer.read()
                return answer.status == 200

        # One request per member first: connections open, caches warm (not counted).
        await asyncio.gather(*(call("GET", f"sessions/{sid}", token) for token, sid, _sets in members))

        seen: dict[int, str] = {}  # each set's `changed_at` as the phone's copy has it

        async def changes(token: str, session_id: int, sets: list[int], i: int) -> bool:
            """A phone's queue sent at once: `batch` set changes, each with its own key, and as
            the offline log sends them, when it was made and on which version of the set (so
            the server checks each for a change made on another device)."""
            body: dict[str, list[dict]] = {"changes": []}
            for n, set_id in enumerate(sets):
                made = datetime.now(UTC).isoformat(timespec="microseconds")
                body["changes"].append({"key": f"bench-{i}-{n}", "op": "save_set", "set_id": set_id, "reps": 5,
                                        "weight_kg": 60 + n % 20 * 2.5, "made_at": made,
                                        "seen_changed_at": seen.get(set_id)})
                seen[set_id] = made
            async with client.post(f"sessions/{session_id}/changes", json=body,
                                   headers={"Authorization": f"Bearer {token}"}) as answer:
                result = await answer.json() if answer.status == 200 else {}
            return answer.status == 200 and all(a["status"] == 200 for a in result.get("answers", [None]))

        async def one(i: int, due: float) -> None:
            who = i // 2 % len(members)
            token, session_id, set_ids = members[who]
            set_id = 0
            sent_sets: list[int] = []
            if batch:
                who = i % len(members)
                token, session_id, set_ids = members[who]
                sent_sets = [set_ids[n % len(set_ids)] for n in range(batch)]
                kind, request = f"{batch} changes", changes(token, session_id, sent_sets, i)
            elif i % 2 == 0:
                kind, request = "read a workout", call("GET", f"sessions/{session_id}", token)
            else:
                set_id = set_ids[next_set[who] % len(set_ids)]
                next_set[who] += 1
                kind = "log a set"
                request = call("PUT", f"sets/{set_id}", token,
                               {"reps": 5, "weight_kg": 60 + next_set[who] % 20 * 2.5, "rpe": 8})
            try:
                ok = await request
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            latencies[kind].append((time.perf_counter() - due) * 1000)
            if not ok:
                errors[kind] += 1
            else:
                acknowledged.update([set_id] if set_id else sent_sets)

        total = int(rate * seconds)
        started = time.perf_counter()
        tasks = []
        for i in range(total):
            due = started + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, due)))
        await asyncio.gather(*tasks)
        return latencies, errors, acknowledged, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests a second (default 100)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--batch", type=int, default=0,
                        help="send batches of this many set changes instead (the offline queue's endpoint)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="vigor-api-bench-"))
    url = _postgres_database(args.database_url) if args.database_url else f"sqlite:///{workdir / 'vigor.db'}"
    point_the_app_at(url, str(workdir))
    os.environ.update({"API_RATE_PER_MINUTE": "100000"})  # the bench measures speed, not the limits
    from vigor_app import db, startup
    from vigor_app.settings import reload_settings

    reload_settings()
    startup.migrate(url)
    members = seed(args.members)
    db.dispose_engine()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCHEDULER_ENABLED": "false"}
    server = start_server(env, port, workdir / "server.log")
    print(f"Database: {url.split('@')[-1]}; {args.members} members; {args.rate:g} requests/s for "
          f"{args.seconds:g} s, open loop; machine load before: {load_average()}")
    try:
        before_cpu, before_busy = usage(server.pid).cpu_s, machine_busy_s()
        latencies, errors, acknowledged, took = asyncio.run(
            drive(f"http://127.0.0.1:{port}/api/v1/", members, args.rate, args.seconds, args.batch))
        after = usage(server.pid)
        busy = machine_busy_s() - before_busy
    finally:
        server.terminate()
        server.wait(timeout=10)
    sent = sum(len(v) for v in latencies.values())
    print(f"Sent {sent} requests in {took:.1f} s ({sent / took:.1f}/s); server CPU "
          f"{(after.cpu_s - before_cpu) / took * 100:.0f} % of a core, RSS {after.rss_mb:.0f} MB; machine "
          f"{busy / took * 100:.0f} % of a core (all processes, the load generator included); load after: {load_average()}")
    print(f"{'':16}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for kind in sorted(latencies):
        samples = latencies[kind]
        print(f"{kind:16}{percentile(samples, 0.5):9.1f}{percentile(samples, 0.95):9.1f}"
              f"{percentile(samples, 0.99):9.1f}{max(samples):9.1f}{errors[kind]:8d}")
    from sqlmodel import col, func, select

    from vigor_app.models import WorkoutSet

    with db.read_only() as session:
        saved = session.exec(select(func.count()).select_from(WorkoutSet).where(
            col(WorkoutSet.id).in_(acknowledged), WorkoutSet.done)).one()
    print(f"Sets whose logging was acknowledged: {len(acknowledged)}; of them done in the database: {saved}"
          f" (lost: {len(acknowledged) - saved})")
    return 0 if not any(errors.values()) and saved == len(acknowledged) else 1


if __name__ == "__main__":
    sys.exit(main())
