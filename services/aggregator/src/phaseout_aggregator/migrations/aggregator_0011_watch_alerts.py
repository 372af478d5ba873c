"""The revival watch's alerts as the city sees them: each alert's history, one row per event
(`phaseout.technology.watch_alert.raised.v1`, `…ditiaogang_alert.raised.v1`,
`…watch_alert.closed.v1`).

Revision ID: aggregator_0011
Revises: aggregator_0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "aggregator_0011"
down_revision: str | None = "aggregator_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watch_alert_events",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("alert_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("agencies", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("check_by", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(40)),
        sa.Column("reason", sa.Text()),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.BigInteger()),
    )
    op.create_index("watch_alert_events_alert", "watch_alert_events", ["alert_id", "effective_on"])
    op.create_index("watch_alert_events_uscc", "watch_alert_events", ["uscc"])
    op.create_index("watch_alert_events_district", "watch_alert_events", ["district"])


def downgrade() -> None:
    op.drop_table("watch_alert_events")
