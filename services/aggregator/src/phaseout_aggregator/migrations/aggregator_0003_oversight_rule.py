"""The city bureau's oversight rule, and the year's submissions.

Revision ID: aggregator_0003
Revises: aggregator_0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0003"
down_revision: str | None = "aggregator_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oversight_rule",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("circular_overdue_share", sa.Numeric(5, 4), nullable=False),
        sa.Column("talk_overdue_share", sa.Numeric(5, 4), nullable=False),
        sa.Column("min_cases", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "submissions",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("submitter", sa.String(20), primary_key=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("submissions")
    op.drop_table("oversight_rule")
