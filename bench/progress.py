"""Speed of the dashboard and the progress charts for a person with years of history.

Seeds ONE person with five years of training (about 1,500 sessions and 40,000 sets: lifts
with warm-up ramps, drop sets and sets to failure, a weekly run and a weekly row with distance
and time; records, body metrics and an active plan; tests/seeding.py `seed_history`) into a
fresh database migrated by Alembic, then times the dashboard summary, each progress query
(strength and cardio) and the next-session suggestion (`--runs` calls each, after one warm-up
call) and prints p50, p95 and max in milliseconds against the 150 ms budget, and every one of
them (the dashboard and the suggestion included) against the 20 ms read target of issue #20.
The machine's load average (1, 5 and 15 minutes) is printed when the timing starts and when it
ends: on a shared machine the figures say little without it.

    .venv/bin/python bench/progress.py                      # SQLite file in a temp directory
    .venv/bin/python bench/progress.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With a PostgreSQL URL the named database is only used to create a throwaway database
(``vigor_bench_<random>``) next to it, which is dropped at the end (`--keep` keeps it).
After seeding, PostgreSQL gets a VACUUM ANALYZE: what autovacuum does soon after a bulk load
(since PostgreSQL 13 it vacuums after inserts too, which marks the pages all-visible, so that
a query can be answered from an index alone), and the state years of history are in; without
it autovacuum would start in the middle of the timing. SQLite is measured as the app runs
it, without ANALYZE statistics.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests import seeding  # noqa: E402
from vigor_app import db, startup  # noqa: E402
from vigor_app.clock import utcnow  # noqa: E402
from vigor_app.settings import reload_settings  # noqa: E402

BUDGET_MS = 150.0
READ_TARGET_MS = 20.0  # every timed read (the dashboard and the suggestion too), p95
TIMEZONE = "Europe/Berlin"


@contextmanager
def throwaway_database(url: str | None, keep: bool) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database."""
    if url is None or make_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="vigor-bench-") as directory:
            yield url or f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    import psycopg
    from psycopg import sql

    parsed = make_url(url)
    name = f"vigor_bench_{secrets.token_hex(4)}"
    connect = {"host": parsed.host or "127.0.0.1", "port": parsed.port or 5432,
               "user": parsed.username or "postgres", "dbname": parsed.database or "postgres",
               "password": parsed.password, "autocommit": True, "connect_timeout": 5}
    with psycopg.connect(**connect) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        db.dispose_engine()
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(**connect) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))


def point_the_app_at(url: str, data_dir: str) -> None:
    """The app's settings and database engine on `url`, its files under `data_dir`."""
    os.environ.update({"DATABASE_URL": url, "VIGOR_DATA_DIR": data_dir,
                       "SECRET_KEY": "bench-secret-key-not-for-production"})
    reload_settings()
    db.dispose_engine()


def timed(runs: int, call: Callable[[], Any]) -> tuple[list[float], Any]:
    result = call()  # warm-up: caches, prepared plans, the catalogue
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes (processes running or waiting to)."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


