"""Speed of the exercise search (the library, the log page's "add an exercise", the importer).

Runs each query of a fixed list (what people type: shorthand, run-together words, typos) over
the bundled catalogue and prints, per query, p50/p95 over the runs and the first hit.

    .venv/bin/python bench/exercise_search.py [--runs 50]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vigor_app.services.catalogue.catalogue import load_catalogue  # noqa: E402

QUERIES = ("pull up", "pullup", "chin up", "push up", "RDL", "OHP", "benchpres", "bnech press", "squat",
           "deadlift", "db row", "plank", "curl", "press")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    catalogue = load_catalogue()
    catalogue.search("warm up")  # the ranking order is built once per process
    worst = 0.0
    print(f"{len(catalogue.exercises)} exercises, {args.runs} runs per query")
    for query in QUERIES:
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            found = catalogue.search(query)
            times.append((time.perf_counter() - started) * 1000)
        worst = max(worst, percentile(times, 0.95))
        first = found[0].name if found else "-"
        print(f"{query!r:15} p50 {percentile(times, 0.5):5.2f} ms   p95 {percentile(times, 0.95):5.2f} ms   "
              f"{len(found):3d} hits, first {first}")
    print(f"worst p95 {worst:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
