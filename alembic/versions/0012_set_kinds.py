"""set types: a logged set is a normal, warm-up, drop or failure set

`workout_sets.kind`: "normal" (every set logged before), "warmup", "drop" or "failure"
(`services/training/set_kinds.py`). Warm-up sets never count toward volume, records, e1RM,
progression or streaks.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workout_sets') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='normal'))


def downgrade() -> None:
    with op.batch_alter_table('workout_sets') as batch:
        batch.drop_column('kind')