def size_of(result: Any) -> str:
    points = getattr(result, "points", None)
    if points is not None:
        return f"{len(points)} points"
    if isinstance(result, list):
        return f"{len(result)} rows"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="SQLite file URL or a PostgreSQL server URL (default: temp SQLite)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vigor-bench-data-") as data_dir, \
            throwaway_database(args.database_url, args.keep) as url:
        point_the_app_at(url, data_dir)
        backend = make_url(url).get_backend_name()

        started = time.perf_counter()
        startup.migrate(url)
        migrated = time.perf_counter() - started

        from vigor_app.services.accounts import accounts
        from vigor_app.services.training import (
            body_metrics,
            cardio_progress,
            dashboard,
            progress,
            suggestions,
        )

        user_id = accounts.register("lifter@example.com", "lifter", "Squat-Rack-2026").user.id
        seeding.set_profile(user_id, timezone=TIMEZONE, days_per_week=5, units="kg",
                            fitness_level="advanced")
        started = time.perf_counter()
        report = seeding.seed_history(user_id, years=args.years, timezone=TIMEZONE)
        seeded = time.perf_counter() - started
        if backend == "postgresql":  # VACUUM runs outside a transaction
            with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))

        print(f"database: {backend}   migrate {migrated:.1f} s   seed {seeded:.1f} s")
        print(f"seeded: {report.sessions} sessions, {report.exercises} exercise entries, "
              f"{report.sets} sets, {report.records} records, {report.body_metrics} body metrics "
              f"({report.first_day} .. {report.last_day})")
        print(f"        of the sets: {report.warmup_sets} warm-ups, {report.drop_sets} drop sets, "
              f"{report.failure_sets} to failure, {report.cardio_sets} runs and rows")

        now = utcnow()
        options = progress.exercise_options(user_id)
        top = options[0].exercise_id
        run = next((o.exercise_id for o in options if o.exercise_id == seeding.RUN),
                   next(o.exercise_id for o in options if o.distance))
        year_ago = now - timedelta(days=365)
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("dashboard.summary", lambda: dashboard.summary(user_id, now=now)),
            ("progress.exercise_options", lambda: progress.exercise_options(user_id)),
            (f"progress.strength_series ({top}, all)",
             lambda: progress.strength_series(user_id, top)),
            (f"progress.strength_series ({top}, 1 year)",
             lambda: progress.strength_series(user_id, top, since=year_ago)),
            ("progress.weekly_volume_by_muscle (12 weeks)",
             lambda: progress.weekly_volume_by_muscle(user_id, weeks=12, now=now)),
            ("progress.weekly_volume_by_muscle (52 weeks)",
             lambda: progress.weekly_volume_by_muscle(user_id, weeks=52, now=now)),
            ("progress.sessions_per_week (12 weeks)",
             lambda: progress.sessions_per_week(user_id, weeks=12, now=now)),
            (f"cardio_progress.cardio_series ({run}, all)",
             lambda: cardio_progress.cardio_series(user_id, run)),
            (f"cardio_progress.cardio_series ({run}, 1 year)",
             lambda: cardio_progress.cardio_series(user_id, run, since=year_ago)),
            (f"cardio_progress.distance_totals ({run})",
             lambda: cardio_progress.distance_totals(user_id, run, now=now)),
            ("body_metrics.body_series", lambda: body_metrics.body_series(user_id)),
            ("progress.records_list (20)", lambda: progress.records_list(user_id, 20)),
            (f"suggestions.next_targets ({top})",
             lambda: suggestions.next_targets(user_id, top, "5-8", 8.0)),
        ]
        print(f"\nload average at the start: {load_average()}")
        print(f"{'query':<56} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  result")
        worst = 0.0
        slow_reads = []
        for label, call in cases:
            samples, result = timed(args.runs, call)
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            worst = max(worst, p95)
            if p95 >= READ_TARGET_MS:
                slow_reads.append(label)
            print(f"{label:<56} {p50:8.2f} {p95:8.2f} {max(samples):8.2f}  {size_of(result)}"
                  + (f"  (over {READ_TARGET_MS:.0f} ms)" if p95 >= READ_TARGET_MS else ""))
        print(f"load average at the end:   {load_average()}")
        summary = dashboard.summary(user_id, now=now)
        today = summary.today_plan
        print(f"\ndashboard: today {summary.today} -> "
              f"{f'{today.name} (plan {today.plan_id}, day {today.day_index})' if today else 'no plan day'}; "
              f"streak {summary.current_streak} (longest {summary.longest_streak}); "
              f"this week {summary.week_sessions}/{summary.week_target}; "
              f"{summary.total_workouts} workouts; {len(summary.recent_records)} recent records")
        verdict = "within" if worst < BUDGET_MS else "OVER"
        print(f"worst p95 {worst:.2f} ms: {verdict} the {BUDGET_MS:.0f} ms budget "
              f"({args.runs} runs each, {os.cpu_count()} CPUs)")
        print(f"reads at or over {READ_TARGET_MS:.0f} ms p95: "
              + (", ".join(slow_reads) if slow_reads else "none"))
        db.dispose_engine()
        return 0 if worst < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
