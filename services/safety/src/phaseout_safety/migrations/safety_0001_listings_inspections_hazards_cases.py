"""The safety service's tables: ledger entries, inspections, hazards, enforcement cases.

Revision ID: safety_0001
Revises: register_0001
"""

from collections.abc import Sequence

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "safety_0001"
down_revision: str | None = "register_0001"
branch_labels: str | Sequence[str] | None = ("safety",)
depends_on: str | Sequence[str] | None = None

TABLES = ("listings", "inspections", "hazards", "cases")


def upgrade() -> None:
    for table in TABLES:
        create_aggregate_table(table)


def downgrade() -> None:
    from alembic import op

    for table in reversed(TABLES):
        op.drop_table(table)
