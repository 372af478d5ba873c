"""The timeline keeps who acted: the agency whose officer's command recorded an event (its
`actingagency` attribute), none for events no officer's command recorded or from before it.

Revision ID: aggregator_0014
Revises: aggregator_0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0014"
down_revision: str | None = "aggregator_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("timeline", sa.Column("acting_agency", sa.String(40)))


def downgrade() -> None:
    op.drop_column("timeline", "acting_agency")
