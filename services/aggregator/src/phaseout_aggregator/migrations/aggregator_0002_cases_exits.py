"""The history of every agency's cases and of the capacity that exited.

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
        "case_events",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40)),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("deadline", sa.Date()),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
    )
    op.create_index("ix_case_events_uscc", "case_events", ["uscc"])
    op.create_index("ix_case_events_district", "case_events", ["district"])
    op.create_index("case_events_case", "case_events", ["dimension", "case_id", "effective_on"])
    op.create_table(
        "exit_events",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("capacity_amount", sa.Numeric(20, 4), nullable=False),
        sa.Column("capacity_unit", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("catalogue_version", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("uscc", "district", "industry"):
        op.create_index(f"ix_exit_events_{column}", "exit_events", [column])
    op.create_index("exit_events_case", "exit_events", ["dimension", "case_id", "effective_on"])


def downgrade() -> None:
    op.drop_table("exit_events")
    op.drop_table("case_events")
