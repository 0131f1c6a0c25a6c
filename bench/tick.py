"""What a ticked set must do on the server, timed in-process, without Reflex and without a socket.

`bench/load.py` prints the time from a tick to the browser's answer, and beside it the floor: a
bare Reflex counter app answering one event at the same moments. This bench prints the part of
a tick that the floor does not have and that no page design can remove: checking who is asking
(`sessions.resolve`) and saving the set with its record check (`workout_sets.save_set`, one
transaction). Beside them, the other service calls a person's evening sends to the same event
loop: the drafts typed into a set (`keep_draft`, twice per set), reading the open workout
(`open_session`, the log page's load), the dashboard, and a catalogue search.

One person with `--years` of history (tests/seeding.py `seed_history`) in a fresh database
migrated by Alembic; a freestyle workout of 4 exercises x 20 sets; each call is timed
`--runs` times (one warm-up call first), and p50 / p95 / max are printed in milliseconds with
the machine's load average. With `--floor-p95` (the floor's p95 from a `bench/load.py` run)
it also prints what 1.3x of it leaves for a tick beyond the floor, against what the tick's
unavoidable work costs.

    .venv/bin/python bench/tick.py
    .venv/bin/python bench/tick.py --floor-p95 2.5
    .venv/bin/python bench/tick.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from progress import (  # noqa: E402 (this bench's database)
    load_average,
    percentile,
    point_the_app_at,
    throwaway_database,
)
from sqlalchemy.engine import make_url  # noqa: E402

from tests import seeding  # noqa: E402
from vigor_app import startup  # noqa: E402

EXERCISES = ("barbell-back-squat", "barbell-bench-press", "barbell-deadlift", "barbell-row")
SETS = 20  # per exercise: the most a workout allows


def timed(runs: int, call: Callable[[int], object]) -> list[float]:
    call(runs)  # warm-up
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="SQLite file URL or a PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--runs", type=int, default=75, help="calls per case (at most 79: one set each)")
    parser.add_argument("--years", type=float, default=1.0, help="history seeded before the workout")
    parser.add_argument("--floor-p95", type=float, default=None,
                        help="the floor's p95 in ms, as bench/load.py printed it")
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL database")
    args = parser.parse_args()
    args.runs = max(5, min(args.runs, len(EXERCISES) * SETS - 1))

    with tempfile.TemporaryDirectory(prefix="vigor-bench-data-") as data_dir, \
            throwaway_database(args.database_url, args.keep) as url:
        point_the_app_at(url, data_dir)
        startup.migrate(url)

        from vigor_app.services.accounts import accounts, sessions
        from vigor_app.services.training import (
            dashboard,
            workout_entries,
            workout_sessions,
            workout_sets,
            workout_views,
        )

        signed_in = accounts.register("lifter@example.com", "lifter", "Squat-Rack-2026")
        user_id, token = signed_in.user.id, signed_in.token
        seeding.set_profile(user_id, days_per_week=4, units="kg", fitness_level="intermediate")
        report = seeding.seed_history(user_id, years=args.years)
        view = workout_sessions.start_freestyle(user_id)
        for exercise_id in EXERCISES:
            view = workout_entries.add_exercise(user_id, view.id, exercise_id)
        for entry in view.entries:
            for _ in range(len(entry.sets), SETS):
                view = workout_sets.add_set(user_id, entry.id)
        set_ids = [s.id for e in view.entries for s in e.sets]
        print(f"database: {make_url(url).get_backend_name()}; {report.sessions} sessions and "
              f"{report.sets} sets of history; the open workout holds {len(set_ids)} sets")

        def save(i: int) -> object:
            return workout_sets.save_set(user_id, set_ids[i], reps=str(5 + i % 6), weight_kg=str(60 + i % 9 * 2.5),
                                         with_session=False)

        cases: list[tuple[str, Callable[[int], object]]] = [
            ("sessions.resolve (every event: who is asking)", lambda _i: sessions.resolve(token)),
            ("workout_sets.save_set (the tick)", save),
            ("workout_sets.keep_draft (typing, twice a set)",
             lambda i: workout_sets.keep_draft(user_id, set_ids[i], "reps", str(3 + i % 7), weight_unit="kg")),
            ("workout_views.open_session (the log page)", lambda _i: workout_views.open_session(user_id)),
            ("dashboard.summary (the dashboard)", lambda _i: dashboard.summary(user_id)),
            ("workout_entries.find_exercises (a search)",
             lambda i: workout_entries.find_exercises(user_id, ("bench", "squat", "row", "curl", "lunge")[i % 5])),
        ]
        print(f"\nload average at the start: {load_average()}")
        print(f"{'call':<50} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        p95: dict[str, float] = {}
        p50: dict[str, float] = {}
        for label, call in cases:
            samples = timed(args.runs, call)
            p50[label], p95[label] = statistics.median(samples), percentile(samples, 0.95)
            print(f"{label:<50} {p50[label]:8.2f} {p95[label]:8.2f} {max(samples):8.2f}")
        print(f"load average at the end:   {load_average()}")
        tick = [label for label, _ in cases[:2]]
        need50, need95 = sum(p50[k] for k in tick), sum(p95[k] for k in tick)
        print(f"\na tick's unavoidable work (who is asking + the save): p50 {need50:.2f} ms, "
              f"p95 about {need95:.2f} ms (the sum of the two p95s)")
        if args.floor_p95:
            room = 0.3 * args.floor_p95
            print(f"1.3 x the floor's p95 {args.floor_p95:.2f} ms = {1.3 * args.floor_p95:.2f} ms: it leaves "
                  f"{room:.2f} ms beyond the floor for all of a tick's own work; the save alone takes "
                  f"{p50[tick[1]]:.2f} ms at p50 ({p50[tick[1]] / room:.1f}x that room)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
