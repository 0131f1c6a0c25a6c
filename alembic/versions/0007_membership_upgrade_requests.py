"""membership upgrade requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 17:27:25.461555
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tier_offers',
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('price_text', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('unlocks', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('tier')
    )
    op.create_table('upgrade_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('from_tier', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('to_tier', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('upgrade_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upgrade_requests_status'), ['status'], unique=False)
        batch_op.create_index('ix_upgrade_requests_user_status', ['user_id', 'status'], unique=False)



def downgrade() -> None:
    op.drop_table('tier_offers')
    with op.batch_alter_table('upgrade_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_upgrade_requests_user_status')
        batch_op.drop_index(batch_op.f('ix_upgrade_requests_status'))

    op.drop_table('upgrade_requests')
