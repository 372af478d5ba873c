"""The enterprise register of an agency service.

Revision ID: register_0001
Revises: platform_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "register_0001"
down_revision: str | None = "platform_0001"
branch_labels: str | Sequence[str] | None = ("register",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40), nullable=False),
        sa.Column("address", sa.String(300)),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_enterprises_district", "enterprises", ["district"])
    op.create_index("ix_enterprises_industry", "enterprises", ["industry"])


def downgrade() -> None:
    op.drop_table("enterprises")
