"""The revival watch: readings, invoices, the orders and licences it learnt, its alerts.

Revision ID: technology_0002
Revises: technology_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "technology_0002"
down_revision: str | None = "technology_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revisions() -> list[sa.Column[object]]:
    return [
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
    ]


def _provenance() -> list[sa.Column[object]]:
    return [
        sa.Column("correction_reason", sa.String(2000)),
        sa.Column("import_id", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    from alembic import op

    op.create_table(
        "watch_readings",
        sa.Column("account", sa.String(64), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        *_revisions(),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("kwh", sa.Numeric(16, 3), nullable=False),
        sa.Column("max_demand_kw", sa.Numeric(16, 3), nullable=False),
        *_provenance(),
    )
    op.create_index(
        "ix_watch_readings_current",
        "watch_readings",
        ["account", "period"],
        unique=True,
        postgresql_where=sa.text("current"),
    )
    op.create_index("ix_watch_readings_uscc", "watch_readings", ["uscc", "period"])
    op.create_index("ix_watch_readings_address", "watch_readings", ["address"])
    op.create_table(
        "watch_invoices",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        *_revisions(),
        sa.Column("amount_yuan", sa.Numeric(16, 2), nullable=False),
        sa.Column("tonnes", sa.Numeric(16, 3), nullable=False),
        *_provenance(),
    )
    op.create_index(
        "ix_watch_invoices_current",
        "watch_invoices",
        ["uscc", "period", "category"],
        unique=True,
        postgresql_where=sa.text("current"),
    )
    op.create_table(
        "watch_orders",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("measure", sa.String(64)),
        sa.Column("effective_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_watch_orders_uscc", "watch_orders", ["uscc"])
    op.create_table(
        "watch_licences",
        sa.Column("licence_number", sa.String(64), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("steel", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_watch_licences_uscc", "watch_licences", ["uscc"])
    create_aggregate_table("watch_alerts")


def downgrade() -> None:
    from alembic import op

    for table in ("watch_alerts", "watch_licences", "watch_orders", "watch_invoices"):
        op.drop_table(table)
    op.drop_table("watch_readings")
