"""Speed of the AI-text safety screen on long adversarial text (no catastrophic backtracking).

An AI reply or plan field is screened before anyone sees it (`safety.advice_screen`); a rule
that backtracks badly would stall a reply for seconds on a long text. For each adversarial unit
it builds a 10,000-character text by repetition, screens it as written and with every space
turned into a sentence break, `--runs` times, and prints the median and the worst in
milliseconds against the 500 ms budget.

    .venv/bin/python bench/advice_screen.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.test_coach_safety_advice import ADVERSARIAL_UNITS as UNITS  # noqa: E402
from vigor_app.services.safety.advice_screen import screen_advice  # noqa: E402

BUDGET_MS = 500.0
LENGTH = 10_000


def long_text(unit: str) -> str:
    return (unit * (LENGTH // len(unit) + 1))[:LENGTH]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    worst_overall = 0.0
    print(f"{'unit':34} {'median ms':>10} {'max ms':>8}")
    for unit in UNITS:
        text = long_text(unit)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            screen_advice(text)
            screen_advice(text.replace(" ", ". "))
            times.append((time.perf_counter() - started) * 1000)
        worst_overall = max(worst_overall, max(times))
        print(f"{unit[:32]!r:34} {statistics.median(times):10.1f} {max(times):8.1f}")
    verdict = "within" if worst_overall < BUDGET_MS else "OVER"
    print(f"worst {worst_overall:.1f} ms per 10,000-character text (both forms): {verdict} the {BUDGET_MS:.0f} ms budget")
    return 0 if worst_overall < BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
