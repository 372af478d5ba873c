"""Each exit's latest state, kept as its rows are written (`exit_current`).

The exit list as of a day took every row of every case in its scope and ranked them, to find
each case's latest row on that day: at a million enterprises, a district's page of the year's
exits read nine thousand rows spread over three thousand pages of the table. This table holds
each case's latest row (by date, then sequence, then the time it was recorded: the order of
`history.latest_first`), the day its first exit row took effect and its latest exit date, kept
by a statement-level trigger on `exit_events` from the rows each statement inserted
(set-based: a batch's one insert, one event's, a rebuild's, a `COPY`), in the same
transaction. A read as of a day takes a case's kept row when it took effect by then, and ranks
the rows only of the cases with a later one.

Revision ID: aggregator_0016
Revises: aggregator_0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0016"
down_revision: str | None = "aggregator_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ("dimension", "case_id")
KEPT = (
    "event_id",
    "uscc",
    "district",
    "industry",
    "item",
    "capacity_amount",
    "capacity_unit",
    "rule",
    "catalogue_version",
    "status",
    "effective_on",
    "recorded_at",
    "sequence",
    "basis",
)
"""An exit row's columns besides its key."""
COLUMNS = ", ".join((*KEY, *KEPT))
SUMMED = ("effective_on", "status", "industry", "capacity_unit", "capacity_amount")

LATER = (
    "(EXCLUDED.effective_on, coalesce(EXCLUDED.sequence, 0), EXCLUDED.recorded_at) > "
    "(c.effective_on, coalesce(c.sequence, 0), c.recorded_at)"
)
"""The incoming row is later than the kept one: a later day; of one day, a greater sequence
(a row without one is older, as `NULLS LAST` ranks it, a sequence being at least 1); of one
sequence, recorded later."""

LATEST = f"""
SELECT DISTINCT ON (dimension, case_id) {COLUMNS},
       min(effective_on) OVER w AS opened_on,
       max(effective_on) FILTER (WHERE status = 'exited') OVER w AS exited_on
FROM {{rows}}
WINDOW w AS (PARTITION BY dimension, case_id)
ORDER BY dimension, case_id, effective_on DESC, sequence DESC NULLS LAST, recorded_at DESC
"""
"""Each exit's latest row among `rows`, with the day its first one took effect and its latest
exit."""

KEEP = f"""
CREATE FUNCTION exit_current_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO exit_current AS c ({COLUMNS}, opened_on, exited_on)
    {LATEST.format(rows="inserted")}
    ON CONFLICT (dimension, case_id) DO UPDATE SET
        {", ".join(f"{k} = CASE WHEN {LATER} THEN EXCLUDED.{k} ELSE c.{k} END" for k in KEPT)},
        opened_on = least(c.opened_on, EXCLUDED.opened_on),
        exited_on = greatest(c.exited_on, EXCLUDED.exited_on);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "exit_current",
        sa.Column("dimension", sa.String(20), primary_key=True),
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("district", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(40), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("capacity_amount", sa.Numeric(20, 4), nullable=False),
        sa.Column("capacity_unit", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("catalogue_version", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.BigInteger()),
        sa.Column("basis", sa.Text()),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("exited_on", sa.Date()),
    )
    # A year's list is counted and summed from these alone (an index-only scan).
    op.create_index(
        "exit_current_district",
        "exit_current",
        ["district", "exited_on"],
        postgresql_include=[*SUMMED, "dimension"],
    )
    op.create_index(
        "exit_current_exited_on",
        "exit_current",
        ["exited_on"],
        postgresql_include=[*SUMMED, "dimension", "district"],
    )
    op.create_index("exit_current_effective_on", "exit_current", ["effective_on"])
    op.create_index("exit_current_uscc", "exit_current", ["uscc"])
    op.execute(KEEP)
    op.execute(
        "CREATE TRIGGER exit_current_kept AFTER INSERT ON exit_events "
        "REFERENCING NEW TABLE AS inserted "
        "FOR EACH STATEMENT EXECUTE FUNCTION exit_current_keep()"
    )
    op.execute(
        f"INSERT INTO exit_current ({COLUMNS}, opened_on, exited_on) "
        + LATEST.format(rows="exit_events")
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER exit_current_kept ON exit_events")
    op.execute("DROP FUNCTION exit_current_keep()")
    op.drop_table("exit_current")
