"""a provider's Retry-After shared by every worker; the usage a provider reported beside what was charged

`ai_circuits.retry_after_until`: a provider that answered 429 or 503 with Retry-After is not
called again before this time, by any worker. `ai_attempts.reported_input_tokens` and
`reported_output_tokens`: the counts the provider sent, kept beside the charged counts (which
are clamped to what the call asked for) so admins can see a provider over-reporting.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('ai_circuits') as batch:
        batch.add_column(sa.Column('retry_after_until', sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
    with op.batch_alter_table('ai_attempts') as batch:
        batch.add_column(sa.Column('reported_input_tokens', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('reported_output_tokens', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ai_attempts') as batch:
        batch.drop_column('reported_output_tokens')
        batch.drop_column('reported_input_tokens')
    with op.batch_alter_table('ai_circuits') as batch:
        batch.drop_column('retry_after_until')
