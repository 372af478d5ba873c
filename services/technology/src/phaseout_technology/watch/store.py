"""Loading a feed file in one transaction, set-based, and raising the alerts it causes.

The rows go to a temporary table by PostgreSQL's `COPY` (asyncpg's binary copy), then three
statements decide for all of them at once: the rows new to the store are inserted; a row that
differs from the current one supersedes it when it gives a `correction_reason` and is a problem
of its line otherwise; an identical row changes nothing. So the same file twice changes nothing,
and a file with one problem loads nothing (the transaction is rolled back).
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    String,
    TextClause,
    bindparam,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.city_time import city_date
from phaseout_shared.outbox import Outbox
from phaseout_technology.watch.alert import Alert, AlertState
from phaseout_technology.watch.feeds import Feed, Problem, Reading, Rejected, Row
from phaseout_technology.watch.rules import (
    Catalogue,
    Facts,
    Order,
    Predecessor,
    catalogue,
    evaluate,
    with_figures,
)
from phaseout_technology.watch.tables import (
    ALERTS,
    alerts,
    invoices,
    licences,
    orders,
    rule_versions,
)

_CODES = ARRAY(String)
AMONG = "IN (SELECT unnest(CAST(:codes AS text[])))"
"""`_among` in a statement written as text."""


EVALUATION_LOCK = 0x7761746368  # "watch": the advisory lock every evaluation of the rules takes


class ImportReport(BaseModel):
    """What an import changed: nothing at all for a file loaded before."""

    import_id: str
    feed: Feed
    sha256: str
    rows: int
    new: int
    corrected: int
    unchanged: int
    alerts_raised: list[str]


@dataclass(frozen=True)
class _Shape:
    table: str
    key: tuple[str, ...]
    values: tuple[str, ...]


SHAPES = {
    Feed.ELECTRICITY: _Shape(
        "watch_readings",
        ("account", "period"),
        ("uscc", "district", "address", "kwh", "max_demand_kw"),
    ),
    Feed.INVOICES: _Shape(
        "watch_invoices", ("uscc", "period", "category"), ("district", "amount_yuan", "tonnes")
    ),
}
TYPES = {
    "line": "integer",
    "uscc": "text",
    "account": "text",
    "address": "text",
    "district": "text",
    "period": "date",
    "category": "text",
    "kwh": "numeric",
    "max_demand_kw": "numeric",
    "amount_yuan": "numeric",
    "tonnes": "numeric",
    "correction_reason": "text",
}


SMALL = 2_000
"""A load of at most this many rows sends them as arrays in its one statement (`unnest`); a
larger one first copies them to a temporary table (binary `COPY`), whose cost is worth it only
for many rows."""


def _records(rows: list[Row], columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows' values in `columns`, each row a tuple (one `attrgetter` for all of them)."""
    get = attrgetter(*columns)
    return [get(r) for r in rows] if len(columns) > 1 else [(get(r),) for r in rows]


