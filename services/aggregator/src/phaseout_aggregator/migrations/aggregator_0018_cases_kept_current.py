"""Each case's latest state, kept as its rows are written (`case_current`).

The cases as of a day (the overdue work, the open and overdue counts of the district progress)
took every row of every case in scope and ranked them, to find each case's latest row on that
day: at a million enterprises, half a million rows for the city. This table holds each case's
latest row (by date, then sequence, then the time it was recorded: the order of
`history.latest_first`) and the day its first row took effect. A statement-level trigger on
`case_events` keeps it from the rows each statement inserted (set-based: a batch's one insert,
one event's, a rebuild's, a `COPY`), in the same transaction. A read as of a day takes a case's
kept row when it took effect by then, and ranks the rows only of the cases with a later one.

Revision ID: aggregator_0018
Revises: aggregator_0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0018"
down_revision: str | None = "aggregator_0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT = (
    "event_id",
    "uscc",
    "district",
    "industry",
    "state",
    "deadline",
    "effective_on",
    "recorded_at",
    "type",
    "sequence",
)
"""A case row's columns besides its key (dimension, case_id)."""

LATER = (
    "(EXCLUDED.effective_on, coalesce(EXCLUDED.sequence, 0), EXCLUDED.recorded_at) > "
    "(c.effective_on, coalesce(c.sequence, 0), c.recorded_at)"
)
"""The incoming row is later than the kept one: a later day; of one day, a greater sequence
(a row without one is older, as `NULLS LAST` ranks it, a sequence being at least 1); of one
sequence, recorded later."""

LATEST = f"""
SELECT DISTINCT ON (dimension, case_id) dimension, case_id, {", ".join(KEPT)},
       min(effective_on) OVER (PARTITION BY dimension, case_id) AS opened_on
FROM {{rows}}
ORDER BY dimension, case_id, effective_on DESC, sequence DESC NULLS LAST, recorded_at DESC
"""
"""Each case's latest row among `rows`, with the day its first one took effect."""

KEEP = f"""
CREATE FUNCTION case_current_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_current AS c (dimension, case_id, {", ".join(KEPT)}, opened_on)
    {LATEST.format(rows="inserted")}
    ON CONFLICT (dimension, case_id) DO UPDATE SET
        {", ".join(f"{k} = CASE WHEN {LATER} THEN EXCLUDED.{k} ELSE c.{k} END" for k in KEPT)},
        opened_on = least(c.opened_on, EXCLUDED.opened_on);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "case_current",
        sa.Column("dimension", sa.String(20), primary_key=True),
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40)),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("deadline", sa.Date()),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("sequence", sa.BigInteger()),
        sa.Column("opened_on", sa.Date(), nullable=False),
    )
    op.create_index("case_current_district", "case_current", ["district"])
    op.create_index("case_current_uscc", "case_current", ["uscc"])
    op.create_index("case_current_effective_on", "case_current", ["effective_on"])
    op.execute(KEEP)
    op.execute(
        "CREATE TRIGGER case_current_kept AFTER INSERT ON case_events "
        "REFERENCING NEW TABLE AS inserted "
        "FOR EACH STATEMENT EXECUTE FUNCTION case_current_keep()"
    )
    op.execute(
        f"INSERT INTO case_current (dimension, case_id, {', '.join(KEPT)}, opened_on) "
        + LATEST.format(rows="case_events")
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER case_current_kept ON case_events")
    op.execute("DROP FUNCTION case_current_keep()")
    op.drop_table("case_current")
