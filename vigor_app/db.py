"""The database engine and the unit of work every service uses.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout;
PostgreSQL works the same through its URL. The schema only changes through Alembic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from vigor_app.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 5
POOL_SIZE = 5  # connections a worker keeps open (PostgreSQL)
MAX_OVERFLOW = 10  # more it may open at a peak

_engine: Engine | None = None
_engine_url: str | None = None
_lock = Lock()


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
        return engine
    connect_args = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S} if parsed.get_backend_name() == "postgresql" else {}
    pool_size, max_overflow = pool_limits()
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
                         connect_args=connect_args)


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
    global _engine, _engine_url
    url = get_settings().resolved_database_url
    with _lock:
        if _engine is None or _engine_url != url:
            if _engine is not None:
                _engine.dispose()
            _engine = make_engine(url)
            _engine_url = url
        return _engine


def dispose_engine() -> None:
    global _engine, _engine_url
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _engine_url = None


@contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back everything on an error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_only() -> Iterator[Session]:
    """A session for reads; nothing it does is committed (closing it ends the transaction)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
