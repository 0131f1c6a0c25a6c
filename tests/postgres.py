"""Throwaway PostgreSQL databases for the tests that must run on PostgreSQL too.

The machine's PostgreSQL at 127.0.0.1:5432 with trust authentication; each test gets a new,
empty database that is dropped afterwards. Tests skip, saying why, when it is not reachable.
"""

from __future__ import annotations

import atexit
import os
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


def _run(login: tuple[str, str], statement: sql.Composable) -> None:
    user, maintenance = login
    with psycopg.connect(host=HOST, port=PORT, user=user, dbname=maintenance, connect_timeout=3,
                         autocommit=True) as conn:
        conn.execute(statement)


def _url(user: str, name: str) -> str:
    return f"postgresql+psycopg://{user}@{HOST}:{PORT}/{name}"


def _login_or_skip() -> tuple[str, str]:
    login = admin_login()
    if login is None:
        pytest.skip(UNREACHABLE)
    return login


def _drop(login: tuple[str, str], name: str) -> None:
    from vigor_app import db

    db.dispose_engine()
    _run(login, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def throwaway_database(prefix: str, *, template: str | None = None) -> Iterator[str]:
    """A new database (its SQLAlchemy URL), empty or a copy of `template`, dropped at the end;
    skips the test when PostgreSQL is not reachable."""
    login = _login_or_skip()
    name = f"{prefix}_{secrets.token_hex(6)}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    _run(login, create)
    try:
        yield _url(login[0], name)
    finally:
        _drop(login, name)


_migrated: dict[int, str] = {}  # process id -> this process's migrated template database


def migrated_template() -> str:
    """The name of a database migrated to head once per test process, that each test copies
    (a copy costs a fraction of a migration); dropped when the process ends."""
    if os.getpid() not in _migrated:
        from vigor_app import db, startup

        login = _login_or_skip()
        name = f"vigor_template_{secrets.token_hex(6)}"
        _run(login, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        atexit.register(_drop, login, name)
        startup.migrate(_url(login[0], name))
        db.dispose_engine()  # a template takes no copies while anyone is connected to it
        _migrated[os.getpid()] = name
    return _migrated[os.getpid()]


@contextmanager
def migrated_database(prefix: str, env: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway database migrated to head (a copy of this process's migrated template),
    which DATABASE_URL points at for the test; its URL. Skips when PostgreSQL is not
    reachable."""
    from vigor_app import db
    from vigor_app.settings import reload_settings

    with throwaway_database(prefix, template=migrated_template()) as url:
        env.setenv("DATABASE_URL", url)
        reload_settings()
        db.dispose_engine()
        yield url
