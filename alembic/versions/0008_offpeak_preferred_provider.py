"""the provider the off-peak window prefers

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table('ai_budget_settings') as batch:
        batch.add_column(sa.Column('offpeak_provider_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_ai_budget_settings_offpeak_provider', 'ai_providers',
                                 ['offpeak_provider_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('ai_budget_settings') as batch:
        batch.drop_constraint('fk_ai_budget_settings_offpeak_provider', type_='foreignkey')
        batch.drop_column('offpeak_provider_id')
