"""What the agencies made public.

Revision ID: aggregator_0004
Revises: aggregator_0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0004"
down_revision: str | None = "aggregator_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("disclosure_id", sa.String(64), primary_key=True),
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40), nullable=False),
        sa.Column("violation", sa.String(2000), nullable=False),
        sa.Column("order", sa.String(2000), nullable=False),
        sa.Column("publicity_from", sa.Date(), nullable=False),
        sa.Column("publicity_until", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date()),
    )


def downgrade() -> None:
    op.drop_table("disclosures")
