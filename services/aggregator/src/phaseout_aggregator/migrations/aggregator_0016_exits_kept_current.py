"""Each exit's latest state, kept as its rows are written (`exit_current`).

The exit list as of a day took every row of every case in its scope and ranked them, to find
each case's latest row on that day: at a million enterprises, a district's page of the year's
exits read nine thousand rows spread over three thousand pages of the table. This table holds
each case's latest row (by date, then sequence, then the time it was recorded: the order of
`history.latest_first`), the day its first exit row took effect and its latest exit date, kept
by a trigger on `exit_events` in the transaction that writes the row, whichever path writes it
(the consumer's set-based batch, one event at a time, a rebuild, a bulk `COPY`). A read as of
a day takes a case's kept row when it took effect by then, and ranks the rows only of the
cases with a later one.

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

ROW = (
    "event_id, dimension, case_id, uscc, district, industry, item, capacity_amount, "
    "capacity_unit, rule, catalogue_version, status, effective_on, recorded_at, sequence, basis"
)
SUMMED = ("effective_on", "status", "industry", "capacity_unit", "capacity_amount")

LATER = (
    "(EXCLUDED.effective_on, coalesce(EXCLUDED.sequence, 0), EXCLUDED.recorded_at) > "
    "(c.effective_on, coalesce(c.sequence, 0), c.recorded_at)"
)
"""The incoming row is later than the kept one: a later day; of one day, a greater sequence
(a row without one is older, as `NULLS LAST` ranks it, a sequence being at least 1); of one
sequence, recorded later."""

KEEP = f"""
CREATE FUNCTION exit_current_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO exit_current AS c ({ROW}, opened_on, exited_on)
    VALUES (NEW.event_id, NEW.dimension, NEW.case_id, NEW.uscc, NEW.district, NEW.industry,
            NEW.item, NEW.capacity_amount, NEW.capacity_unit, NEW.rule, NEW.catalogue_version,
            NEW.status, NEW.effective_on, NEW.recorded_at, NEW.sequence, NEW.basis,
            NEW.effective_on, CASE WHEN NEW.status = 'exited' THEN NEW.effective_on END)
    ON CONFLICT (dimension, case_id) DO UPDATE SET
        ({ROW}) = (EXCLUDED.event_id, EXCLUDED.dimension, EXCLUDED.case_id, EXCLUDED.uscc,
                   EXCLUDED.district, EXCLUDED.industry, EXCLUDED.item,
                   EXCLUDED.capacity_amount, EXCLUDED.capacity_unit, EXCLUDED.rule,
                   EXCLUDED.catalogue_version, EXCLUDED.status, EXCLUDED.effective_on,
                   EXCLUDED.recorded_at, EXCLUDED.sequence, EXCLUDED.basis)
        WHERE {LATER};
    UPDATE exit_current
    SET opened_on = least(opened_on, NEW.effective_on),
        exited_on = CASE WHEN NEW.status = 'exited'
                         THEN greatest(exited_on, NEW.effective_on) ELSE exited_on END
    WHERE dimension = NEW.dimension AND case_id = NEW.case_id
      AND (opened_on > NEW.effective_on
           OR (NEW.status = 'exited' AND exited_on IS DISTINCT FROM
               greatest(exited_on, NEW.effective_on)));
    RETURN NULL;
END
$$
"""

BACKFILL = f"""
INSERT INTO exit_current ({ROW}, opened_on, exited_on)
SELECT DISTINCT ON (dimension, case_id) {ROW},
       min(effective_on) OVER w,
       max(effective_on) FILTER (WHERE status = 'exited') OVER w
FROM exit_events
WINDOW w AS (PARTITION BY dimension, case_id)
ORDER BY dimension, case_id, effective_on DESC, sequence DESC NULLS LAST, recorded_at DESC
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
        "FOR EACH ROW EXECUTE FUNCTION exit_current_keep()"
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER exit_current_kept ON exit_events")
    op.execute("DROP FUNCTION exit_current_keep()")
    op.drop_table("exit_current")
