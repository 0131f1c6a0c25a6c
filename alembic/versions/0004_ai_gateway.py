"""ai gateway: providers, circuits, counters, cache, tier limits, overrides, budgets,
attempts; users.tier

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 16:38:29.694683
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ai_budget_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekly_limit_micros', sa.BigInteger(), nullable=True),
    sa.Column('weekly_auto_disable', sa.Boolean(), nullable=False),
    sa.Column('monthly_limit_micros', sa.BigInteger(), nullable=True),
    sa.Column('monthly_auto_disable', sa.Boolean(), nullable=False),
    sa.Column('user_auto_disable', sa.Boolean(), nullable=False),
    sa.Column('alert_percent', sa.Integer(), nullable=False),
    sa.Column('offpeak_start_minute', sa.Integer(), nullable=True),
    sa.Column('offpeak_end_minute', sa.Integer(), nullable=True),
    sa.Column('offpeak_timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('ai_counters',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('used', sa.BigInteger(), nullable=False),
    sa.Column('reserved', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('ai_providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('base_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('api_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('api_key_encrypted', sa.Text(), nullable=True),
    sa.Column('api_key_last4', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('input_price_micros', sa.BigInteger(), nullable=False),
    sa.Column('output_price_micros', sa.BigInteger(), nullable=False),
    sa.Column('timeout_ms', sa.Integer(), nullable=False),
    sa.Column('max_output_tokens', sa.Integer(), nullable=False),
    sa.Column('daily_cap_micros', sa.BigInteger(), nullable=True),
    sa.Column('structured_output', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('ai_providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_providers_priority'), ['priority'], unique=False)

    op.create_table('ai_tier_limits',
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('daily', sa.Integer(), nullable=False),
    sa.Column('weekly', sa.Integer(), nullable=False),
    sa.Column('monthly', sa.Integer(), nullable=False),
    sa.Column('monthly_budget_micros', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('tier')
    )
    op.create_table('ai_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('provider_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('input_tokens', sa.Integer(), nullable=False),
    sa.Column('output_tokens', sa.Integer(), nullable=False),
    sa.Column('usage_estimated', sa.Boolean(), nullable=False),
    sa.Column('input_price_micros', sa.BigInteger(), nullable=False),
    sa.Column('output_price_micros', sa.BigInteger(), nullable=False),
    sa.Column('reserved_micros', sa.BigInteger(), nullable=False),
    sa.Column('cost_micros', sa.BigInteger(), nullable=False),
    sa.Column('reservation_keys', sa.JSON(), nullable=False),
    sa.Column('latency_ms', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('error_class', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('error_message', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('cache_hit', sa.Boolean(), nullable=False),
    sa.Column('budget_decision', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('builtin_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('settled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['ai_providers.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ai_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_attempts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ai_attempts_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_ai_attempts_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('ai_cache',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('ai_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_cache_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ai_cache_user_id'), ['user_id'], unique=False)

    op.create_table('ai_circuits',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('trial_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_failure_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['ai_providers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('provider_id')
    )
    op.create_table('ai_quota_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('daily', sa.Integer(), nullable=True),
    sa.Column('weekly', sa.Integer(), nullable=True),
    sa.Column('monthly', sa.Integer(), nullable=True),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('granted_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ai_quota_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_quota_overrides_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=16), server_default='free', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('tier')

    with op.batch_alter_table('ai_quota_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_quota_overrides_user_id'))

    op.drop_table('ai_quota_overrides')
    op.drop_table('ai_circuits')
    with op.batch_alter_table('ai_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_cache_user_id'))
        batch_op.drop_index(batch_op.f('ix_ai_cache_expires_at'))

    op.drop_table('ai_cache')
    with op.batch_alter_table('ai_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_ai_attempts_user_created')
        batch_op.drop_index(batch_op.f('ix_ai_attempts_request_id'))
        batch_op.drop_index(batch_op.f('ix_ai_attempts_created_at'))

    op.drop_table('ai_attempts')
    op.drop_table('ai_tier_limits')
    with op.batch_alter_table('ai_providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_providers_priority'))

    op.drop_table('ai_providers')
    op.drop_table('ai_counters')
    op.drop_table('ai_budget_settings')
