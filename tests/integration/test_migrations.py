"""Alembic is the only way the schema changes: up, down and up again, with no drift.

Each case runs on a fresh SQLite file and, when PostgreSQL answers at 127.0.0.1:5432 (trust
auth as `postgres` or `root`), on a throwaway PostgreSQL database created for the test and
dropped after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, delete, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

import vigor_app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from tests.factories import make_user
from tests.postgres import throwaway_database
from vigor_app import db, startup
from vigor_app.clock import utcnow
from vigor_app.models import AuthSession, LoginTicket, User

MODEL_TABLES = frozenset(SQLModel.metadata.tables)


# --- databases ----------------------------------------------------------------------------


@pytest.fixture
def postgres_url(vigor_env: pytest.MonkeyPatch) -> Iterator[str]:
    """A brand-new, empty PostgreSQL database for one test, dropped afterwards."""
    with throwaway_database("vigor_migrations") as url:
        yield url


@pytest.fixture
def sqlite_url(vigor_env: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A SQLite file that does not exist yet."""
    path = tmp_path / "fresh" / "vigor.db"
    assert not path.exists()
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest) -> str:
    """An empty database, on each backend Vigor supports."""
    return request.getfixturevalue("postgres_url" if request.param == "postgresql" else "sqlite_url")


# --- helpers ------------------------------------------------------------------------------


def head_revision() -> str:
    head = ScriptDirectory.from_config(startup.alembic_config()).get_current_head()
    assert head
    return head


def schema_of(url: str) -> tuple[set[str], list[str]]:
    """(tables, revisions recorded in alembic_version) of the database at `url`."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            revisions = []
            if "alembic_version" in tables:
                revisions = list(
                    connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
                )
            return tables, revisions
    finally:
        engine.dispose()


def postgres_leftovers(url: str) -> set[str]:
    """Sequences and user-defined types still in the public schema (PostgreSQL only)."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            sequences = connection.execute(text(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = 'public'"
            )).scalars()
            types = connection.execute(text(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')"
            )).scalars()
            return {*sequences, *types}
    finally:
        engine.dispose()


