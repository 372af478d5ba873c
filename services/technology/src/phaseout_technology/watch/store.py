"""Loading a feed file in one transaction, set-based, and raising the alerts it causes.

The rows go to a temporary table by PostgreSQL's `COPY` (asyncpg's binary copy), then three
statements decide for all of them at once: the rows new to the store are inserted; a row that
differs from the current one supersedes it when it gives a `correction_reason` and is a problem
of its line otherwise; an identical row changes nothing. So the same file twice changes nothing,
and a file with one problem loads nothing (the transaction is rolled back).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.city_time import city_date
from phaseout_shared.outbox import Outbox
from phaseout_technology.watch.alert import Alert, AlertState
from phaseout_technology.watch.feeds import Feed, Problem, Rejected, Row
from phaseout_technology.watch.rules import Facts, Order, catalogue, evaluate
from phaseout_technology.watch.tables import ALERTS, alerts, invoices, licences, orders, readings


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


def _record(row: Row, columns: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(row, c) for c in columns)


async def load(
    session: AsyncSession,
    feed: Feed,
    rows: list[Row],
    content: bytes,
    *,
    now: datetime,
    outbox: Outbox,
) -> ImportReport:
    """Load checked rows; `Rejected` (the caller rolls back) if a row conflicts."""
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
        incoming, records=[_record(r, columns) for r in rows], columns=list(columns)
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
    raised = await raise_alerts(session, sorted(changed), now=now, outbox=outbox)
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


def _refuse_duplicates(shape: _Shape, rows: list[Row]) -> None:
    first: dict[tuple[Any, ...], int] = {}
    problems = []
    for row in rows:
        key = _record(row, shape.key)
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


async def facts_of(session: AsyncSession, uscc: str) -> tuple[Facts, str | None]:
    """What the watch knows of one enterprise, and the district its supply is in."""
    kwh: dict[date, Decimal] = defaultdict(Decimal)
    district: str | None = None
    rows = await session.execute(
        select(readings.c.period, readings.c.kwh, readings.c.district).where(
            readings.c.uscc == uscc, readings.c.current
        )
    )
    for period, amount, where in rows:
        kwh[period] += amount
        district = where
    tonnes: dict[tuple[date, str], Decimal] = {}
    for period, category, amount, where in await session.execute(
        select(
            invoices.c.period, invoices.c.category, invoices.c.tonnes, invoices.c.district
        ).where(invoices.c.uscc == uscc, invoices.c.current)
    ):
        tonnes[(period, category)] = amount
        district = district or where
    found = [
        Order(r.event_id, r.event_type, r.ref, r.effective_on, r.district, r.measure)
        for r in await session.execute(select(orders).where(orders.c.uscc == uscc))
    ]
    licensed = await session.scalar(
        select(licences.c.licence_number).where(
            licences.c.uscc == uscc, licences.c.steel, licences.c.active
        )
    )
    if district is None and found:
        district = found[0].district
    facts = Facts(
        uscc=uscc, kwh=kwh, tonnes=tonnes, orders=found, licensed_steel=licensed is not None
    )
    return facts, district


async def raise_alerts(
    session: AsyncSession, usccs: list[str], *, now: datetime, outbox: Outbox
) -> list[Alert]:
    """Run the rules over the enterprises' facts and raise the alerts not raised before: one
    open alert per watch (`key`), each alert once (its id derives from its watch and month)."""
    rules = catalogue()
    raised: list[Alert] = []
    today = city_date(now)
    for uscc in usccs:
        facts, district = await facts_of(session, uscc)
        if district is None:
            continue
        findings = evaluate(rules, facts)
        if not findings:
            continue
        known = await session.execute(
            select(alerts.c.id, alerts.c.state, alerts.c.doc["key"].astext).where(
                alerts.c.uscc == uscc
            )
        )
        ids: set[str] = set()
        open_keys: set[str] = set()
        for id_, state, key in known:
            ids.add(id_)
            if state == AlertState.OPEN:
                open_keys.add(key)
        for finding in findings:
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


def _district(finding: Any, supply: str) -> str:
    """The order's district where an order is broken (its agency's record), else the supply's."""
    order = finding.order
    return str(order.district) if order is not None else supply
