"""How many passwords get checked when wrong sign-ins for one account race each other?

A fresh database (SQLite, and PostgreSQL at 127.0.0.1:5432 when it is reachable) gets one
member; then ``--racers`` threads, released together, each sign in with a wrong password, first
all typing the username, then mixing the username, the e-mail and the username in capitals.
A password check is a recorded attempt: an attempt refused by the throttle is not recorded and
never reaches argon2 (this holds for earlier versions too, so the bench runs on them). The
limit is LOGIN_MAX_FAILURES (5).

    .venv/bin/python bench/sign_in_race.py [--racers 40]

Prints, per database and case, the password checks and the outcomes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "Squat-Rack-2026"  # noqa: S105 (the bench member's password)


def run(url: str, logins: list[str], racers: int) -> tuple[int, Counter]:
    from sqlmodel import func, select

    from vigor_app import db, startup
    from vigor_app.models import LoginAttempt
    from vigor_app.services.accounts import accounts
    from vigor_app.services.errors import VigorError
    from vigor_app.settings import reload_settings

    os.environ["DATABASE_URL"] = url
    reload_settings()
    db.dispose_engine()
    startup.migrate(url)
    accounts.register("dave@example.com", "dave", PASSWORD)
    start, outcomes, lock = threading.Barrier(racers), Counter(), threading.Lock()

    def racer(i: int) -> None:
        start.wait()
        try:
            accounts.sign_in(logins[i % len(logins)], "Wrong-Password-0", client_ip=f"10.0.{i // 250}.{i % 250}")
            outcome = "signed in"
        except VigorError as exc:
            outcome = type(exc).__name__
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.read_only() as session:
        checks = session.exec(select(func.count()).select_from(LoginAttempt)).one()
    db.dispose_engine()
    return checks, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--racers", type=int, default=40)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="vigor-sign-in-race-")
    os.environ.update({"VIGOR_DATA_DIR": data_dir, "SECRET_KEY": "bench-secret-key-not-for-production",
                       "REFLEX_TELEMETRY_ENABLED": "false"})
    cases = {"one name": ["dave"], "name, e-mail, NAME": ["dave", "dave@example.com", "DAVE"]}
    for number, (case, logins) in enumerate(cases.items()):
        checks, outcomes = run(f"sqlite:///{data_dir}/race-{number}.db", logins, args.racers)
        print(f"SQLite      {case:<20} {args.racers} racers: {checks} password checks  {dict(outcomes)}")

    import pytest

    from tests.postgres import throwaway_database

    for case, logins in cases.items():
        try:
            with throwaway_database("vigor_sign_in_race") as url:
                checks, outcomes = run(url, logins, args.racers)
        except pytest.skip.Exception as exc:
            print(f"PostgreSQL skipped: {exc}")
            return
        print(f"PostgreSQL  {case:<20} {args.racers} racers: {checks} password checks  {dict(outcomes)}")


if __name__ == "__main__":
    main()
