"""The database engine and the unit of work every service uses.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout;
PostgreSQL works the same through its URL. The schema only changes through Alembic.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from threading import Lock

from sqlalchemy import BigInteger, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DataError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, create_engine

from vigor_app.observability import tracing
from vigor_app.services.errors import ValidationError
from vigor_app.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 5
POOL_SIZE = 5  # connections a worker keeps open (PostgreSQL)
MAX_OVERFLOW = 10  # more it may open at a peak

_engine: Engine | None = None
_engine_url: str | None = None
_engine_settings: object | None = None  # the settings object _engine was made for
_lock = Lock()
# The unit of work a caller opened around several services (`one_unit_of_work`): while it is open,
# every `transaction()` and `read_only()` in this context joins it instead of starting its own.
_joined: ContextVar[Session | None] = ContextVar("vigor_unit_of_work", default=None)


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


BIGINT_RANGE = range(-(2**63), 2**63)
OUT_OF_RANGE = "One of the values is out of range. Check the numbers and dates and try again."


def unstorable(value) -> str | None:
    """Why the database cannot keep `value` the same way on SQLite and PostgreSQL, or None.

    PostgreSQL refuses a NUL in text and SQLite keeps it; both refuse whole numbers beyond
    64 bits; neither should keep an infinite or not-a-number float. Refusing them here, for
    every statement, makes both databases answer the same clear error and write nothing."""
    if isinstance(value, str):
        return "Text can't contain the NUL character (\\0). Remove it and try again." if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if value in BIGINT_RANGE else "That number is too large."
    if isinstance(value, float) and not math.isfinite(value):
        return "That is not a number Vigor can keep."
    return None


def _values(parameters) -> Iterator:
    """Every value in a statement's parameters, however the driver batches them."""
    if isinstance(parameters, dict):
        parameters = parameters.values()
    elif not isinstance(parameters, list | tuple):
        yield parameters
        return
    for value in parameters:
        if isinstance(value, dict | list | tuple):
            yield from _values(value)
        else:
            yield value


def _check_parameters(_conn, _cursor, statement, parameters, _context, _executemany):
    for value in _values(parameters):
        problem = unstorable(value)
        if problem:
            raise ValidationError(problem)
    return statement, parameters


def make_engine(url: str) -> Engine:
    """A new engine for `url`, with Vigor's connection settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _check_parameters, retval=True)
        return engine
    connect_args = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S} if parsed.get_backend_name() == "postgresql" else {}
    pool_size, max_overflow = pool_limits()
    engine = create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
                           connect_args=connect_args)
    event.listen(engine, "before_cursor_execute", _check_parameters, retval=True)
    return engine


def pool_limits() -> tuple[int, int]:
    """(pool size, overflow) for this worker: its share of DB_MAX_CONNECTIONS over the
    instance's workers, at most 5 kept open + 10 more at a peak, unless set directly."""
    settings = get_settings()
    share = max(2, settings.db_max_connections // settings.backend_workers)
    pool_size = settings.db_pool_size or min(POOL_SIZE, share)
    overflow = settings.db_max_overflow if settings.db_max_overflow >= 0 else min(MAX_OVERFLOW, share - pool_size)
    return pool_size, max(0, overflow)


def get_engine() -> Engine:
    """The process-wide engine for the configured DATABASE_URL."""
    global _engine, _engine_url, _engine_settings
    settings = get_settings()
    engine = _engine
    if engine is not None and _engine_settings is settings:  # every transaction asks: be quick
        return engine
    url = settings.resolved_database_url  # resolves a path on disk: once per settings object
    with _lock:
        if _engine is None or _engine_url != url:
            if _engine is not None:
                _engine.dispose()
            _engine = make_engine(url)
            _engine_url = url
        _engine_settings = settings
        return _engine


def current_engine() -> Engine | None:
    """The engine this process made, if it made one yet (the pool metrics read it)."""
    return _engine


def dispose_engine() -> None:
    global _engine, _engine_url, _engine_settings
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _engine_url = None
        _engine_settings = None


@contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back everything on an error.
    Inside `one_unit_of_work()` it is that unit's session, committed when that unit ends."""
    joined = _joined.get()
    if joined is not None:
        yield joined
        return
    with tracing.span(tracing.TRANSACTION_SPAN), Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except DataError as exc:  # a value the database's column cannot hold (PostgreSQL)
            session.rollback()
            raise ValidationError(OUT_OF_RANGE) from exc
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_only() -> Iterator[Session]:
    """A session for reads; nothing it does is committed (closing it ends the transaction).
    Inside `one_unit_of_work()` it is that unit's session: reads see what the unit wrote."""
    joined = _joined.get()
    if joined is not None:
        yield joined
        return
    with tracing.span(tracing.READ_SPAN), Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
        except DataError as exc:
            raise ValidationError(OUT_OF_RANGE) from exc


@contextmanager
def one_unit_of_work() -> Iterator[Session]:
    """One transaction around several service calls (a change and the record that it was
    applied): each `transaction()` inside joins it, and all of it commits, or none of it."""
    if _joined.get() is not None:
        raise RuntimeError("a unit of work is already open in this context")
    with transaction() as session:
        marker = _joined.set(session)
        try:
            yield session
        finally:
            _joined.reset(marker)


class epoch_seconds(FunctionElement[int]):
    """SQL: the whole seconds since 1970-01-01 UTC of a stored datetime, rounded down, the
    same on SQLite and PostgreSQL (for reads that hand the database's datetimes back as plain
    numbers, which cost far less to fetch than datetimes)."""

    type = BigInteger()
    name = "epoch_seconds"
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: SQLCompiler, **kw) -> str:
    # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC): the first 19 characters are the whole
    # seconds (strftime itself would round the fraction to milliseconds, up to the next second).
    return f"CAST(strftime('%s', substr({compiler.process(element.clauses, **kw)}, 1, 19)) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_postgresql(element: epoch_seconds, compiler: SQLCompiler, **kw) -> str:
    return f"CAST(floor(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"