@functools.cache
def _upsert(feed: Feed, arrays: bool) -> TextClause:
    """One statement deciding for every incoming row at once (`i`: a temporary table, or with
    `arrays` the rows' columns given as arrays): the lines that differ from the current reading
    of their key without a `correction_reason` (conflicts), the corrections (the current
    reading superseded, the new one written as its next revision) and the rows new to the
    store; each write answers with its count and distinct enterprises, not a row per reading.

    Its sub-statements see the store as it was when the statement began, so the additions are
    exactly the keys with no reading at all. With conflicts, the caller refuses the load and
    rolls back what the statement wrote."""
    shape = SHAPES[feed]
    columns = ("line", *shape.key, *shape.values, "correction_reason")
    if arrays:
        source = (
            "incoming AS (SELECT * FROM unnest("
            + ", ".join(f"CAST(:{c} AS {TYPES[c]}[])" for c in columns)
            + f") AS u({', '.join(columns)})), "
        )
        incoming = "incoming"
    else:
        source, incoming = "", _INCOMING.format(feed=feed.value)
    key = " AND ".join(f"t.{k} = i.{k}" for k in shape.key)
    differs = (
        "("
        + ", ".join(f"t.{v}" for v in shape.values)
        + ") IS DISTINCT FROM ("
        + ", ".join(f"i.{v}" for v in shape.values)
        + ")"
    )
    stored = ", ".join((*shape.key, *shape.values))
    taken = ", ".join("i." + c for c in (*shape.key, *shape.values))
    return text(
        f"WITH {source}"
        f"conflicts AS (SELECT i.line FROM {incoming} i JOIN {shape.table} t ON {key} "
        f"AND t.current WHERE {differs} AND i.correction_reason IS NULL), "
        f"old AS (UPDATE {shape.table} t SET current = false FROM {incoming} i "
        f"WHERE {key} AND t.current AND {differs} "
        f"RETURNING {', '.join('t.' + k for k in shape.key)}, t.revision), "
        f"corrected AS (INSERT INTO {shape.table} ({stored}, revision, current, "
        f"correction_reason, import_id, recorded_at) "
        f"SELECT {taken}, old.revision + 1, true, i.correction_reason, :import_id, :now "
        f"FROM {incoming} i JOIN old USING ({', '.join(shape.key)}) RETURNING uscc), "
        f"added AS (INSERT INTO {shape.table} ({stored}, revision, current, "
        f"correction_reason, import_id, recorded_at) "
        f"SELECT {taken}, 1, true, i.correction_reason, :import_id, :now FROM {incoming} i "
        f"WHERE NOT EXISTS (SELECT 1 FROM {shape.table} t WHERE {key}) RETURNING uscc) "
        "SELECT (SELECT coalesce(array_agg(line ORDER BY line), '{}') FROM conflicts), "
        "(SELECT count(*) FROM corrected), "
        "(SELECT coalesce(array_agg(DISTINCT uscc), '{}') FROM corrected), "
        "(SELECT count(*) FROM added), "
        "(SELECT coalesce(array_agg(DISTINCT uscc), '{}') FROM added)"
    )


_INCOMING = "watch_incoming_{feed}"


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
    params: dict[str, Any] = {"import_id": import_id, "now": now}
    arrays = len(rows) <= SMALL
    if arrays:
        params.update(
            zip(columns, (list(c) for c in zip(*_records(rows, columns), strict=True)), strict=True)
        )
    else:
        incoming = _INCOMING.format(feed=feed.value)
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
    conflicts, n_corrected, corrections, n_added, additions = (
        await session.execute(_upsert(feed, arrays), params)
    ).one()
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
    changed = {*corrections, *additions}
    loaded = None if arrays or feed is not Feed.ELECTRICITY else _loaded(rows)
    raised = await raise_alerts(session, sorted(changed), now=now, outbox=outbox, loaded=loaded)
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


@dataclass(frozen=True)
class Loaded:
    """The readings a load has just written through the temporary table, given to the rules
    from memory: after the load, the current reading of each of their keys is the one in the
    file (new, corrected, or the same as stored), so the facts' query leaves those keys out
    rather than read back what was just written (at a million readings, most of the rules'
    time)."""

    kwh: dict[str, dict[date, Decimal]]
    """The load's consumption by enterprise and month (summed over accounts)."""
    districts: dict[str, str]
    """Each enterprise's district in the load (the greatest, as the query takes it)."""


def _loaded(rows: list[Row]) -> Loaded:
    kwh: dict[str, dict[date, Decimal]] = defaultdict(dict)
    districts: dict[str, str] = {}
    for row in rows:
        assert isinstance(row, Reading)
        months = kwh[row.uscc]
        months[row.period] = months.get(row.period, _ZERO) + row.kwh
        if row.district > districts.get(row.uscc, ""):
            districts[row.uscc] = row.district
    return Loaded(kwh, districts)


_ZERO = Decimal(0)


