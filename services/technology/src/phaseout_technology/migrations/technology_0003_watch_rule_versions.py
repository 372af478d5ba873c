"""The revival watch's rule amendments: each version of the rules' figures, from when.

Revision ID: technology_0003
Revises: technology_0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "technology_0003"
down_revision: str | None = "technology_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from alembic import op

    op.create_table(
        "watch_rule_versions",
        sa.Column("version", sa.String(20), primary_key=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("changes", JSONB(), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("catalogue", JSONB(), nullable=False),
        sa.Column("amended_by", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_watch_rule_versions_in_force", "watch_rule_versions", ["effective_on", "recorded_at"]
    )


def downgrade() -> None:
    from alembic import op

    op.drop_table("watch_rule_versions")
