"""The event streams' counters: each event's sequence in its subject's stream.

Revision ID: platform_0002_event_streams
Revises: platform_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "platform_0002_event_streams"
down_revision: str | None = "platform_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_streams",
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_streams")
