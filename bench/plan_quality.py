"""How far the built-in engine's plans are from what a coach would sign (the soft rules).

Generates plans for random profiles of every kind (levels, goals, equipment sets,
injuries, 2-6 days, 15-120 minutes; seeded, so runs compare), runs
``soft_rules.soft_violations`` on each and prints, per rule, the share of plans breaking
it - separately for *lifting profiles* (uninjured, 3+ days of 45+ minutes, with loadable
equipment), the same without loadable kit, short weeks and injured people - a few
example messages per rule, the share of lifting items at one set, the plans breaking a
hard rule in their days or any week of their block, the block lengths and how much of week
1's volume the deload keeps, and generation time (a whole block) p50/p95/max.

    .venv/bin/python bench/plan_quality.py [--profiles 1000] [--seed 20261206] [--examples 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vigor_app.services import vocabulary as vocab  # noqa: E402
from vigor_app.services.catalogue.catalogue import load_catalogue  # noqa: E402
from vigor_app.services.plans.engine import generate_plan  # noqa: E402
from vigor_app.services.plans.request import PlanInputs, PlanRequest, Profile, coerce_inputs  # noqa: E402
from vigor_app.services.plans.soft_limits import LOAD_CLASS  # noqa: E402
from vigor_app.services.plans.soft_rules import SOFT_CODES, soft_violations  # noqa: E402
from vigor_app.services.plans.validation import validate_plan  # noqa: E402

LOADABLE = frozenset(LOAD_CLASS)


def random_case(rng: random.Random) -> tuple[Profile, PlanRequest | None, int]:
    """One profile of any kind; about half are uninjured, so both groups are well filled."""
    roll = rng.random()
    if roll < 0.05:
        injuries: list[str] = list(vocab.INJURIES)
    elif roll < 0.55:
        injuries = []
    else:
        injuries = rng.sample(vocab.INJURIES, rng.randint(1, 3))
    kit = rng.sample(vocab.EQUIPMENT, rng.randint(0, len(vocab.EQUIPMENT)))
    if rng.random() < 0.2:
        kit = [e for e in vocab.EQUIPMENT if e != "cardio_machine"]  # a full gym
    profile = Profile(
        fitness_level=rng.choice(vocab.LEVELS),
        goals=rng.sample(vocab.GOALS, rng.randint(1, 3)),
        equipment=kit,
        injuries=injuries,
        days_per_week=rng.randint(2, 6),
        session_minutes=rng.randint(15, 120),
    )
    request = None
    if rng.random() < 0.3:
        request = PlanRequest(
            focus=rng.sample(vocab.FOCUS_AREAS, rng.randint(0, 2)),
            intensity=rng.choice(vocab.INTENSITIES),
        )
    return profile, request, rng.randint(0, 2**31)


GROUPS = ("lifting", "no load", "short", "injured")


def group_of(inputs: PlanInputs) -> str:
    """lifting: uninjured, 3+ days of 45+ min, loadable kit; no load: the same without
    loadable kit; short: uninjured, fewer days or minutes; injured: any injury."""
    if inputs.injuries:
        return "injured"
    if inputs.days_per_week < 3 or inputs.session_minutes < 45:
        return "short"
    return "lifting" if LOADABLE & set(inputs.equipment) else "no load"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args(argv)

    catalogue = load_catalogue()
    rng = random.Random(args.seed)
    cases = [random_case(rng) for _ in range(args.profiles)]
    plans = Counter[str]()
    broken: dict[str, Counter[str]] = {g: Counter() for g in GROUPS}
    examples: dict[str, list[str]] = defaultdict(list)
    lifts = one_set = 0
    hard_broken = 0  # plans (days and every week of the block) breaking a hard rule
    block_weeks: Counter[int] = Counter()
    deload_share: list[float] = []  # deload week's sets over week 1's
    generate_ms: list[float] = []
    for profile, request, seed in cases:
        inputs = coerce_inputs(profile, request)
        group = group_of(inputs)
        t0 = time.perf_counter()
        plan = generate_plan(inputs, seed=seed, catalogue=catalogue).to_dict()
        generate_ms.append((time.perf_counter() - t0) * 1000)
        plans[group] += 1
        hard_broken += bool(validate_plan(plan, inputs, catalogue=catalogue))
        block_weeks[len(plan["weeks"])] += 1
        week_sets = [sum(i["sets"] for d in w["days"] for i in d["exercises"]) for w in plan["weeks"]]
        deload_share.append(week_sets[-1] / week_sets[0])
        found = soft_violations(plan, inputs, catalogue=catalogue)
        for code in {v.code for v in found}:
            broken[group][code] += 1
        broken[group]["any"] += bool(found)
        for violation in found:
            if len(examples[violation.code]) < args.examples:
                if not any(violation.message[:12] in e for e in examples[violation.code]):
                    examples[violation.code].append(violation.message)
        for item in (i for day in plan["days"] for i in day["exercises"]):
            exercise = catalogue.get(item["exercise_id"])
            if exercise.pattern in vocab.STRENGTH_PATTERNS and not exercise.timed:
                lifts += 1
                one_set += item["sets"] == 1

    print(
        f"profiles     {len(cases)} (seed {args.seed}): "
        + ", ".join(f"{plans[g]} {g}" for g in GROUPS)
    )
    print("  lifting: uninjured, 3+ days of 45+ min, loadable kit; no load: the same without")
    print("  loadable kit; short: uninjured, under 3 days or 45 min; injured: any injury")
    print(f"{'rule':<20}" + "".join(f"{g:>10}" for g in GROUPS) + "   (share of plans breaking it)")
    for code in [*SOFT_CODES, "any"]:
        shares = [100 * broken[g][code] / plans[g] if plans[g] else 0.0 for g in GROUPS]
        name = "any soft rule" if code == "any" else code
        print(f"{name:<20}" + "".join(f"{share:>9.1f}%" for share in shares))
    print(f"lifting items at one set: {one_set} of {lifts} ({100 * one_set / max(1, lifts):.1f} %)")
    print(f"plans breaking a hard rule (days or any week of the block): {hard_broken}")
    print("block length: " + ", ".join(f"{n} weeks {block_weeks[n]}" for n in sorted(block_weeks))
          + f"; deload sets / week 1 sets: p5 {percentile(deload_share, 0.05):.2f}, "
          f"p50 {percentile(deload_share, 0.5):.2f}, p95 {percentile(deload_share, 0.95):.2f}")
    print("\nexamples (any group):")
    for code in SOFT_CODES:
        for message in examples.get(code, []):
            print(f"  {code:<19} {message}")
    print(
        f"\ngeneration   p50 {percentile(generate_ms, 0.5):.2f} ms   "
        f"p95 {percentile(generate_ms, 0.95):.2f} ms   max {max(generate_ms):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
