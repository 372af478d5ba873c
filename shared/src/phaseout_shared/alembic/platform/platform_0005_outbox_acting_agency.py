"""The outbox keeps the agency whose officer's command recorded an event (`actingagency`).

Revision ID: platform_0005
Revises: platform_0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "platform_0005"
down_revision: str | None = "platform_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("acting_agency", sa.String(40)))


def downgrade() -> None:
    op.drop_column("outbox", "acting_agency")
