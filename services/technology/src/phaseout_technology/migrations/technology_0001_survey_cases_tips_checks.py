"""The technology service's tables: survey items, elimination cases, tips, project checks.

Revision ID: technology_0001
Revises: register_0001
"""

from collections.abc import Sequence

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "technology_0001"
down_revision: str | None = "register_0001"
branch_labels: str | Sequence[str] | None = ("technology",)
depends_on: str | Sequence[str] | None = None

TABLES = ("items", "cases", "tips", "project_checks")


def upgrade() -> None:
    for table in TABLES:
        create_aggregate_table(table)


def downgrade() -> None:
    from alembic import op

    for table in reversed(TABLES):
        op.drop_table(table)
