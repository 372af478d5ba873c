"""The revival watch's load as it was before its inserts answered with one row
(`bench.before` lists what each variant kept here was): `watch_rows_returned` puts it back in
place of `watch.store.load` for the length of a `with`."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.city_time import city_date
from phaseout_shared.outbox import Outbox
from phaseout_technology.watch import store
from phaseout_technology.watch.alert import Alert, AlertState
from phaseout_technology.watch.feeds import Feed, Problem, Rejected, Row
from phaseout_technology.watch.rules import evaluate
from phaseout_technology.watch.store import (
    SHAPES,
    TYPES,
    ImportReport,
    _among,
    _district,
    _records,
    _refuse_duplicates,
    _successors_of_exited,
    facts_of,
    hold_evaluation,
    rules_in_force,
)
from phaseout_technology.watch.tables import ALERTS, alerts


@contextmanager
def watch_rows_returned() -> Iterator[None]:
    """`watch.store.load` as it was: every inserted row returned to Python."""
    saved = store.load
    store.load = _watch_load_before
    try:
        yield
    finally:
        store.load = saved


async def _watch_load_before(
    session: AsyncSession,
    feed: Feed,
    rows: list[Row],
    content: bytes,
    *,
    now: datetime,
    outbox: Outbox,
) -> ImportReport:
    """Load checked rows; `Rejected` (the caller rolls back) if a row conflicts. `content` is
    what they came in: the file, or the ids of the streamed events that carried them."""
    shape = SHAPES[feed]
    digest = hashlib.sha256(content).hexdigest()
    import_id = str(uuid.uuid5(uuid.NAMESPACE_OID, f"{feed}:{digest}"))
    _refuse_duplicates(shape, rows)
    columns = ("line", *shape.key, *shape.values, "correction_reason")
    incoming = f"watch_incoming_{feed.value}"
    await session.execute(
        text(
            f"CREATE TEMP TABLE {incoming} ("
            + ", ".join(f"{c} {TYPES[c]}" for c in columns)
            + ") ON COMMIT DROP"
        )
    )
    connection = await session.connection()
    raw: Any = (await connection.get_raw_connection()).driver_connection
    await raw.copy_records_to_table(
        incoming, records=_records(rows, columns), columns=list(columns)
    )
    key = " AND ".join(f"t.{k} = i.{k}" for k in shape.key)
    differs = (
        "("
        + ", ".join(f"t.{v}" for v in shape.values)
        + ") IS DISTINCT FROM ("
        + ", ".join(f"i.{v}" for v in shape.values)
        + ")"
    )
    conflicts = (
        (
            await session.execute(
                text(
                    f"SELECT i.line FROM {incoming} i JOIN {shape.table} t ON {key} AND t.current "
                    f"WHERE {differs} AND i.correction_reason IS NULL ORDER BY i.line"
                )
            )
        )
        .scalars()
        .all()
    )
    if conflicts:
        raise Rejected(
            [
                Problem(
                    line,
                    "correction_reason",
                    "differs from the reading already stored for its key: a correction "
                    "must give its reason",
                )
                for line in conflicts
            ]
        )
    stored = ", ".join((*shape.key, *shape.values))
    params = {"import_id": import_id, "now": now}
    corrected = await session.execute(
        text(
            f"WITH old AS (UPDATE {shape.table} t SET current = false FROM {incoming} i "
            f"WHERE {key} AND t.current AND {differs} "
            f"RETURNING {', '.join('t.' + k for k in shape.key)}, t.revision) "
            f"INSERT INTO {shape.table} ({stored}, revision, current, correction_reason, "
            f"import_id, recorded_at) "
            f"SELECT {', '.join('i.' + c for c in (*shape.key, *shape.values))}, old.revision + 1, "
            f"true, i.correction_reason, :import_id, :now FROM {incoming} i JOIN old USING "
            f"({', '.join(shape.key)}) RETURNING uscc",
        ),
        params,
    )
    corrections = corrected.scalars().all()
    changed = set(corrections)
    new = await session.execute(
        text(
            f"INSERT INTO {shape.table} ({stored}, revision, current, correction_reason, "
            f"import_id, recorded_at) "
            f"SELECT {', '.join('i.' + c for c in (*shape.key, *shape.values))}, 1, true, "
            f"i.correction_reason, :import_id, :now FROM {incoming} i WHERE NOT EXISTS "
            f"(SELECT 1 FROM {shape.table} t WHERE {key}) RETURNING uscc"
        ),
        params,
    )
    added = new.scalars().all()
    changed |= set(added)
    n_corrected = len(corrections)
    raised = await _watch_raise_alerts_before(session, sorted(changed), now=now, outbox=outbox)
    return ImportReport(
        import_id=import_id,
        feed=feed,
        sha256=digest,
        rows=len(rows),
        new=len(added),
        corrected=n_corrected,
        unchanged=len(rows) - len(added) - n_corrected,
        alerts_raised=[str(a.alert_id) for a in raised],
    )


async def _watch_raise_alerts_before(
    session: AsyncSession, usccs: list[str], *, now: datetime, outbox: Outbox
) -> list[Alert]:
    """Run the rules over the enterprises' facts, and those of the enterprises that drew power
    where one of them exited, and raise the alerts not raised before: one open alert per watch
    (`key`), each alert once (its id derives from its watch and month).

    The facts arrive by different paths, each in its own transaction (an import, a stream, the
    orders' consumer): every evaluation first takes the watch's lock, held to its commit, so that
    of two that meet, the later one reads what the earlier one wrote (read committed: each
    statement sees what was committed before it began)."""
    await hold_evaluation(session)
    usccs = sorted({*usccs, *await _successors_of_exited(session, usccs)})
    today = city_date(now)
    rules = await rules_in_force(session, today)
    known_facts = await facts_of(session, usccs)
    findings = {
        uscc: found for uscc, (facts, _) in known_facts.items() if (found := evaluate(rules, facts))
    }
    if not findings:
        return []
    ids: set[str] = set()
    open_keys: set[str] = set()
    for id_, state, key in await session.execute(
        select(alerts.c.id, alerts.c.state, alerts.c.doc["key"].astext).where(
            _among(alerts.c.uscc, sorted(findings))
        )
    ):
        ids.add(id_)
        if state == AlertState.OPEN:
            open_keys.add(key)
    raised: list[Alert] = []
    for uscc, found in findings.items():
        district = known_facts[uscc][1]
        for finding in found:
            if str(finding.alert_id) in ids or finding.key in open_keys:
                continue
            alert = Alert.raise_for(
                finding, version=rules.version, district=_district(finding, district), today=today
            )
            await ALERTS.add(session, alert, now)
            await outbox.append(session, alert.pull_events(), subject=uscc, at=now)
            ids.add(str(alert.alert_id))
            open_keys.add(alert.key)
            raised.append(alert)
    return raised
