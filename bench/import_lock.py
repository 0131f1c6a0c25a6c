"""Does one member's import lock the others out? Time a maximum-size import while another
member saves sets, and count how those saves went.

A fresh SQLite database (migrated by Alembic) gets two members. The importer's file is as big
as an import may be: ``import_files.MAX_ROWS`` rows (Strong format) padded with notes to just
under ``MAX_BYTES``, with ``MAX_NEW_CUSTOM_EXERCISES`` names that match nothing (they become
custom exercises) and catalogue names for the rest. The import runs in one process (a worker) while another process (a second
worker) has the other member tick a set every ``--interval`` ms until the import ends. The
two processes share nothing but the database, as two Granian workers do.

    .venv/bin/python bench/import_lock.py
    .venv/bin/python bench/import_lock.py --distinct 50000   # the reported file: 50,000 names

Prints the file's size and rows, the import time and its outcome, and the saves made during
it: how many succeeded and failed, and how long they took (p50, p95, max).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "Squat-Rack-2026"  # noqa: S105 (the two bench members' password)
CATALOGUE_NAMES = ("Bench Press (Barbell)", "Squat (Barbell)", "Deadlift (Barbell)", "Pull Up",
                   "Overhead Press (Barbell)", "Plank", "Lat Pulldown (Cable)", "Bicep Curl (Dumbbell)")


def _environment(url: str, data_dir: str) -> None:
    os.environ.update({"DATABASE_URL": url, "VIGOR_DATA_DIR": data_dir,
                       "SECRET_KEY": "bench-secret-key-not-for-production",
                       "REFLEX_TELEMETRY_ENABLED": "false"})
    from vigor_app import db
    from vigor_app.settings import reload_settings

    reload_settings()
    db.dispose_engine()


def build_file(rows: int, distinct: int, size: int, sets_per_session: int = 25) -> str:
    """A Strong export: `rows` sets in sessions of `sets_per_session`, `distinct` names that
    match nothing, padded with set notes to just under `size` bytes."""
    from datetime import datetime, timedelta

    lines = []
    start = datetime(2015, 1, 1, 7, 30)
    for row in range(rows):
        day = start + timedelta(days=row // sets_per_session)
        if row < distinct:
            name = f"Imported move {row:05d}"
        else:
            name = CATALOGUE_NAMES[row % len(CATALOGUE_NAMES)]
        lines.append(f"{day:%Y-%m-%d %H:%M:%S},Session {row // sets_per_session},55m,{name},"
                     f"{row % sets_per_session + 1},{40 + row % 60},{5 + row % 8},")
    header = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Notes\n"
    used = len(header) + sum(len(line) + 1 for line in lines)
    pad = max(0, (size - 1024 - used) // max(1, rows))
    note = ("felt solid, kept the rest short " * (pad // 32 + 1))[:pad].replace(",", ";")
    return header + "".join(f"{line}{note}\n" for line in lines)


def run_import(url: str, data_dir: str, user_id: int, text: str, started, done, results) -> None:
    _environment(url, data_dir)
    from vigor_app.services.catalogue import exercise_names
    from vigor_app.services.errors import VigorError
    from vigor_app.services.your_data import importer as data_import

    exercise_names.catalogue_index()  # warm, as a running server is
    started.wait()
    began = time.perf_counter()
    try:
        report = data_import.import_csv(user_id, text)
        outcome = f"imported {report.sessions} sessions, {report.sets} sets, {report.custom_exercises} custom exercises"
    except VigorError as exc:
        outcome = f"refused: {exc.message[:160]}"
    except Exception as exc:  # noqa: BLE001 - the figure to report
        outcome = f"FAILED: {type(exc).__name__}: {str(exc)[:160]}"
    results.put(("import", time.perf_counter() - began, outcome))
    done.set()


def run_saves(url: str, data_dir: str, user_id: int, set_ids: list[int], interval: float,
              started, done, results) -> None:
    _environment(url, data_dir)
    from vigor_app.services.training import workout_sets

    workout_sets.save_set(user_id, set_ids[0], reps=5, weight_kg=60, done=True)  # warm
    ok, failed, waits, errors = 0, 0, [], {}
    started.set()
    turn = 0
    while not done.is_set():
        set_id = set_ids[turn % len(set_ids)]
        turn += 1
        began = time.perf_counter()
        try:
            workout_sets.save_set(user_id, set_id, reps=5 + turn % 5, weight_kg=60, done=True)
            ok += 1
        except Exception as exc:  # noqa: BLE001 - counted
            failed += 1
            errors[str(exc).splitlines()[0][:80]] = errors.get(str(exc).splitlines()[0][:80], 0) + 1
        waits.append((time.perf_counter() - began) * 1000)
        time.sleep(interval)
    results.put(("saves", ok, failed, waits, errors))


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="rows in the file (default: the maximum)")
    parser.add_argument("--distinct", type=int, default=None,
                        help="names that match nothing (default: the most one import may create)")
    parser.add_argument("--interval", type=float, default=20.0, help="ms between two saves")
    args = parser.parse_args()

    from vigor_app.services.your_data import import_files
    from vigor_app.services.your_data import importer as data_import

    rows = args.rows or import_files.MAX_ROWS
    distinct = data_import.MAX_NEW_CUSTOM_EXERCISES if args.distinct is None else args.distinct
    text = build_file(rows, distinct, import_files.MAX_BYTES)
    size = len(text.encode())

    with tempfile.TemporaryDirectory(prefix="vigor-bench-import-") as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        _environment(url, directory)
        from vigor_app import db, startup
        from vigor_app.services.accounts import accounts
        from vigor_app.services.training import workout_entries, workout_sessions, workout_sets

        startup.migrate(url)
        importer = accounts.register("importer@example.com", "importer", PASSWORD).user.id
        member = accounts.register("member@example.com", "member", PASSWORD).user.id
        view = workout_sessions.start_freestyle(member, "Evening")
        view = workout_entries.add_exercise(member, view.id, "push-up")
        for _ in range(5):
            view = workout_sets.add_set(member, view.entries[0].id)
        set_ids = [s.id for s in view.entries[0].sets]
        db.dispose_engine()

        context = mp.get_context("spawn")
        started, done, results = context.Event(), context.Event(), context.Queue()
        saver = context.Process(target=run_saves, args=(url, directory, member, set_ids,
                                                        args.interval / 1000, started, done, results))
        loader = context.Process(target=run_import, args=(url, directory, importer, text, started,
                                                          done, results))
        saver.start()
        loader.start()
        found = dict((item[0], item[1:]) for item in (results.get(timeout=600), results.get(timeout=600)))
        loader.join()
        saver.join()

    seconds, outcome = found["import"]
    ok, failed, waits, errors = found["saves"]
    print(f"file: {rows:,} rows, {distinct:,} names matching nothing, {size / 1024 / 1024:.2f} MB "
          f"(limits: {import_files.MAX_ROWS:,} rows, {import_files.MAX_BYTES / 1024 / 1024:.0f} MB, "
          f"{data_import.MAX_NEW_CUSTOM_EXERCISES} new custom exercises)")
    print(f"import: {seconds:.2f} s, {outcome}")
    print(f"another member's set saves during it (one every {args.interval:g} ms): "
          f"{ok} ok, {failed} failed")
    if waits:
        print(f"  save time ms: p50 {statistics.median(waits):.1f}, p95 {percentile(waits, 0.95):.1f}, "
              f"max {max(waits):.1f}")
    for message, count in errors.items():
        print(f"  {count} x {message}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
