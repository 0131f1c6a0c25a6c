"""The AI gateway's own cost per request, side by side with calling the openai SDK directly.

Starts the fake OpenAI-compatible server (tests/fakes/openai_server.py) in its own process,
so its CPU does not share this process's GIL; the provider answers at once. Then, on a
throwaway SQLite database and (when reachable) a throwaway PostgreSQL database, both
migrated to head, sends requests one at a time, alternating the two paths so both see the
same machine:

- **direct**: the real openai SDK, straight to the server, with the very messages the
  gateway would send (a streamed chat read to its end; a plan answered in one response);
- **gateway**: the same request through the real gateway: quota, cache, budgets, circuit,
  reservation, the call, the safety screen and length cap on the relayed text, settlement
  and the attempt records (two short transactions, in worker threads).

Chat: overhead = gateway p95 - direct p95, ratio = gateway p95 / direct p95. Targets:
overhead under 5 ms and ratio under 1.5x on SQLite; under 10 ms and 2x on PostgreSQL.
Plans: the built-in draft with the prompt (``ai_plans.job``) and the plan check
(``judge``: every rule and the text rules) are timed alone and reported apart from the
gateway's own work (= gateway - direct - draft - check). The machine's load average is
printed too: on a busy machine every figure grows.

    .venv/bin/python bench/ai_gateway.py [--requests 300] [--warmup 30] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"sqlite": (5.0, 1.5), "postgresql": (10.0, 2.0)}  # chat: p95 overhead ms, p95 ratio


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _line(label: str, values_ms: list[float]) -> str:
    return (f"  {label:<38} p50 {statistics.median(values_ms):6.2f} ms   "
            f"p95 {_percentile(values_ms, 0.95):6.2f} ms   max {max(values_ms):7.2f} ms")


def _start_fake_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--echo-draft"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise RuntimeError("the fake OpenAI server did not start")
    return process, json.loads(line)["base_url"]


@contextmanager
def _database(kind: str) -> Iterator[str]:
    """A migrated throwaway database of `kind`, which DATABASE_URL points at."""
    from vigor_app import db, startup
    from vigor_app.settings import reload_settings

    if kind == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='vigor-bench-')}/vigor.db"
        context = None
    else:
        from tests.postgres import throwaway_database

        context = throwaway_database("vigor_bench")
        url = context.__enter__()
    try:
        os.environ["DATABASE_URL"] = url
        reload_settings()
        db.dispose_engine()
        startup.migrate(url)
        yield url
    finally:
        db.dispose_engine()
        if context is not None:
            context.__exit__(None, None, None)


def _prepare(base_url: str) -> int:
    """An admin, a person with room to spare, and one provider; returns the person's id."""
    from vigor_app import db
    from vigor_app.models import User
    from vigor_app.services.ai import providers, quotas

    with db.transaction() as session:
        admin = User(email="boss@example.com", username="boss", username_key="boss", role="admin")
        person = User(email="ada@example.com", username="ada", username_key="ada", tier="unlimited")
        session.add_all([admin, person])
        session.flush()
        admin_id, person_id = admin.id or 0, person.id or 0
    quotas.set_tier_limits(admin_id, "unlimited", daily=1_000_000, weekly=1_000_000,
                           monthly=1_000_000, monthly_budget_micros=10**12)
    providers.create_provider(admin_id, providers.ProviderInput(
        name="Fake", kind="openai_compatible", model="fake-model", base_url=base_url,
        api_key="sk-bench-0123456789abcdef", input_price_micros=150_000,
        output_price_micros=600_000, timeout_seconds=10.0))
    return person_id


async def _timed(run: Callable, into: list[float]) -> None:
    started = time.perf_counter()
    await run()
    into.append((time.perf_counter() - started) * 1000)


async def _chat(base_url: str, person_id: int, count: int, warmup: int) -> tuple[list, list, int]:
    from openai import AsyncOpenAI

    from vigor_app.services.ai import prompts
    from vigor_app.services.ai.gateway import Gateway

    gateway = Gateway()
    client = AsyncOpenAI(base_url=base_url, api_key="sk-bench-0123456789abcdef", max_retries=0)
    direct_ms: list[float] = []
    gateway_ms: list[float] = []

    def question(index: int) -> list[dict[str, str]]:
        return [{"role": "user", "content": f"Question number {index}: how should I warm up?"}]

    async def direct(index: int) -> None:
        stream = await client.chat.completions.create(
            model="fake-model", messages=prompts.chat_messages("chat", question(index), ""),
            stream=True, stream_options={"include_usage": True}, max_tokens=800)
        async for _ in stream:
            pass

    async def through(index: int) -> None:
        last = None
        async for chunk in gateway.stream_chat(person_id, "chat", question(index),
                                               builtin=lambda: "rest"):
            last = chunk
        assert last is not None and last.engine == "Fake", last

    for index in range(warmup + count):
        keep = index >= warmup
        await _timed(lambda i=index: direct(i), direct_ms if keep else [])
        await _timed(lambda i=index: through(i), gateway_ms if keep else [])
    await client.close()
    return direct_ms, gateway_ms, await _statements(lambda: through(warmup + count))


