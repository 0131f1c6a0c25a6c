"""ids that are never handed out again

SQLite gives the next row max(rowid) + 1, so after a delete the same id can come back: an
old audit entry ("user 7 changed ...") or link (/log?session=7) would then name somebody
else. Declaring the table AUTOINCREMENT makes SQLite remember the largest id ever used
(sqlite_sequence). SQLite cannot change that in place: each table is rebuilt (batch
"recreate": new table, rows copied, old table dropped, new one renamed), with foreign key
enforcement off while it happens so that dropping a parent table does not cascade into its
children; the foreign keys are checked before the migration ends.

The counters start above the largest id the audit log names for that kind of row, so ids of
accounts deleted before this migration do not come back either.

PostgreSQL: the id columns draw from sequences, which never go back; nothing to do.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As vigor_app.models.ids.NEVER_REUSED_TABLES at this revision (a migration does not import
# the models: they move on, this file must not).
TABLES = ('users', 'upgrade_requests', 'ai_providers', 'ai_quota_overrides', 'workout_sessions')
AUDIT_TARGET_TYPES = {'users': 'user', 'upgrade_requests': 'upgrade_request', 'ai_providers': 'ai_provider'}


def _on_sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _foreign_keys(enabled: bool) -> None:
    # PRAGMA foreign_keys is a no-op inside a transaction: run it between two.
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def _rebuild(autoincrement: bool) -> None:
    _foreign_keys(False)
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass
    broken = op.get_bind().execute(sa.text('PRAGMA foreign_key_check')).all()
    if broken:  # raising rolls back: nothing of this migration stays
        raise RuntimeError(f'foreign keys broken by the rebuild: {broken[:5]}')


def _start_counters_above_audited_ids() -> None:
    bind = op.get_bind()
    for table in TABLES:
        target_type = AUDIT_TARGET_TYPES.get(table)
        audited = 0
        if target_type is not None:
            audited = bind.execute(sa.text(
                "SELECT COALESCE(MAX(CAST(target_id AS INTEGER)), 0) FROM audit_log "
                "WHERE target_type = :kind AND target_id <> '' AND target_id NOT GLOB '*[^0-9]*'"
            ), {'kind': target_type}).scalar_one()
        largest = f'SELECT COALESCE(MAX(id), 0) FROM {table}'  # noqa: S608 (a name from TABLES)
        highest = bind.execute(sa.text(largest)).scalar_one()
        start = max(int(audited or 0), int(highest or 0))
        bind.execute(sa.text('DELETE FROM sqlite_sequence WHERE name = :name'), {'name': table})
        bind.execute(sa.text('INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)'),
                     {'name': table, 'seq': start})


def upgrade() -> None:
    if not _on_sqlite():
        return
    _rebuild(autoincrement=True)
    _start_counters_above_audited_ids()
    _foreign_keys(True)


def downgrade() -> None:
    if not _on_sqlite():
        return
    _rebuild(autoincrement=False)
    for table in TABLES:
        op.get_bind().execute(sa.text('DELETE FROM sqlite_sequence WHERE name = :name'), {'name': table})
    _foreign_keys(True)
