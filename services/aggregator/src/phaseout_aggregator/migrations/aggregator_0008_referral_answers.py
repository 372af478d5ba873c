"""Referrals' answers: why declined or what was done, and the act an answer "acted on" names.

Revision ID: aggregator_0008
Revises: aggregator_0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0008"
down_revision: str | None = "aggregator_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("referral_events", sa.Column("reason", sa.Text()))
    op.add_column("referral_events", sa.Column("act_type", sa.String(40)))
    op.add_column("referral_events", sa.Column("act_id", sa.String(64)))


def downgrade() -> None:
    for column in ("act_id", "act_type", "reason"):
        op.drop_column("referral_events", column)
