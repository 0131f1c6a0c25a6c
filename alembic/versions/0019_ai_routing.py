"""ai routing: per-feature and per-tier provider orders, switches, experiments

`ai_routes` (a feature's own provider order, or its order for one tier), `ai_switches` ("switch
now", until switched back), `ai_experiments` (an A/B test of two providers for one feature), and
on every attempt the rule that chose its providers (`route`) with the experiment and arm.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ai_experiments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('arm_a_provider_id', sa.Integer(), nullable=True),
    sa.Column('arm_b_provider_id', sa.Integer(), nullable=True),
    sa.Column('split_a', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('winner', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('stopped_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['arm_a_provider_id'], ['ai_providers.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['arm_b_provider_id'], ['ai_providers.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('ai_experiments', schema=None) as batch_op:
        batch_op.create_index('ix_ai_experiments_feature_status', ['feature', 'status'], unique=False)

    op.create_table('ai_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('provider_ids', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('ai_routes', schema=None) as batch_op:
        batch_op.create_index('ix_ai_routes_feature_tier', ['feature', 'tier'], unique=True)

    op.create_table('ai_switches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['ai_providers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('ai_switches', schema=None) as batch_op:
        batch_op.create_index('ix_ai_switches_feature_ended', ['feature', 'ended_at'], unique=False)

    with op.batch_alter_table('ai_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route', sa.String(length=16), server_default='global', nullable=False))
        batch_op.add_column(sa.Column('experiment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('arm', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True))
        batch_op.create_index(batch_op.f('ix_ai_attempts_experiment_id'), ['experiment_id'], unique=False)
        batch_op.create_foreign_key('fk_ai_attempts_experiment', 'ai_experiments', ['experiment_id'], ['id'],
                                    ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('ai_attempts', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ai_attempts_experiment', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ai_attempts_experiment_id'))
        batch_op.drop_column('arm')
        batch_op.drop_column('experiment_id')
        batch_op.drop_column('route')

    with op.batch_alter_table('ai_switches', schema=None) as batch_op:
        batch_op.drop_index('ix_ai_switches_feature_ended')

    op.drop_table('ai_switches')
    with op.batch_alter_table('ai_routes', schema=None) as batch_op:
        batch_op.drop_index('ix_ai_routes_feature_tier')

    op.drop_table('ai_routes')
    with op.batch_alter_table('ai_experiments', schema=None) as batch_op:
        batch_op.drop_index('ix_ai_experiments_feature_status')

    op.drop_table('ai_experiments')
