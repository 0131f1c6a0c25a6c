"""`python -m vigor_app <command>`: the operator's command line.

  migrate                                   bring the database schema up to date
  create-admin --email E --password P       make (or promote) an administrator
  plan --profile profile.json [--seed N]    print a weekly plan as JSON
  import-check FILE [--units kg|lb]          what a Strong, Hevy or Vigor export holds, as
                                            JSON, without writing anything (exit 2: refused)
"""

from __future__ import annotations

import argparse
import os
import sys


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
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
