"""partial indexes of the sets that count

Two indexes of `workout_sets` that hold only the sets that count (done, not warm-ups:
`services/training/set_kinds.counted`), each covering what the progress reads take from a set,
so a read of five years of history skips warm-ups and undone sets and never evaluates the
condition per set:

- `ix_workout_sets_counted_by_exercise` (user_id, exercise_id, session_id, weight_kg, reps,
  seconds, distance_m, done, kind): the exercises a person logged, an exercise's strength and
  cardio series;
- `ix_workout_sets_counted_by_session` (session_id, exercise_id, weight_kg, reps, seconds,
  distance_m, done, kind): the weekly volume and the distance of a window of sessions, the time
  logged in a short session.

The condition is written as each database's queries read it (`done = 1` on SQLite, where a
boolean is 0 or 1): a database only uses a partial index for a query whose condition matches.
The full indexes stay: other reads take warm-ups too, and deletes follow the foreign keys.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED_SQLITE = "done = 1 AND kind != 'warmup'"
COUNTED_POSTGRESQL = "done AND kind <> 'warmup'"


def upgrade() -> None:
    for name, columns in (
        ('ix_workout_sets_counted_by_exercise',
         ['user_id', 'exercise_id', 'session_id', 'weight_kg', 'reps', 'seconds', 'distance_m']),
        ('ix_workout_sets_counted_by_session',
         ['session_id', 'exercise_id', 'weight_kg', 'reps', 'seconds', 'distance_m']),
    ):
        op.create_index(name, 'workout_sets', [*columns, 'done', 'kind'], unique=False,
                        sqlite_where=sa.text(COUNTED_SQLITE), postgresql_where=sa.text(COUNTED_POSTGRESQL))


def downgrade() -> None:
    op.drop_index('ix_workout_sets_counted_by_session', table_name='workout_sets')
    op.drop_index('ix_workout_sets_counted_by_exercise', table_name='workout_sets')
