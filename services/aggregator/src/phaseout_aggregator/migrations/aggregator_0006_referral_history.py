"""Referrals kept as history, so that a referral as of a date is exact.

Revision ID: aggregator_0006
Revises: aggregator_0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0006"
down_revision: str | None = "aggregator_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "referral_id, dimension, kind, sender, receiver, uscc, district, state, due_on, "
    "trigger_type, updated_on, recorded_at"
)


def upgrade() -> None:
    op.create_table(
        "referral_events",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("referral_id", sa.String(64), nullable=False),
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("sender", sa.String(20), nullable=False),
        sa.Column("receiver", sa.String(20), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("trigger_type", sa.String(200), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_referral_events_uscc", "referral_events", ["uscc"])
    op.create_index("referral_events_referral", "referral_events", ["referral_id", "updated_on"])
    # What the latest-state table knew becomes each referral's one known state; a rebuild from
    # the topics recovers the full history.
    op.execute(
        f"INSERT INTO referral_events (event_id, {COLUMNS}) "
        f"SELECT 'latest:' || referral_id, {COLUMNS} FROM referrals"
    )
    op.drop_table("referrals")


def downgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("referral_id", sa.String(64), primary_key=True),
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("sender", sa.String(20), nullable=False),
        sa.Column("receiver", sa.String(20), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("trigger_type", sa.String(200), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_referrals_uscc", "referrals", ["uscc"])
    op.execute(
        f"INSERT INTO referrals ({COLUMNS}) SELECT DISTINCT ON (referral_id) {COLUMNS} "
        "FROM referral_events ORDER BY referral_id, updated_on DESC, recorded_at DESC"
    )
    op.drop_table("referral_events")
