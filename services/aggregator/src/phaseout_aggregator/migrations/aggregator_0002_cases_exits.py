"""Cases of every agency and the capacity that exited.

Revision ID: aggregator_0002
Revises: aggregator_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0002"
down_revision: str | None = "aggregator_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("dimension", sa.String(20), primary_key=True),
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("deadline", sa.Date()),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("last_event", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cases_uscc", "cases", ["uscc"])
    op.create_index("ix_cases_district", "cases", ["district"])
    op.create_table(
        "exits",
        sa.Column("dimension", sa.String(20), primary_key=True),
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("capacity_amount", sa.Numeric(20, 4), nullable=False),
        sa.Column("capacity_unit", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("catalogue_version", sa.String(20), nullable=False),
        sa.Column("opened_on", sa.Date()),
        sa.Column("exited_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    for column in ("uscc", "district", "industry"):
        op.create_index(f"ix_exits_{column}", "exits", [column])


def downgrade() -> None:
    op.drop_table("exits")
    op.drop_table("cases")
