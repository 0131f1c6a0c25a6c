"""when each set was last changed

`workout_sets.changed_at`: when the person last changed the set's values or tick (the live
page's save, the API's, or an offline change, stamped with when it was made on the phone). An
offline phone sends the time it saw with each change; a set changed elsewhere since is a change
made on two devices: the later one wins and the person is told (docs/offline.md).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workout_sets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workout_sets', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
