"""The aggregator's first projections: identity per dimension, and the timeline.

Revision ID: aggregator_0001
Revises: platform_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "aggregator_0001"
down_revision: str | None = "platform_0001"
branch_labels: str | Sequence[str] | None = ("aggregator",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("dimension", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40), nullable=False),
        sa.Column("address", sa.String(300)),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("identity_district", "identity", ["district"])
    op.create_table(
        "timeline",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("uscc", sa.String(64), nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("effective_on", sa.Date()),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
    )
    op.create_index("timeline_uscc", "timeline", ["uscc", "effective_on"])


def downgrade() -> None:
    op.drop_table("timeline")
    op.drop_table("identity")
