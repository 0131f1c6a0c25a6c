"""sign-in attempts counted before the password is checked; single sign-on bound to its browser

A counter row per account and per client address, updated first by every sign-in attempt
(its lock orders the attempts for one key), and `login_attempts.checked_at`: empty while an
attempt's password is being checked. Attempts recorded before this revision were all checked.

`browser_hash` on single sign-on flows and tickets: the SHA-256 of the key the starting
browser keeps in a cookie. Flows and tickets pending at the upgrade have none and cannot be
finished (they last ten minutes and one at most): those people start again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_counters',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('sign_in_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_counters_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute("UPDATE login_attempts SET checked_at = created_at")
    for table in ('oidc_login_flows', 'login_tickets'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('browser_hash', sqlmodel.sql.sqltypes.AutoString(length=64),
                                          nullable=True))


def downgrade() -> None:
    for table in ('login_tickets', 'oidc_login_flows'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('browser_hash')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_column('checked_at')
    with op.batch_alter_table('sign_in_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_counters_updated_at'))
    op.drop_table('sign_in_counters')
