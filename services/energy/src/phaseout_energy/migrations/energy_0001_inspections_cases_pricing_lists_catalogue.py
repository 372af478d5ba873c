"""The energy service's tables: inspections, cases, pricing measures, inspection lists, and the
versions of the limits catalogue.

Revision ID: energy_0001
Revises: register_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from phaseout_shared.alembic.frozen import create_aggregate_table

revision: str = "energy_0001"
down_revision: str | None = "register_0001"
branch_labels: str | Sequence[str] | None = ("energy",)
depends_on: str | Sequence[str] | None = None

TABLES = ("inspections", "cases", "pricing_measures", "inspection_lists")


def upgrade() -> None:
    for table in TABLES:
        create_aggregate_table(table)
    op.create_table(
        "catalogue_versions",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("doc", postgresql.JSONB(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalogue_versions")
    for table in reversed(TABLES):
        op.drop_table(table)
