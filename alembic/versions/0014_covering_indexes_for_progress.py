"""covering indexes for the progress reads

Two indexes of `workout_sets` each replaced by one that holds what the progress reads take
from a set, so the database answers them from the index alone:

- `ix_workout_sets_user_exercise_session` (user_id, exercise_id, session_id, done, kind,
  weight_kg, reps, seconds, distance_m) replaces `ix_workout_sets_user_exercise_completed`
  (user_id, exercise_id, completed_at), which no query ordered or filtered by completed_at:
  the exercises a person logged, an exercise's strength and cardio series, a set's records;
- `ix_workout_sets_session_exercise` (session_id, exercise_id, done, kind, weight_kg, reps)
  replaces `ix_workout_sets_session` (session_id): the weekly volume of a window of sessions.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 23:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workout_sets') as batch:
        batch.drop_index('ix_workout_sets_user_exercise_completed')
        batch.drop_index('ix_workout_sets_session')
        batch.create_index('ix_workout_sets_user_exercise_session',
                           ['user_id', 'exercise_id', 'session_id', 'done', 'kind', 'weight_kg', 'reps',
                            'seconds', 'distance_m'], unique=False)
        batch.create_index('ix_workout_sets_session_exercise',
                           ['session_id', 'exercise_id', 'done', 'kind', 'weight_kg', 'reps'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workout_sets') as batch:
        batch.drop_index('ix_workout_sets_session_exercise')
        batch.drop_index('ix_workout_sets_user_exercise_session')
        batch.create_index('ix_workout_sets_session', ['session_id'], unique=False)
        batch.create_index('ix_workout_sets_user_exercise_completed', ['user_id', 'exercise_id', 'completed_at'],
                           unique=False)
