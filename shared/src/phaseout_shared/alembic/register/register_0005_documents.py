"""Enforcement documents and the counters of their numbers.

Revision ID: register_0005
Revises: register_0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "register_0005"
down_revision: str | None = "register_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(80), nullable=False, unique=True),
        sa.Column("prefix", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("evidence_files.sha256"), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("target_kind", sa.String(40), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date()),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("replaces", sa.String(36), sa.ForeignKey("documents.id"), unique=True),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_off_by", sa.String(200)),
        sa.Column("signed_off_on", sa.Date()),
        sa.UniqueConstraint("prefix", "year", "serial", name="uq_documents_serial"),
    )
    for column in ("uscc", "district", "target_id"):
        op.create_index(f"ix_documents_{column}", "documents", [column])
    op.create_table(
        "document_serials",
        sa.Column("prefix", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_serials")
    op.drop_table("documents")
