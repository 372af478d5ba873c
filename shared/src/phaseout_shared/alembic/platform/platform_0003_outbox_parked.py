"""The outbox parks a row the broker refuses for itself: when, and why.

Revision ID: platform_0003
Revises: platform_0002_event_streams
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "platform_0003"
down_revision: str | None = "platform_0002_event_streams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("parked_at", sa.DateTime(timezone=True)))
    op.add_column("outbox", sa.Column("parked_reason", sa.String(2000)))
    op.create_index(
        "outbox_parked", "outbox", ["seq"], postgresql_where=sa.text("parked_at IS NOT NULL")
    )


def downgrade() -> None:
    op.drop_index("outbox_parked", table_name="outbox")
    op.drop_column("outbox", "parked_reason")
    op.drop_column("outbox", "parked_at")
