"""The audit records acts of a district government's officers, who act for no agency (a
district's year-end exit list, issued and signed off): its agency may be empty.

Revision ID: platform_0004
Revises: platform_0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "platform_0004"
down_revision: str | None = "platform_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("audit", "agency", nullable=True)


def downgrade() -> None:
    op.execute("UPDATE audit SET agency = '' WHERE agency IS NULL")
    op.alter_column("audit", "agency", nullable=False)
