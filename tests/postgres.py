"""Throwaway PostgreSQL databases for the tests that must run on PostgreSQL too.

The machine's PostgreSQL at 127.0.0.1:5432 with trust authentication; each test gets a new,
empty database that is dropped afterwards. Tests skip, saying why, when it is not reachable.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

HOST = "127.0.0.1"
PORT = 5432
# (user, maintenance database) pairs tried in order.
CANDIDATES = (("postgres", "postgres"), ("postgres", "test"), ("root", "test"), ("root", "postgres"))
UNREACHABLE = (f"PostgreSQL is not reachable at {HOST}:{PORT} with trust authentication as a user "
               f"allowed to create databases (tried {', '.join(map('/'.join, CANDIDATES))})")


def admin_login() -> tuple[str, str] | None:
    """(user, database) of a PostgreSQL login that may create databases, or None."""
    for user, dbname in CANDIDATES:
        try:
            with psycopg.connect(host=HOST, port=PORT, user=user, dbname=dbname, connect_timeout=3,
                                 autocommit=True) as conn:
                row = conn.execute(
                    "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
                ).fetchone()
        except psycopg.Error:
            continue
        if row and row[0]:
            return user, dbname
    return None


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A new, empty database (its SQLAlchemy URL), dropped at the end; skips the test when
    PostgreSQL is not reachable."""
    login = admin_login()
    if login is None:
        pytest.skip(UNREACHABLE)
    user, maintenance = login

    def run(statement: sql.Composable) -> None:
        with psycopg.connect(host=HOST, port=PORT, user=user, dbname=maintenance, connect_timeout=3,
                             autocommit=True) as conn:
            conn.execute(statement)

    name = f"{prefix}_{secrets.token_hex(6)}"
    run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://{user}@{HOST}:{PORT}/{name}"
    finally:
        from vigor_app import db

        db.dispose_engine()
        run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def migrated_database(prefix: str, env: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway database migrated to head, which DATABASE_URL points at for the test; its
    URL. Skips when PostgreSQL is not reachable."""
    from vigor_app import db, startup
    from vigor_app.settings import reload_settings

    with throwaway_database(prefix) as url:
        startup.migrate(url)
        env.setenv("DATABASE_URL", url)
        reload_settings()
        db.dispose_engine()
        yield url