def _refuse_duplicates(shape: _Shape, rows: list[Row]) -> None:
    keys = _records(rows, shape.key)
    if len(set(keys)) == len(keys):  # as a file almost always is: no line to name
        return
    first: dict[tuple[Any, ...], int] = {}
    problems = []
    for row, key in zip(rows, keys, strict=True):
        if key in first:
            problems.append(
                Problem(
                    row.line,
                    shape.key[0],
                    f"{'/'.join(str(k) for k in key)} is already on line {first[key]}",
                )
            )
        else:
            first[key] = row.line
    if problems:
        raise Rejected(problems)


async def facts_of(
    session: AsyncSession, usccs: list[str], loaded: Loaded | None = None
) -> dict[str, tuple[Facts, str]]:
    """What the watch knows of the enterprises that a rule could find something of, each with
    the district its supply is in (one query per kind of fact, whatever their number).

    Every rule needs an order, an invoiced tonnage or another enterprise's exit at the address:
    an enterprise with none of these is left out before its consumption is read (after a
    file of a million readings, most of them). So is one whose district the watch does not
    know."""
    i, o = invoices.c, orders.c
    tonnes: dict[str, dict[tuple[date, str], Decimal]] = defaultdict(dict)
    elsewhere: dict[str, str] = {}
    """The district of an enterprise known only by its invoices or orders."""
    for uscc, period, category, amount, where in await session.execute(
        select(i.uscc, i.period, i.category, i.tonnes, i.district).where(
            _among(i.uscc, usccs), i.current
        )
    ):
        tonnes[uscc][(period, category)] = amount
        elsewhere.setdefault(uscc, where)
    found: dict[str, list[Order]] = defaultdict(list)
    for row in await session.execute(select(orders).where(_among(o.uscc, usccs))):
        found[row.uscc].append(
            Order(
                row.event_id, row.event_type, row.ref, row.effective_on, row.district, row.measure
            )
        )
        elsewhere.setdefault(row.uscc, row.district)
    predecessors = await _predecessors(session, usccs)
    watched = sorted({*tonnes, *found, *predecessors})
    if not watched:
        return {}
    licensed = set(
        (
            await session.execute(
                select(licences.c.uscc).where(
                    _among(licences.c.uscc, watched), licences.c.steel, licences.c.active
                )
            )
        ).scalars()
    )
    kwh, districts = await _consumption(session, watched, loaded)
    for uscc, where in elsewhere.items():
        districts.setdefault(uscc, where)
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
            districts[uscc],
        )
        for uscc in watched
        if uscc in districts
    }


async def _consumption(
    session: AsyncSession, usccs: list[str], loaded: Loaded | None
) -> tuple[dict[str, dict[date, Decimal]], dict[str, str]]:
    """The enterprises' current consumption by month, and the district of their supply: read,
    or with `loaded` read outside the load and the load's own readings added from memory."""
    kwh: dict[str, dict[date, Decimal]] = {}
    districts: dict[str, str] = {}
    query = _KWH_BY_MONTH if loaded is None else _KWH_OUTSIDE_LOAD
    for uscc, where, periods, amounts in await session.execute(query, {"codes": usccs}):
        kwh[uscc] = dict(zip(periods, amounts, strict=True))
        districts[uscc] = where
    if loaded is None:
        return kwh, districts
    for uscc in usccs:
        fresh = loaded.kwh.get(uscc)
        if fresh is None:
            continue
        months = kwh.get(uscc)
        if months is None:
            kwh[uscc] = fresh
        else:
            for period, amount in fresh.items():
                months[period] = months.get(period, _ZERO) + amount
        districts[uscc] = max(districts.get(uscc, ""), loaded.districts[uscc])
    return kwh, districts


_KWH = (
    "SELECT uscc, max(district), array_agg(period), array_agg(kwh) FROM (SELECT r.uscc, "
    "r.period, sum(r.kwh) AS kwh, max(r.district) AS district FROM watch_readings r WHERE "
    "r.uscc " + AMONG + " AND r.current {outside} GROUP BY r.uscc, r.period) monthly GROUP BY uscc"
)
_KWH_BY_MONTH = text(_KWH.format(outside=""))
"""Each enterprise's current consumption by month (over its accounts), as two arrays: a row per
enterprise rather than per month, for a load that touches thousands of them."""
_KWH_OUTSIDE_LOAD = text(
    _KWH.format(
        outside=f"AND NOT EXISTS (SELECT 1 FROM {_INCOMING.format(feed=Feed.ELECTRICITY.value)} "
        "i WHERE i.account = r.account AND i.period = r.period)"
    )
)
"""The same, of the readings whose keys are not in the load's temporary table (`Loaded`)."""


