"""The quality service's tables: licences, spot checks, cases, unlicensed cases, requests.

Revision ID: quality_0001
Revises: register_0001
"""

from collections.abc import Sequence

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "quality_0001"
down_revision: str | None = "register_0001"
branch_labels: str | Sequence[str] | None = ("quality",)
depends_on: str | Sequence[str] | None = None

TABLES = ("licences", "spot_checks", "cases", "unlicensed_cases", "cancellation_requests")


def upgrade() -> None:
    for table in TABLES:
        create_aggregate_table(table)


def downgrade() -> None:
    from alembic import op

    for table in reversed(TABLES):
        op.drop_table(table)
