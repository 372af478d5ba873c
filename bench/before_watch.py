"""The revival watch's load as it was before this round's changes (`bench.before` lists what
each variant kept here was): `watch_load_before` puts it back in place of `watch.store.load`
for the length of a `with`.

Before: every load copied its rows to a temporary table (binary `COPY`) and decided in three
statements (the conflicts, the corrections, the additions); the rules read the enterprises'
facts with `uscc = ANY(:codes)` (compared with the whole array on every row the planner
scans), their consumption as a row per enterprise and month, and inserted each alert on its
own."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, String, any_, bindparam, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.city_time import city_date
from phaseout_shared.outbox import Outbox
from phaseout_technology.watch import store
from phaseout_technology.watch.alert import Alert, AlertState
from phaseout_technology.watch.feeds import Feed, Problem, Rejected, Row
from phaseout_technology.watch.rules import Facts, Order, Predecessor, catalogue, evaluate
from phaseout_technology.watch.store import (
    SHAPES,
    TYPES,
    ImportReport,
    _district,
    _records,
    _refuse_duplicates,
    hold_evaluation,
    rules_in_force,
)
from phaseout_technology.watch.tables import ALERTS, alerts, invoices, licences, orders, readings


@contextmanager
def watch_load_before() -> Iterator[None]:
    """`watch.store.load` as it was before this round."""
    saved = store.load
    store.load = load
    try:
        yield
    finally:
        store.load = saved


_WRITTEN = "SELECT count(*), coalesce(array_agg(DISTINCT uscc), '{}') FROM written"
"""How many rows a statement wrote (`written`) and their enterprises, in one row."""


async def load(
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
    # Each statement answers with how many rows it wrote and their distinct enterprises, not a
    # row per reading: a batch of thousands would otherwise come back row by row.
    n_corrected, corrections = (
        await session.execute(
            text(
                f"WITH old AS (UPDATE {shape.table} t SET current = false FROM {incoming} i "
                f"WHERE {key} AND t.current AND {differs} "
                f"RETURNING {', '.join('t.' + k for k in shape.key)}, t.revision), "
                f"written AS (INSERT INTO {shape.table} ({stored}, revision, current, "
                f"correction_reason, import_id, recorded_at) "
                f"SELECT {', '.join('i.' + c for c in (*shape.key, *shape.values))}, "
                f"old.revision + 1, true, i.correction_reason, :import_id, :now "
                f"FROM {incoming} i JOIN old USING ({', '.join(shape.key)}) RETURNING uscc) "
                f"{_WRITTEN}",
            ),
            params,
        )
    ).one()
    n_added, additions = (
        await session.execute(
            text(
                f"WITH written AS (INSERT INTO {shape.table} ({stored}, revision, current, "
                f"correction_reason, import_id, recorded_at) "
                f"SELECT {', '.join('i.' + c for c in (*shape.key, *shape.values))}, 1, true, "
                f"i.correction_reason, :import_id, :now FROM {incoming} i WHERE NOT EXISTS "
                f"(SELECT 1 FROM {shape.table} t WHERE {key}) RETURNING uscc) {_WRITTEN}"
            ),
            params,
        )
    ).one()
    changed = {*corrections, *additions}
    raised = await _raise_alerts(session, sorted(changed), now=now, outbox=outbox)
    return ImportReport(
        import_id=import_id,
        feed=feed,
        sha256=digest,
        rows=len(rows),
        new=n_added,
        corrected=n_corrected,
        unchanged=len(rows) - n_added - n_corrected,
        alerts_raised=[str(a.alert_id) for a in raised],
    )


async def _facts_of(session: AsyncSession, usccs: list[str]) -> dict[str, tuple[Facts, str]]:
    """What the watch knows of the enterprises (one query per kind of fact, whatever their
    number), each with the district its supply is in; those it knows no district of are left
    out."""
    kwh: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    tonnes: dict[str, dict[tuple[date, str], Decimal]] = defaultdict(dict)
    districts: dict[str, str] = {}
    r, i, o = readings.c, invoices.c, orders.c
    for uscc, period, amount, where in await session.execute(
        select(r.uscc, r.period, func.sum(r.kwh), func.max(r.district))
        .where(_among(r.uscc, usccs), r.current)
        .group_by(r.uscc, r.period)
    ):
        kwh[uscc][period] += amount
        districts[uscc] = where
    for uscc, period, category, amount, where in await session.execute(
        select(i.uscc, i.period, i.category, i.tonnes, i.district).where(
            _among(i.uscc, usccs), i.current
        )
    ):
        tonnes[uscc][(period, category)] = amount
        districts.setdefault(uscc, where)
    found: dict[str, list[Order]] = defaultdict(list)
    for row in await session.execute(select(orders).where(_among(o.uscc, usccs))):
        found[row.uscc].append(
            Order(
                row.event_id, row.event_type, row.ref, row.effective_on, row.district, row.measure
            )
        )
        districts.setdefault(row.uscc, row.district)
    licensed = set(
        (
            await session.execute(
                select(licences.c.uscc).where(
                    _among(licences.c.uscc, usccs), licences.c.steel, licences.c.active
                )
            )
        ).scalars()
    )
    predecessors = await _predecessors(session, usccs)
    return {
        uscc: (
            Facts(
                uscc=uscc,
                kwh=kwh.get(uscc, {}),
                tonnes=tonnes.get(uscc, {}),
                orders=found.get(uscc, []),
                licensed_steel=uscc in licensed,
                predecessors=predecessors.get(uscc, []),
            ),
            district,
        )
        for uscc, district in districts.items()
    }


async def _predecessors(session: AsyncSession, usccs: list[str]) -> dict[str, list[Predecessor]]:
    """For each enterprise, the others with an exit on record whose readings were at one of its
    addresses: their consumption there by month, and their orders."""
    exits = sorted(catalogue().exit_types())
    rows = await session.execute(
        text(
            "SELECT DISTINCT n.uscc AS successor, o.uscc, o.address, o.period, o.kwh, o.account "
            "FROM watch_readings n JOIN watch_readings o ON o.address = n.address "
            "AND o.uscc <> n.uscc AND o.current "
            "WHERE n.current AND n.uscc = ANY(:codes) AND EXISTS (SELECT 1 FROM watch_orders w "
            "WHERE w.uscc = o.uscc AND w.event_type = ANY(:exits))"
        ),
        {"codes": list(usccs), "exits": exits},
    )
    usage: dict[tuple[str, str, str], dict[date, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for successor, uscc, address, period, amount, _ in rows:
        usage[(successor, uscc, address)][period] += amount
    if not usage:
        return {}
    earlier = sorted({uscc for _, uscc, _ in usage})
    their: dict[str, list[Order]] = defaultdict(list)
    for row in await session.execute(select(orders).where(_among(orders.c.uscc, earlier))):
        their[row.uscc].append(
            Order(
                row.event_id, row.event_type, row.ref, row.effective_on, row.district, row.measure
            )
        )
    found: dict[str, list[Predecessor]] = defaultdict(list)
    for (successor, uscc, address), kwh in usage.items():
        found[successor].append(Predecessor(uscc, address, kwh, their[uscc]))
    return found


async def _successors_of_exited(session: AsyncSession, usccs: list[str]) -> list[str]:
    """The other enterprises drawing power at an address where one of `usccs` with an exit on
    record drew power: whether they revive it turns on that enterprise's readings and orders."""
    rows = await session.execute(
        text(
            "SELECT DISTINCT n.uscc FROM watch_readings o JOIN watch_readings n "
            "ON n.address = o.address AND n.uscc <> o.uscc AND n.current "
            "WHERE o.uscc = ANY(:codes) AND o.current AND EXISTS (SELECT 1 FROM watch_orders w "
            "WHERE w.uscc = o.uscc AND w.event_type = ANY(:exits))"
        ),
        {"codes": list(usccs), "exits": sorted(catalogue().exit_types())},
    )
    return list(rows.scalars())


async def _raise_alerts(
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
    known_facts = await _facts_of(session, usccs)
    findings = {
        uscc: found for uscc, (facts, _) in known_facts.items() if (found := evaluate(rules, facts))
    }
    if not findings:
        return []
    ids: set[str] = set()
    open_keys: set[str] = set()
    for id_, state, key in await session.execute(_ALERTS_OF, {"codes": sorted(findings)}):
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


_ALERTS_OF = select(alerts.c.id, alerts.c.state, alerts.c.doc["key"].astext).where(
    alerts.c.uscc == any_(bindparam("codes", type_=ARRAY(String)))
)
"""The enterprises' alerts (`codes`): built once, not for every run of the rules."""


def _among(column: Any, usccs: list[str]) -> ColumnElement[bool]:
    """`column = ANY(:codes)`: one parameter however many codes (an import may touch tens of
    thousands of enterprises, more than a statement's parameters may number)."""
    found: ColumnElement[bool] = column == any_(literal(list(usccs), ARRAY(String)))
    return found
