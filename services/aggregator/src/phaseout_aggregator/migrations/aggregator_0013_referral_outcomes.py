"""Referrals' on-site check outcomes: a revival_check's answer and the alert it is about.

Revision ID: aggregator_0013
Revises: aggregator_0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0013"
down_revision: str | None = "aggregator_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("referral_events", sa.Column("alert_id", sa.String(64)))
    op.add_column("referral_events", sa.Column("outcome", sa.String(40)))


def downgrade() -> None:
    for column in ("outcome", "alert_id"):
        op.drop_column("referral_events", column)
