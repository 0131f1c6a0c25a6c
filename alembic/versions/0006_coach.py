"""coach

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 17:16:30.246414
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('coach_conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coach_conversations', schema=None) as batch_op:
        batch_op.create_index('ix_coach_conversations_user_updated', ['user_id', 'updated_at'], unique=False)

    op.create_table('daily_motivation_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'local_date', name='uq_daily_motivation_user_day')
    )
    op.create_table('coach_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('notice', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['coach_conversations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['workout_sessions.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coach_messages', schema=None) as batch_op:
        batch_op.create_index('ix_coach_messages_conversation_id', ['conversation_id', 'id'], unique=False)
        batch_op.create_index('ix_coach_messages_user_created', ['user_id', 'created_at'], unique=False)

    with op.batch_alter_table('fitness_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('daily_motivation', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('motivation_hour', sa.Integer(), nullable=False, server_default='8'))



def downgrade() -> None:
    with op.batch_alter_table('fitness_profiles', schema=None) as batch_op:
        batch_op.drop_column('motivation_hour')
        batch_op.drop_column('daily_motivation')

    with op.batch_alter_table('coach_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_coach_messages_user_created')
        batch_op.drop_index('ix_coach_messages_conversation_id')

    op.drop_table('coach_messages')
    op.drop_table('daily_motivation_runs')
    with op.batch_alter_table('coach_conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_coach_conversations_user_updated')

    op.drop_table('coach_conversations')