async def _predecessors(session: AsyncSession, usccs: list[str]) -> dict[str, list[Predecessor]]:
    """For each enterprise, the others with an exit on record whose readings were at one of its
    addresses: their consumption there by month, and their orders."""
    exits = sorted(catalogue().exit_types())
    rows = await session.execute(
        text(
            "SELECT DISTINCT n.uscc AS successor, o.uscc, o.address, o.period, o.kwh, o.account "
            "FROM watch_readings n JOIN watch_readings o ON o.address = n.address "
            "AND o.uscc <> n.uscc AND o.current "
            "WHERE n.current AND n.uscc " + AMONG + " AND EXISTS (SELECT 1 FROM watch_orders w "
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
            "WHERE o.uscc " + AMONG + " AND o.current AND EXISTS (SELECT 1 FROM watch_orders w "
            "WHERE w.uscc = o.uscc AND w.event_type = ANY(:exits))"
        ),
        {"codes": list(usccs), "exits": sorted(catalogue().exit_types())},
    )
    return list(rows.scalars())


async def rules_in_force(session: AsyncSession, day: date | None = None) -> Catalogue:
    """The rules in force on `day`: the latest amendment effective by then (of two effective the
    same day, the one recorded last); without a day, the one recorded last, whatever its date
    (what the next amendment starts from). Else the catalogue the service ships."""
    t = rule_versions
    query = select(t.c.catalogue).order_by(t.c.recorded_at.desc()).limit(1)
    if day is not None:
        query = (
            select(t.c.catalogue)
            .where(t.c.effective_on <= day)
            .order_by(t.c.effective_on.desc(), t.c.recorded_at.desc())
            .limit(1)
        )
    found = await session.scalar(query)
    return catalogue() if found is None else with_figures(Catalogue.model_validate(found))


async def hold_evaluation(session: AsyncSession) -> None:
    """Take the watch's lock until the transaction ends: what the rules read is then what was
    committed before, and what this transaction writes is seen by the evaluations after it."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVALUATION_LOCK})


async def raise_alerts(
    session: AsyncSession,
    usccs: list[str],
    *,
    now: datetime,
    outbox: Outbox,
    loaded: Loaded | None = None,
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
    known_facts = await facts_of(session, usccs, loaded)
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
            await outbox.append(session, alert.pull_events(), subject=uscc, at=now)
            ids.add(str(alert.alert_id))
            open_keys.add(alert.key)
            raised.append(alert)
    await ALERTS.add_all(session, raised, now)
    return raised


_ALERTS_OF = select(alerts.c.id, alerts.c.state, alerts.c.doc["key"].astext).where(
    alerts.c.uscc.in_(select(func.unnest(bindparam("codes", type_=_CODES))))
)
"""The enterprises' alerts (`codes`): built once, not for every run of the rules."""


def _among(column: Any, usccs: list[str]) -> ColumnElement[bool]:
    """`column IN (SELECT unnest(:codes))`: one parameter however many codes (an import may touch
    tens of thousands of enterprises, more than a statement's parameters may number), joined as
    a set. (`column = ANY(:codes)` compares each row with the whole array where the planner
    scans the table, as it does for rows written in the same transaction: a load of 24,000
    readings spent 180 ms there.)"""
    found: ColumnElement[bool] = column.in_(select(func.unnest(literal(list(usccs), _CODES))))
    return found


def _district(finding: Any, supply: str) -> str:
    """The order's district where an order is broken (its agency's record), else the supply's."""
    order = finding.order
    return str(order.district) if order is not None else supply
