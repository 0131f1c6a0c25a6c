"""`python -m tests.coach_eval [--misses]`: the coach evaluation on a throwaway database.

Prints the figures (see ``evaluation``) and, with ``--misses`` or when a floor is missed,
every question answered wrongly; exits 1 when a floor is not reached.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="vigor-coach-eval-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'eval.db'}"
        os.environ.setdefault("SECRET_KEY", "coach-evaluation-only")
        os.environ["VIGOR_DATA_DIR"] = folder
        from vigor_app import db, startup
        from vigor_app.settings import reload_settings

        reload_settings()
        db.dispose_engine()
        startup.migrate(os.environ["DATABASE_URL"])
        from tests.coach_eval import evaluation

        started = time.perf_counter()
        questions = evaluation.load_questions()
        result = evaluation.run(questions)
        elapsed = time.perf_counter() - started
        db.dispose_engine()
    print("Coach evaluation (tests/coach_eval/questions.jsonl, built-in coach)")
    print(result.figures())
    print(f"time:             {elapsed:.1f} s ({elapsed / max(1, result.asked) * 1000:.0f} ms a question)")
    if "--misses" in argv or not result.passed:
        for miss in result.misses:
            print("  " + miss)
    print("PASS" if result.passed else "FAIL: a floor is not reached")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
