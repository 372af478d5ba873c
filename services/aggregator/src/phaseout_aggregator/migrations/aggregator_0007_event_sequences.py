"""Each projected event's sequence in its stream, which orders the facts of one source.

Revision ID: aggregator_0007
Revises: aggregator_0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0007"
down_revision: str | None = "aggregator_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("timeline", "identity", "case_events", "exit_events", "referral_events")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("sequence", sa.BigInteger(), nullable=True))
    # Events applied before sequences existed keep none: they order as before (by date and
    # time), and after every event that has one.
    op.execute("UPDATE timeline SET sequence = (data->>'sequence')::bigint WHERE data ? 'sequence'")


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "sequence")
