"""`python -m vigor_app <command>`: the operator's command line.

  migrate                                   bring the database schema up to date
  create-admin --email E --password P       make (or promote) an administrator
  plan --profile profile.json [--seed N]    print a weekly plan as JSON
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
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
