"""INSERT ... ON CONFLICT for the two databases Vigor runs on (SQLite and PostgreSQL).

Concurrent workers may create the same row at once (a counter, a cache entry); these
statements make that a no-op or an update instead of an IntegrityError. They run on the
session's connection as Core statements (built once per table and dialect).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}


def _dialect(session: Session) -> str:
    name = session.get_bind().dialect.name
    if name not in _DIALECTS:
        raise RuntimeError(f"unsupported database: {name}")
    return name


@cache
def _ignoring(dialect_name: str, table: Table, key: str):
    return _DIALECTS[dialect_name].insert(table).on_conflict_do_nothing(index_elements=[key])


@cache
def _replacing(dialect_name: str, table: Table, key: str, columns: tuple[str, ...]):
    statement = _DIALECTS[dialect_name].insert(table)
    return statement.on_conflict_do_update(
        index_elements=[key], set_={name: statement.excluded[name] for name in columns if name != key})


def insert_missing(session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, Any]],
                   key: str) -> None:
    """Insert the rows whose `key` is not there yet; leave existing rows alone."""
    if rows:
        statement = _ignoring(_dialect(session), model.__table__, key)  # type: ignore[attr-defined]
        session.connection().execute(statement, [dict(row) for row in rows])


def insert_or_replace(session: Session, model: type[SQLModel], row: Mapping[str, Any],
                      key: str) -> None:
    """Insert `row`, or overwrite every other column of the row with the same `key`."""
    statement = _replacing(_dialect(session), model.__table__, key, tuple(row))  # type: ignore[attr-defined]
    session.connection().execute(statement, dict(row))
