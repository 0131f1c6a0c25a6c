"""member feedback

`ai_feedback`: a member's thumbs up or down (and optional reason) on a coach message or a
plan, one per member per item, kept with the AI request that produced the item; and the
producing request on the items themselves (`coach_messages.ai_request_id`,
`workout_plans.ai_request_id`, the `request_id` of that request's `ai_attempts` rows).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('coach_messages', 'workout_plans'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('ai_request_id', sqlmodel.sql.sqltypes.AutoString(length=32),
                                          nullable=True))
    op.create_table('ai_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('message_id', sa.Integer(), sa.ForeignKey('coach_messages.id', ondelete='SET NULL'),
              nullable=True),
    sa.Column('plan_id', sa.Integer(), sa.ForeignKey('workout_plans.id', ondelete='SET NULL'), nullable=True),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('vote', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'message_id', name='uq_ai_feedback_user_message'),
    sa.UniqueConstraint('user_id', 'plan_id', name='uq_ai_feedback_user_plan')
    )
    with op.batch_alter_table('ai_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_feedback_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ai_feedback_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_ai_feedback_updated', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_table('ai_feedback')
    for table in ('workout_plans', 'coach_messages'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('ai_request_id')
