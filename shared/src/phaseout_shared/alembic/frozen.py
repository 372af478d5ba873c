"""What released migrations call, frozen as they were released.

A migration is history: it must create tomorrow exactly what it created when it was released,
so it calls nothing that can change with the code. The helpers here are that history; they are
never edited (a test holds their text to a recorded digest). A new shape of table is a new
helper beside them, used by a new revision.
"""

from __future__ import annotations


def create_aggregate_table(name: str) -> None:
    """Create, inside a migration, an aggregate table as the first release shaped it."""
    import sqlalchemy as sa
    from alembic import op
    from sqlalchemy.dialects import postgresql

    op.create_table(
        name,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("uscc", sa.String(18)),
        sa.Column("district", sa.String(20)),
        sa.Column("industry", sa.String(40)),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("due_on", sa.Date()),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("doc", postgresql.JSONB(), nullable=False),
    )
    for column in ("uscc", "district", "industry", "state", "due_on"):
        op.create_index(f"ix_{name}_{column}", name, [column])
