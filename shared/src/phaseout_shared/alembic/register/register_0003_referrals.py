"""Referrals received by an agency service.

Revision ID: register_0003
Revises: register_0002
"""

from collections.abc import Sequence

from alembic import op

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "register_0003"
down_revision: str | None = "register_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_aggregate_table("referrals")


def downgrade() -> None:
    op.drop_table("referrals")
