"""`python -m vigor_app <command>`: the operator's command line.

  migrate                                   bring the database schema up to date
  create-admin --email E --password P       make (or promote) an administrator
  plan --profile profile.json [--seed N]    print a weekly plan as JSON
  import-check FILE [--units kg|lb]          what a Strong, Hevy or Vigor export holds, as
                                            JSON, without writing anything (exit 2: refused)
  coach --data EXPORT.json (--question TEXT | --questions FILE.jsonl) [--now ISO-8601]
                                            the built-in coach's answers from a Vigor JSON
                                            export, one JSON line per question, the export
                                            loaded into a throwaway database (exit 2: refused)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def _migrate(_args: argparse.Namespace) -> int:
    from vigor_app import startup

    startup.migrate()
    print("Database is up to date.")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from vigor_app import startup
    from vigor_app.services.accounts import accounts
    from vigor_app.services.errors import VigorError

    password = args.password or os.environ.get("ADMIN_PASSWORD", "")
    startup.migrate()
    try:
        admin = accounts.create_admin(args.email, password, args.username)
    except VigorError as exc:
        field = f" ({exc.field})" if exc.field else ""
        print(f"error: no administrator was created{field}: {exc.message}", file=sys.stderr)
        return 2
    print(f"{admin.email} ({admin.username}) is an administrator.")
    return 0


def _import_check(args: argparse.Namespace) -> int:
    """Print a file's summary as JSON (docs/import-formats.md); on refusal print
    ``{"error": ..., "line": ...}`` and return 2. Reads no database and writes nothing."""
    import json

    from vigor_app.services.errors import VigorError
    from vigor_app.services.your_data import file_cells, import_check

    try:
        with open(args.file, "rb") as handle:
            data = handle.read(file_cells.MAX_BYTES + 1)
        summary = import_check.check_file(data, units=args.units)
    except OSError as exc:
        print(json.dumps({"error": f"The file cannot be read: {exc.strerror or exc}.", "line": None}))
        return 2
    except VigorError as exc:
        print(json.dumps({"error": exc.message, "line": getattr(exc, "line", None)}, ensure_ascii=False))
        return 2
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _coach_questions(args: argparse.Namespace, limit: int) -> list[str]:
    """The questions asked: --question, or one {"question": ...} a line of --questions (blank
    lines skipped), each checked as the Coach page checks a message. Raises VigorError."""
    import json

    from vigor_app.services.coach.history import check_message
    from vigor_app.services.errors import FileError, ValidationError

    if args.question is not None:
        return [check_message(args.question)]
    try:
        if args.questions == "-":
            text = sys.stdin.read(limit + 1)
        else:
            with open(args.questions, encoding="utf-8") as handle:
                text = handle.read(limit + 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(f"The questions file cannot be read: {getattr(exc, 'strerror', None) or exc}.") from None
    if len(text) > limit:
        raise FileError(f"The questions file is over {limit // (1024 * 1024)} MB.")
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise ValidationError('Each line of the questions file is {"question": "..."}.')
            questions.append(check_message(item["question"]))
        except (json.JSONDecodeError, RecursionError):
            raise FileError(f'Line {number} of the questions file is not JSON like {{"question": "..."}}.',
                            line=number) from None
        except ValidationError as exc:
            raise FileError(f"Line {number} of the questions file: {exc.message}", line=number) from None
    if not questions:
        raise FileError("The questions file has no questions.")
    return questions


@contextmanager
def _throwaway_database(folder: str) -> Iterator[None]:
    """DATABASE_URL and VIGOR_DATA_DIR pointed into `folder` (a new SQLite file, migrated as
    `migrate` does) for the block; the configured database is never opened, and the settings
    and the engine are back as they were afterwards."""
    from vigor_app import db, startup
    from vigor_app.settings import reload_settings

    saved = {name: os.environ.get(name) for name in ("DATABASE_URL", "VIGOR_DATA_DIR")}
    os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(folder, 'coach.db')}"
    os.environ["VIGOR_DATA_DIR"] = folder
    reload_settings()
    db.dispose_engine()
    try:
        startup.migrate()
        yield
    finally:
        db.dispose_engine()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reload_settings()


def _coach(args: argparse.Namespace) -> int:
    """Load a Vigor JSON export into a throwaway database and print the built-in coach's
    answer to each question as one JSON object a line (docs/coach.md, "From the command
    line"); on refusal print ``{"error": ..., "line": ...}`` and return 2."""
    import json
    import secrets
    import tempfile
    from datetime import datetime

    from vigor_app.clock import as_utc
    from vigor_app.services.accounts import accounts
    from vigor_app.services.coach import builtin
    from vigor_app.services.errors import VigorError
    from vigor_app.services.your_data import file_cells, restore

    def refuse(message: str, line: int | None = None) -> int:
        print(json.dumps({"error": message, "line": line}, ensure_ascii=False))
        return 2

    try:
        now = as_utc(datetime.fromisoformat(args.now)) if args.now else None
    except ValueError:
        return refuse(f"--now {args.now[:40]!r} is not an ISO 8601 time like 2026-03-01T18:00:00+00:00.")
    try:
        questions = _coach_questions(args, file_cells.MAX_BYTES)
        with open(args.data, "rb") as handle:
            data = handle.read(file_cells.MAX_BYTES + 1)
    except OSError as exc:
        return refuse(f"The export cannot be read: {exc.strerror or exc}.")
    except VigorError as exc:
        return refuse(exc.message, getattr(exc, "line", None))
    with tempfile.TemporaryDirectory(prefix="vigor-coach-") as folder, _throwaway_database(folder):
        try:
            user = accounts.register("coach@example.com", "coach", secrets.token_urlsafe(24)).user
            loaded = restore.restore(user.id, data)
        except VigorError as exc:
            return refuse(exc.message, getattr(exc, "line", None))
        for skipped in loaded.skipped_plans:
            print(f"note: left out {skipped}", file=sys.stderr)
        now = now or loaded.exported_at
        if now is None:
            return refuse("The export does not say when it was written (exported_at): give --now.")
        for question in questions:
            answer = builtin.reply(user.id, question, now)
            print(json.dumps({
                "question": question, "safety": answer.safety, "intent": answer.intent,
                "exercise_ids": [loaded.exercise_ids.get(i, i) for i in answer.exercise_ids],
                "session_ids": [loaded.session_ids[i] for i in answer.session_ids if i in loaded.session_ids],
                "plan_day": answer.plan_day, "answer": answer.text,
            }, ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "plan":
        from vigor_app.services.plans import cli

        return cli.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m vigor_app", description="Vigor's command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(run=_migrate)
    admin = commands.add_parser("create-admin", help="make or promote an administrator")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", help="or set ADMIN_PASSWORD (keeps it out of shell history)")
    admin.add_argument("--username", default="admin")
    admin.set_defaults(run=_create_admin)
    commands.add_parser("plan", help="print a weekly plan: plan --profile profile.json [--seed N]")
    check = commands.add_parser("import-check", help="what an export file holds, as JSON; writes nothing")
    check.add_argument("file", help="a Strong, Hevy or Vigor CSV, or a Vigor JSON export")
    check.add_argument("--units", choices=("kg", "lb"), default="kg",
                       help="the unit of the file's weights when it does not say (default kg)")
    check.set_defaults(run=_import_check)
    coach = commands.add_parser("coach", help="the built-in coach's answers from a Vigor JSON export, "
                                "as JSON lines; uses a throwaway database")
    coach.add_argument("--data", required=True, help="a Vigor JSON export (any version Vigor has written)")
    asked = coach.add_mutually_exclusive_group(required=True)
    asked.add_argument("--question", help="one question")
    asked.add_argument("--questions", help='a file with one {"question": "..."} a line ("-": stdin)')
    coach.add_argument("--now", help="the moment the coach answers at, ISO 8601 (default: the "
                       "export's exported_at; a time without an offset is UTC)")
    coach.set_defaults(run=_coach)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
