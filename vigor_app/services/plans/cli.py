"""Command line: print a built-in weekly plan for a profile as JSON.

    python -m vigor_app.services.plans.cli --profile profile.json [--seed N]
    python -m vigor_app plan --profile - < profile.json        (the package's entry point)

The profile file is a JSON object with any of: fitness_level, goals, equipment, injuries,
days_per_week, session_minutes, preferred_weekdays. Missing keys take the defaults
(beginner, ["general_fitness"], ["bodyweight"], [], 3, 45, []).

Exit status: 0 with the plan JSON (the stored schema) on stdout; 2 with a message on
stderr for bad arguments, unreadable or invalid JSON, or an unknown key or value (the
message names the key); 1 if the engine ever produced a plan its own validator rejects.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import PlanInputError, Profile
from vigor_app.services.plans.validation import validate_plan

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input; the message is shown to the person."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vigor plan",
        description="Print a built-in weekly training plan for a profile, as JSON.",
    )
    parser.add_argument("--profile", required=True, help='profile JSON file, or "-" for stdin')
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for the plan's choices (default 0)"
    )
    return parser


def _read_profile(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read profile {source!r}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"profile is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError("profile must be a JSON object")
    return data


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status instead of exiting."""
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
        profile = Profile.from_dict(_read_profile(args.profile))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PlanInputError as exc:
        print(f"error: profile key {exc.key!r}: {exc.detail}", file=sys.stderr)
        return EXIT_USAGE
    plan = generate_plan(profile, seed=args.seed).to_dict()
    problems = validate_plan(plan, profile)
    if problems:
        for problem in problems:
            print(f"internal error: {problem}", file=sys.stderr)
        return EXIT_INTERNAL
    sys.stdout.write(json.dumps(plan, indent=2) + "\n")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
