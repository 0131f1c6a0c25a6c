"""cardio distance, supersets and the bar kit

`workout_sets.distance_m` (a run or a row: how far, in metres), `workout_exercises.superset`
(exercises of a workout sharing a number are done as a superset), `fitness_profiles.bar_kg`
and `plates_kg` (the plate calculator's kit; empty: the usual kit for the person's units).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workout_sets') as batch:
        batch.add_column(sa.Column('distance_m', sa.Float(), nullable=True))
    with op.batch_alter_table('workout_exercises') as batch:
        batch.add_column(sa.Column('superset', sa.Integer(), nullable=True))
    with op.batch_alter_table('fitness_profiles') as batch:
        batch.add_column(sa.Column('bar_kg', sa.Float(), nullable=True))
        batch.add_column(sa.Column('plates_kg', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fitness_profiles') as batch:
        batch.drop_column('plates_kg')
        batch.drop_column('bar_kg')
    with op.batch_alter_table('workout_exercises') as batch:
        batch.drop_column('superset')
    with op.batch_alter_table('workout_sets') as batch:
        batch.drop_column('distance_m')
