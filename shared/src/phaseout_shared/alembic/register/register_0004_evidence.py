"""Evidence files and their attachments to acts.

Revision ID: register_0004
Revises: register_0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "register_0004"
down_revision: str | None = "register_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("evidence_files.sha256"), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("target_kind", sa.String(40), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("caption", sa.String(500), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("latitude", sa.Numeric(9, 6)),
        sa.Column("longitude", sa.Numeric(9, 6)),
        sa.Column("attached_by", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("uscc", "district", "target_id"):
        op.create_index(f"ix_evidence_{column}", "evidence", [column])


def downgrade() -> None:
    op.drop_table("evidence")
    op.drop_table("evidence_files")
