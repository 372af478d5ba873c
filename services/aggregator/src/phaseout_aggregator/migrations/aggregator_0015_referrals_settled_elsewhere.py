"""Referrals settled elsewhere: the agency whose on-site check closed the alert a revival_check
was about, when that check was another agency's.

Revision ID: aggregator_0015
Revises: aggregator_0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0015"
down_revision: str | None = "aggregator_0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("referral_events", sa.Column("settled_by", sa.String(20)))


def downgrade() -> None:
    op.drop_column("referral_events", "settled_by")
