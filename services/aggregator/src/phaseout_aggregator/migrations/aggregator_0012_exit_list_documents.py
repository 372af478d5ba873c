"""A district's year-end exit list issued as a numbered document: the PDF kept by its SHA-256,
signed off once by the district, corrected only by a new list that cites it; and the series of
numbers each prefix gives in a year.

Revision ID: aggregator_0012
Revises: aggregator_0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0012"
down_revision: str | None = "aggregator_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_serials",
        sa.Column("prefix", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "exit_list_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(80), nullable=False, unique=True),
        sa.Column("prefix", sa.String(40), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("enterprises", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "replaces",
            sa.String(36),
            sa.ForeignKey("exit_list_documents.id"),
            unique=True,
        ),
        sa.Column("signed_off_by", sa.String(200)),
        sa.Column("signed_off_on", sa.Date()),
    )
    op.create_index(
        "exit_list_documents_district_year", "exit_list_documents", ["district", "year"]
    )


def downgrade() -> None:
    op.drop_table("exit_list_documents")
    op.drop_table("document_serials")