def differences(url: str, metadata: MetaData) -> list:
    """What Alembic's autogenerate would change to make the database match `metadata`."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


# --- up, down, up -------------------------------------------------------------------------


def test_the_models_define_the_tables_we_expect() -> None:
    assert MODEL_TABLES >= {"users", "auth_sessions", "login_tickets", "oidc_identities",
                            "oidc_login_flows", "password_reset_tokens", "login_attempts",
                            "audit_log"}


def test_upgrade_downgrade_upgrade(fresh_url: str) -> None:
    head = head_revision()
    assert schema_of(fresh_url) == (set(), [])

    startup.migrate(fresh_url)
    assert schema_of(fresh_url) == (MODEL_TABLES | {"alembic_version"}, [head])

    startup.migrate(fresh_url)  # at head already: nothing to do, nothing breaks
    assert schema_of(fresh_url) == (MODEL_TABLES | {"alembic_version"}, [head])

    command.downgrade(startup.alembic_config(fresh_url), "base")
    assert schema_of(fresh_url) == ({"alembic_version"}, [])
    if fresh_url.startswith("postgresql"):
        assert postgres_leftovers(fresh_url) == set()

    startup.migrate(fresh_url)
    assert schema_of(fresh_url) == (MODEL_TABLES | {"alembic_version"}, [head])


def test_every_revision_steps_down_and_up_one_at_a_time(sqlite_url: str) -> None:
    script = ScriptDirectory.from_config(startup.alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    config = startup.alembic_config(sqlite_url)

    for revision in revisions:
        command.upgrade(config, revision)
        assert schema_of(sqlite_url)[1] == [revision]
    for revision in reversed(revisions):
        command.downgrade(config, "-1")
        assert revision not in schema_of(sqlite_url)[1]
    assert schema_of(sqlite_url) == ({"alembic_version"}, [])


# --- no drift -----------------------------------------------------------------------------


def test_migrated_schema_matches_the_models(fresh_url: str) -> None:
    startup.migrate(fresh_url)

    assert differences(fresh_url, SQLModel.metadata) == []
    # The comparison does look at the database: against no models at all it sees every table.
    removed = {diff[1].name for diff in differences(fresh_url, MetaData()) if diff[0] == "remove_table"}
    assert removed == set(MODEL_TABLES)


# --- SQLite connection settings -----------------------------------------------------------


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    try:
        # Two connections held at once: every connection the pool opens gets the pragmas.
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() > 0
    finally:
        engine.dispose()


def test_sqlite_refuses_a_row_that_references_a_missing_user(database: str) -> None:
    now = utcnow()
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(AuthSession(user_id=424242, token_hash="0" * 64, expires_at=now + timedelta(hours=1)))

    engine = db.make_engine(database)  # a separate engine made the same way
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text("INSERT INTO login_tickets (user_id, ticket_hash, return_to, created_at, "
                     "expires_at) VALUES (:user_id, :hash, '/', :now, :now)"),
                {"user_id": 424242, "hash": "1" * 64, "now": now.isoformat()},
            )
        with Session(engine) as session:
            assert session.exec(select(AuthSession)).all() == []
            assert session.exec(select(LoginTicket)).all() == []
    finally:
        engine.dispose()


def test_sqlite_cascades_deletes_to_a_users_rows(database: str) -> None:
    user_id = make_user("carol").user.id  # registering starts a session
    with db.read_only() as session:
        assert len(session.exec(select(AuthSession).where(AuthSession.user_id == user_id)).all()) == 1

    with db.transaction() as session:
        session.connection().execute(delete(User).where(User.id == user_id))

    with db.read_only() as session:
        assert session.exec(select(AuthSession)).all() == []


# --- ids are never handed out twice (0009) ---------------------------------------------------


def _insert_user(connection, name: str) -> int:
    return connection.execute(
        text("INSERT INTO users (email, username, username_key, role, tier, is_active, created_at) "
             "VALUES (:email, :name, :name, 'user', 'free', :active, :now) RETURNING id"),
        {"email": f"{name}@example.com", "name": name, "active": True, "now": utcnow()},
    ).scalar_one()


def test_a_deleted_users_id_is_never_given_to_the_next_account(fresh_url: str) -> None:
    startup.migrate(fresh_url)
    engine = db.make_engine(fresh_url)
    try:
        with engine.begin() as connection:
            first = _insert_user(connection, "first")
            last = _insert_user(connection, "last")  # the highest id: the one SQLite would reuse
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": last})
        with engine.begin() as connection:
            after = _insert_user(connection, "after")
            session_row = connection.execute(
                text("INSERT INTO workout_sessions (user_id, name, status, started_at, note, timezone, "
                     "analysis, created_at, updated_at) VALUES (:user, 'w', 'open', :now, '', 'UTC', "
                     "'{}', :now, :now) RETURNING id"), {"user": first, "now": utcnow()}).scalar_one()
            connection.execute(text("DELETE FROM workout_sessions WHERE id = :id"), {"id": session_row})
            again = connection.execute(
                text("INSERT INTO workout_sessions (user_id, name, status, started_at, note, timezone, "
                     "analysis, created_at, updated_at) VALUES (:user, 'w', 'open', :now, '', 'UTC', "
                     "'{}', :now, :now) RETURNING id"), {"user": first, "now": utcnow()}).scalar_one()
    finally:
        engine.dispose()
    assert after > last > first
    assert again > session_row


def test_the_ids_migration_keeps_every_row_and_link_both_ways(fresh_url: str) -> None:
    """0009 rebuilds parent tables on SQLite: no child row may be lost to a cascade."""
    config = startup.alembic_config(fresh_url)
    command.upgrade(config, "0008")
    engine = db.make_engine(fresh_url)
    now = utcnow()
    try:
        with engine.begin() as connection:
            alice = _insert_user(connection, "alice")
            gone = _insert_user(connection, "gone")
            connection.execute(text("INSERT INTO auth_sessions (user_id, token_hash, created_at, expires_at, "
                                    "last_used_at, client_ip) VALUES (:user, :hash, :now, :now, :now, '')"),
                               {"user": alice, "hash": "a" * 64, "now": now})
            connection.execute(text("INSERT INTO workout_sessions (user_id, name, status, started_at, note, "
                                    "timezone, analysis, created_at, updated_at) VALUES (:user, 'w', 'open', "
                                    ":now, '', 'UTC', '{}', :now, :now)"), {"user": alice, "now": now})
            connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": gone})
            connection.execute(text("INSERT INTO audit_log (created_at, action, target_type, target_id, "
                                    "client_ip) VALUES (:now, 'account.delete', 'user', :id, '')"),
                               {"now": now, "id": str(gone + 5)})

        def counts() -> tuple[int, ...]:
            with engine.connect() as connection:
                return tuple(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()  # noqa: S608
                             for table in ("users", "auth_sessions", "workout_sessions", "audit_log"))

        assert counts() == (1, 1, 1, 1)
        command.upgrade(config, "0009")
        assert counts() == (1, 1, 1, 1)
        with engine.begin() as connection:
            newcomer = _insert_user(connection, "newcomer")
        assert newcomer > gone
        if fresh_url.startswith("sqlite"):  # (PostgreSQL's sequence handed out every id it names)
            assert newcomer > gone + 5  # above every id the audit log names, too
        command.downgrade(config, "0008")
        assert counts() == (2, 1, 1, 1)
        command.upgrade(config, "head")
        assert counts() == (2, 1, 1, 1)
    finally:
        engine.dispose()
    assert differences(fresh_url, SQLModel.metadata) == []
