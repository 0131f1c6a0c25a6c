"""Speed of the built-in plan engine and of the plan validator.

Generates plans for 1,000 random profiles and requests (seeded, so runs compare) and
prints p50/p95/max of generation time and, separately, of validation time. The cold
catalogue load is timed on its own and excluded from the per-plan figures.

    .venv/bin/python bench/plan_engine.py [--profiles 1000] [--seed 20261122]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vigor_app.services.catalogue.catalogue import load_catalogue  # noqa: E402
from vigor_app.services.plans.engine import generate_plan  # noqa: E402
from vigor_app.services.plans.request import PlanRequest, Profile  # noqa: E402
from vigor_app.services.plans.validation import validate_plan  # noqa: E402
from vigor_app.services.vocabulary import (  # noqa: E402
    EQUIPMENT,
    FOCUS_AREAS,
    GOALS,
    INJURIES,
    INTENSITIES,
    LEVELS,
    WEEKDAYS,
)

BUDGET_MS = 20.0


def random_case(rng: random.Random) -> tuple[Profile, PlanRequest | None, int]:
    injuries = (
        list(INJURIES)
        if rng.random() < 0.05
        else rng.sample(INJURIES, rng.choice([0, 0, 0, 1, 2, 3]))
    )
    profile = Profile(
        fitness_level=rng.choice(LEVELS),
        goals=rng.sample(GOALS, rng.randint(1, 3)),
        equipment=rng.sample(EQUIPMENT, rng.randint(0, len(EQUIPMENT))),
        injuries=injuries,
        days_per_week=rng.randint(2, 6),
        session_minutes=rng.randint(15, 120),
        preferred_weekdays=rng.sample(WEEKDAYS, rng.randint(1, 7)) if rng.random() < 0.25 else (),
    )
    request = None
    if rng.random() < 0.5:
        request = PlanRequest(
            focus=rng.sample(FOCUS_AREAS, rng.randint(0, 2)),
            intensity=rng.choice(INTENSITIES),
        )
    return profile, request, rng.randint(0, 2**31)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label:<12} p50 {percentile(samples, 0.50):6.2f} ms   p95 {percentile(samples, 0.95):6.2f} ms"
        f"   max {max(samples):6.2f} ms   mean {statistics.fmean(samples):6.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    catalogue = load_catalogue()
    print(
        f"catalogue    {len(catalogue)} exercises loaded and checked in "
        f"{(time.perf_counter() - start) * 1000:.1f} ms (once per process)"
    )

    rng = random.Random(args.seed)
    cases = [random_case(rng) for _ in range(args.profiles)]
    generate_ms: list[float] = []
    validate_ms: list[float] = []
    invalid = 0
    for profile, request, seed in cases:
        t0 = time.perf_counter()
        plan = generate_plan(profile, request, seed).to_dict()
        t1 = time.perf_counter()
        violations = validate_plan(plan, profile, request)
        t2 = time.perf_counter()
        generate_ms.append((t1 - t0) * 1000)
        validate_ms.append((t2 - t1) * 1000)
        invalid += bool(violations)

    print(f"plans        {len(cases)} random profiles (seed {args.seed}), {invalid} invalid")
    report("generation", generate_ms)
    report("validation", validate_ms)
    p95 = percentile(generate_ms, 0.95)
    verdict = "within" if p95 < BUDGET_MS else "OVER"
    print(f"budget       p95 generation {p95:.2f} ms is {verdict} the {BUDGET_MS:.0f} ms budget")
    return 0 if invalid == 0 and p95 < BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
