"""When each enterprise was first registered, and first inspected, in each dimension and
district (`enterprise_firsts`), kept as the timeline is written.

The district progress counted the enterprises registered and inspected by a day from the
timeline: every registration and inspection up to the day, each with its district read from
the event's JSON, sorted to count each enterprise once. At a hundred thousand enterprises
that took over a second, at a million ten. An enterprise counts by the day if its first such
event took effect by then, so this table keeps only the first day of each, one row per
enterprise, dimension and district, written by a statement-level trigger on `timeline` from
the rows each statement inserted (a batch's one insert, one event's, a rebuild's, a `COPY`),
in the same transaction.

Revision ID: aggregator_0017
Revises: aggregator_0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aggregator_0017"
down_revision: str | None = "aggregator_0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSPECTIONS = "'inspection', 'equipment', 'spot_check', 'measurement', 'patrol'"
"""The nouns of the events that are an inspection of the enterprise (energy's and safety's
inspections, equipment surveyed or converted, quality's spot checks, environment's
measurements), as the district progress counted them when this table was made."""

FIRSTS = f"""
SELECT uscc, data ->> 'district' AS district, dimension,
       min(effective_on) FILTER (WHERE split_part(type, '.', 3) = 'enterprise') AS registered_on,
       min(effective_on) FILTER (WHERE split_part(type, '.', 3) IN ({INSPECTIONS})) AS inspected_on
FROM {{rows}}
WHERE effective_on IS NOT NULL AND data ->> 'district' IS NOT NULL
  AND split_part(type, '.', 3) IN ('enterprise', {INSPECTIONS})
GROUP BY uscc, data ->> 'district', dimension
"""

KEEP = f"""
CREATE FUNCTION enterprise_firsts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO enterprise_firsts AS f (uscc, district, dimension, registered_on, inspected_on)
    {FIRSTS.format(rows="inserted")}
    ON CONFLICT (uscc, district, dimension) DO UPDATE SET
        registered_on = least(f.registered_on, EXCLUDED.registered_on),
        inspected_on = least(f.inspected_on, EXCLUDED.inspected_on)
    WHERE (f.registered_on, f.inspected_on) IS DISTINCT FROM
          (least(f.registered_on, EXCLUDED.registered_on),
           least(f.inspected_on, EXCLUDED.inspected_on));
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "enterprise_firsts",
        sa.Column("uscc", sa.String(64), primary_key=True),
        sa.Column("district", sa.Text(), primary_key=True),
        sa.Column("dimension", sa.String(20), primary_key=True),
        sa.Column("registered_on", sa.Date()),
        sa.Column("inspected_on", sa.Date()),
    )
    # In a district's order, each enterprise's rows together: counted once each without a
    # hash of them all, from the index alone.
    op.create_index(
        "enterprise_firsts_district",
        "enterprise_firsts",
        ["district", "uscc", "dimension"],
        postgresql_include=["registered_on", "inspected_on"],
    )
    op.execute(KEEP)
    op.execute(
        "CREATE TRIGGER enterprise_firsts_kept AFTER INSERT ON timeline "
        "REFERENCING NEW TABLE AS inserted "
        "FOR EACH STATEMENT EXECUTE FUNCTION enterprise_firsts_keep()"
    )
    op.execute(
        "INSERT INTO enterprise_firsts (uscc, district, dimension, registered_on, inspected_on) "
        + FIRSTS.format(rows="timeline")
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER enterprise_firsts_kept ON timeline")
    op.execute("DROP FUNCTION enterprise_firsts_keep()")
    op.drop_table("enterprise_firsts")