async def _statements(run: Callable) -> int:
    """How many SQL statements one request sends to the database (BEGIN/COMMIT not counted)."""
    from sqlalchemy import event

    from vigor_app import db

    seen: list[str] = []

    def count(*_: object) -> None:
        seen.append("")

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        await run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


async def _plans(base_url: str, person_id: int, count: int, warmup: int) -> dict[str, list[float]]:
    from openai import AsyncOpenAI

    from vigor_app.services.ai.gateway import Gateway
    from vigor_app.services.plans import ai_plans
    from vigor_app.services.plans.request import PlanRequest, Profile

    gateway = Gateway()
    client = AsyncOpenAI(base_url=base_url, api_key="sk-bench-0123456789abcdef", max_retries=0)
    profile = Profile(days_per_week=4, equipment=("dumbbells", "bench"))
    times: dict[str, list[float]] = {"direct": [], "gateway": [], "draft": [], "check": []}
    for index in range(warmup + count):
        seed = 10_000 + index
        keep = index >= warmup
        started = time.perf_counter()
        job = ai_plans.job(profile, PlanRequest(), seed)
        drafted = time.perf_counter()
        response = await client.chat.completions.create(model="fake-model", messages=job.messages,
                                                        max_tokens=8192)
        called = time.perf_counter()
        verdict = job.judge(json.loads(response.choices[0].message.content or "{}"), "Fake")
        checked = time.perf_counter()
        assert verdict.plan is not None, verdict.problem
        answer_started = time.perf_counter()
        answer = await ai_plans.generate(person_id, profile, PlanRequest(), seed + 1_000_000,
                                         gateway=gateway)
        finished = time.perf_counter()
        assert answer.engine == "Fake", answer.reason
        if keep:
            times["draft"].append((drafted - started) * 1000)
            times["direct"].append((called - drafted) * 1000)
            times["check"].append((checked - called) * 1000)
            times["gateway"].append((finished - answer_started) * 1000)
    await client.close()
    return times


def _report(kind: str, chat: tuple[list, list, int], plans: dict[str, list[float]]) -> bool:
    direct, through, statements = chat
    p95_direct, p95_gateway = _percentile(direct, 0.95), _percentile(through, 0.95)
    overhead, ratio = p95_gateway - p95_direct, p95_gateway / p95_direct
    target_ms, target_ratio = TARGETS[kind]
    met = overhead < target_ms and ratio < target_ratio
    print(f"{kind}: chat (streamed, read to the end)")
    print(_line("direct openai SDK", direct))
    print(_line("through the gateway", through))
    print(f"  SQL statements for one chat request: {statements}")
    print(f"  p95 overhead {overhead:.2f} ms (target < {target_ms:g}), ratio {ratio:.2f}x "
          f"(target < {target_ratio:g}x): {'meets' if met else 'misses'} the targets")
    own = [g - d - r - c for g, d, r, c in zip(plans["gateway"], plans["direct"], plans["draft"],
                                              plans["check"], strict=True)]
    print(f"{kind}: plan (one response, the provider echoes the draft)")
    print(_line("direct openai SDK", plans["direct"]))
    print(_line("through the gateway, in all", plans["gateway"]))
    print(_line("  built-in draft + prompt (ai_plans.job)", plans["draft"]))
    print(_line("  plan check (every rule, text rules)", plans["check"]))
    print(_line("  the gateway's own work", own))
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)

    os.environ.update({"VIGOR_DATA_DIR": tempfile.mkdtemp(prefix="vigor-bench-"),
                       "SECRET_KEY": "bench-secret-key", "LOG_LEVEL": "WARNING",
                       "AI_CACHE_TTL_SECONDS": "3600"})
    for name in ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "GEMINI_API_KEY", "PERPLEXITY_API_KEY"):
        os.environ.pop(name, None)
    kinds = ["sqlite"]
    if not args.no_postgres:
        from tests.postgres import UNREACHABLE, admin_login

        if admin_login() is None:
            print(f"postgresql: skipped: {UNREACHABLE}")
        else:
            kinds.append("postgresql")
    process, base_url = _start_fake_server()
    results = []
    try:
        print(f"AI gateway against the openai SDK alone: {args.requests} requests each (after "
              f"{args.warmup} warm-up), one at a time, fake provider with zero latency in its own "
              f"process; {os.cpu_count()} CPUs")
        for kind in kinds:
            with _database(kind):
                person_id = _prepare(base_url)
                chat = asyncio.run(_chat(base_url, person_id, args.requests, args.warmup))
                plans = asyncio.run(_plans(base_url, person_id, args.requests // 3 or 1,
                                           args.warmup // 3))
                results.append(_report(kind, chat, plans))
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"load average {os.getloadavg()[0]:.1f} after the run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
