"""Catalogue names: the equipment kinds and rules of an agency's catalogue, named in both
languages, as the agency published them (`phaseout.technology.catalogue.published.v1`); and the legal
basis in words that an exit event carries (safety's closure quotes the plan).

Revision ID: aggregator_0010
Revises: aggregator_0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0010"
down_revision: str | None = "aggregator_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_names",
        sa.Column("dimension", sa.String(20), primary_key=True),
        sa.Column("entry", sa.String(10), primary_key=True),
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(20), primary_key=True),
        sa.Column("industry", sa.String(40)),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("citation", sa.Text()),
        sa.Column("event_id", sa.String(100), nullable=False),
    )
    op.add_column("exit_events", sa.Column("basis", sa.Text()))


def downgrade() -> None:
    op.drop_column("exit_events", "basis")
    op.drop_table("catalogue_names")
