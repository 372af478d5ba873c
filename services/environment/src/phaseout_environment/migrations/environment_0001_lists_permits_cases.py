"""The environment service's tables: lists, permits, monitoring, measurements, equipment,
cases, and the catalogue versions mee made.

Revision ID: environment_0001
Revises: register_0001
"""

from collections.abc import Sequence

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "environment_0001"
down_revision: str | None = "register_0001"
branch_labels: str | Sequence[str] | None = ("environment",)
depends_on: str | Sequence[str] | None = None

TABLES = (
    "list_entries",
    "permits",
    "monitoring",
    "measurements",
    "equipment",
    "cases",
    "catalogues",
)


def upgrade() -> None:
    for table in TABLES:
        create_aggregate_table(table)


def downgrade() -> None:
    from alembic import op

    for table in reversed(TABLES):
        op.drop_table(table)
