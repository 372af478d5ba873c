"""Public disclosures of an agency service.

Revision ID: register_0002
Revises: register_0001
"""

from collections.abc import Sequence

from alembic import op

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "register_0002"
down_revision: str | None = "register_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_aggregate_table("disclosures")


def downgrade() -> None:
    op.drop_table("disclosures")
