"""The AI gateway's own overhead per request, against a provider that answers at once.

Starts the fake OpenAI-compatible server (tests/fakes/openai_server.py) in its own process,
so its CPU does not share this process's GIL, on a throwaway SQLite database migrated to
head. Then sends requests one at a time through the real gateway and the real openai SDK:

- chat: streamed replies (distinct messages, so no cache hits);
- plan: weekly plans (distinct seeds); the provider echoes the built-in draft, so every
  plan is parsed and validated in full.

For each request, overhead = wall time of the whole gateway call minus the provider call
as the gateway timed it (from the SDK call until the last byte: HTTP round trip and the
SDK's own parsing). What remains is the gateway's work: validation, quota, cache, circuit
and budget reads, the reservation, settlement and the attempt records (two short
transactions, in worker threads), prompt building, and for plans the built-in draft and
the plan validation. Figures: p50 / p95 / max in milliseconds. Target: p95 under 10 ms.
The machine's load average is printed too: on a busy machine the p95 grows.

    .venv/bin/python bench/ai_gateway.py [--requests 500] [--warmup 30]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 10.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _line(label: str, values_ms: list[float]) -> str:
    return (f"  {label:<34} p50 {statistics.median(values_ms):6.2f} ms   "
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


def _prepare(base_url: str) -> int:
    """Migrate, create an admin, a person with room to spare, and one provider."""
    from vigor_app import db, startup
    from vigor_app.models import User
    from vigor_app.services.ai import providers, quotas

    startup.migrate()
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


async def _chat(person_id: int, count: int, warmup: int) -> tuple[list[float], list[float]]:
    from vigor_app.services.ai.gateway import Gateway

    gateway = Gateway()
    totals, overheads = [], []
    for index in range(warmup + count):
        messages = [{"role": "user", "content": f"Question number {index}: how should I warm up?"}]
        started = time.perf_counter()
        last = None
        async for chunk in gateway.stream_chat(person_id, "chat", messages, builtin=lambda: "rest"):
            last = chunk
        total = time.perf_counter() - started
        assert last is not None and last.engine == "Fake", last
        provider = sum(a.latency_s for a in last.attempts)
        if index >= warmup:
            totals.append(total * 1000)
            overheads.append((total - provider) * 1000)
    return totals, overheads


async def _plans(person_id: int, count: int, warmup: int) -> tuple[list[float], list[float]]:
    from vigor_app.services.ai.gateway import Gateway
    from vigor_app.services.plans.request import PlanRequest, Profile

    gateway = Gateway()
    profile = Profile(days_per_week=4, equipment=("dumbbells", "bench"))
    totals, overheads = [], []
    for index in range(warmup + count):
        started = time.perf_counter()
        answer = await gateway.generate_plan(person_id, profile, PlanRequest(), 10_000 + index)
        total = time.perf_counter() - started
        assert answer.engine == "Fake", answer.reason
        provider = sum(a.latency_s for a in answer.attempts)
        if index >= warmup:
            totals.append(total * 1000)
            overheads.append((total - provider) * 1000)
    return totals, overheads


def _engine_times(count: int) -> list[float]:
    from vigor_app.services.plans.engine import generate_plan
    from vigor_app.services.plans.request import PlanRequest, Profile
    from vigor_app.services.plans.validation import validate_plan

    profile = Profile(days_per_week=4, equipment=("dumbbells", "bench"))
    times = []
    for index in range(count):
        started = time.perf_counter()
        plan = generate_plan(profile, PlanRequest(), 10_000 + index).to_dict()
        validate_plan(plan, profile, PlanRequest())
        times.append((time.perf_counter() - started) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="vigor-bench-")
    os.environ.update({"VIGOR_DATA_DIR": data_dir, "DATABASE_URL": "", "SECRET_KEY": "bench-secret-key",
                       "LOG_LEVEL": "WARNING", "AI_CACHE_TTL_SECONDS": "3600"})
    for name in ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "GEMINI_API_KEY", "PERPLEXITY_API_KEY"):
        os.environ.pop(name, None)
    process, base_url = _start_fake_server()
    try:
        person_id = _prepare(base_url)
        chat_total, chat_overhead = asyncio.run(_chat(person_id, args.requests, args.warmup))
        plan_total, plan_overhead = asyncio.run(_plans(person_id, args.requests, args.warmup))
    finally:
        process.terminate()
        process.wait(timeout=10)
    engine = _engine_times(args.requests)

    print(f"AI gateway, {args.requests} sequential requests each (after {args.warmup} warm-up), "
          f"SQLite, fake provider with zero latency in its own process; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("chat (streamed)")
    print(_line("end to end", chat_total))
    print(_line("gateway overhead", chat_overhead))
    print("plan")
    print(_line("end to end", plan_total))
    print(_line("gateway overhead (incl. engine)", plan_overhead))
    print(_line("draft + plan check, measured alone", engine))
    p95 = _percentile(chat_overhead, 0.95)
    verdict = "meets" if p95 < TARGET_P95_MS else "misses"
    print(f"chat overhead p95 {p95:.2f} ms {verdict} the {TARGET_P95_MS:.0f} ms target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
