"""The revival watch's HTTP API, under `/v1/watch`.

Feeds are loaded by the city bureau's officers (`miit`, city). Raw readings and invoices are read
only by miit's and samr's city officers and by the government of the enterprise's district; every
other caller with a token reads the alerts (within its district), and the rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, select

from phaseout_shared.aggregates import Filters, list_page
from phaseout_shared.auth import Principal, authorise_write
from phaseout_shared.city_time import refuse_future, today
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.technology import WatchOutcome
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.domain.errors import Forbidden
from phaseout_shared.limits import Day
from phaseout_shared.reference import USCC, Agency, Dimension, District
from phaseout_shared.scope import READ_BY_ANYONE, READ_BY_PARTIES
from phaseout_shared.settings import Settings
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.web import problem, read_file
from phaseout_technology.watch import answers, feeds, store
from phaseout_technology.watch.alert import Alert, AlertState
from phaseout_technology.watch.rules import AMENDABLE, Catalogue, amended, month
from phaseout_technology.watch.tables import ALERTS, invoices, readings, rule_versions

router = APIRouter(prefix="/v1/watch", tags=["watch"])
RAW_READERS = frozenset({Agency.MIIT, Agency.SAMR})
AlertWork = Annotated[UnitOfWork, versioned("watch_alerts")]


def import_path(feed: feeds.Feed) -> str:
    """The route a feed's files are imported at (its body a file: `ServiceSpec.files`)."""
    return f"{router.prefix}/feeds/{feed.value}/imports"


def feed_limit(settings: Settings) -> int:
    return settings.feed_max_bytes


@router.post(
    "/feeds/{feed}/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=store.ImportReport,
)
async def import_feed(
    feed: feeds.Feed,
    request: Request,
    work: Work,
    filename: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    """Load a file of the grid company's readings (`electricity`: uscc, account, address,
    district, period YYYY-MM, kwh, max_demand_kw) or the tax bureau's invoices (`invoices`:
    uscc, district, period, category, amount_yuan, tonnes), each with an optional
    correction_reason; the body is the CSV (`text/csv`) or xlsx file itself. All of it loads in
    one transaction or nothing does: 422 lists every problem with its line and column. A row
    equal to the stored one changes nothing; one that differs supersedes it only with a
    correction_reason. The rules then run over the enterprises it touched. A file over
    `PHASEOUT_FEED_MAX_BYTES` (256 MiB) is a 413."""
    content = await read_file(request, request.app.state.settings.feed_max_bytes)
    try:
        async with work:
            assert work.principal is not None
            authorise_write(work.principal, Dimension.TECHNOLOGY, "city")
            # Checked in a worker thread: a million rows take seconds of Python, which would
            # otherwise hold the service's event loop (its other requests and consumers).
            rows = await asyncio.to_thread(
                feeds.parse, feed, content, request.headers.get("content-type", "")
            )
            _refuse_future(rows, today(work))
            report = await store.load(
                work.session, feed, rows, content, now=work.now, outbox=request.app.state.outbox
            )
            await work.audit(
                f"watch.import.{feed.value}",
                report.import_id,
                {**report.model_dump(mode="json", exclude={"alerts_raised"}), "filename": filename},
            )
            return report
    except feeds.Rejected as rejected:  # rolled back: nothing of the file is loaded
        return _rejected(rejected)


def _refuse_future(rows: list[feeds.Row], today_: date) -> None:
    late = [
        feeds.Problem(r.line, "period", f"{r.period:%Y-%m} is after this month")
        for r in rows
        if r.period > month(today_)
    ]
    if late:
        raise feeds.Rejected(late)


def _rejected(rejected: feeds.Rejected) -> JSONResponse:
    problems = rejected.problems
    response = problem(422, [p.item() for p in problems])
    response.headers["X-Problems"] = str(len(problems))
    return response


class ReadingOut(BaseModel):
    account: str
    period: date
    revision: int
    uscc: str
    district: str
    address: str
    kwh: Decimal
    max_demand_kw: Decimal
    correction_reason: str | None


class InvoiceOut(BaseModel):
    uscc: str
    period: date
    category: str
    revision: int
    district: str
    amount_yuan: Decimal
    tonnes: Decimal
    correction_reason: str | None


def raw_district(principal: Principal | None) -> str | None:
    """The district whose raw figures the caller reads (None: all); Forbidden to others."""
    assert principal is not None
    if principal.agency is None:
        return None if principal.city_wide else str(principal.jurisdiction)
    if principal.agency in RAW_READERS and principal.city_wide:
        return None
    raise Forbidden(
        "raw electricity and invoice figures are read only by miit's and samr's city officers "
        "and the government of the enterprise's district; read the alerts instead",
        field="agency"
        if principal.city_wide or principal.agency not in RAW_READERS
        else "jurisdiction",
    )


async def _raw_page(
    work: UnitOfWork, table: Any, model: type[BaseModel], uscc: str, paging: Any, *order: Any
) -> dict[str, Any]:
    async with work:
        district = raw_district(work.principal)
        where = [table.c.uscc == uscc, table.c.current]
        if district is not None:
            elsewhere = await work.session.scalar(
                select(func.count()).where(*where, table.c.district != district)
            )
            if elsewhere:
                raise Forbidden(
                    f"an officer of {district} cannot read another district's figures",
                    field="district",
                )
        total = await work.session.scalar(select(func.count()).select_from(table).where(*where))
        rows = await work.session.execute(
            select(table).where(*where).order_by(*order).limit(paging.limit).offset(paging.offset)
        )
        items = [model.model_validate(dict(r._mapping)) for r in rows]
    return {
        "items": items,
        "total": int(total or 0),
        "limit": paging.limit,
        "offset": paging.offset,
    }


@router.get("/readings", openapi_extra=READ_BY_PARTIES)
async def list_readings(work: Work, paging: Paging, uscc: USCC) -> Page[ReadingOut]:
    """An enterprise's current electricity readings, by month and account (raw figures)."""
    page = await _raw_page(
        work, readings, ReadingOut, uscc, paging, readings.c.period, readings.c.account
    )
    return Page[ReadingOut](**page)


@router.get("/invoices", openapi_extra=READ_BY_PARTIES)
async def list_invoices(work: Work, paging: Paging, uscc: USCC) -> Page[InvoiceOut]:
    """An enterprise's current invoiced sales, by month and product category (raw figures)."""
    page = await _raw_page(
        work, invoices, InvoiceOut, uscc, paging, invoices.c.period, invoices.c.category
    )
    return Page[InvoiceOut](**page)


@router.get("/rules", openapi_extra=READ_BY_ANYONE)
async def read_rules(work: Work, as_of: Day | None = None) -> Catalogue:
    """The watch rules in force (on `as_of`, by default today), each with its basis and
    thresholds."""
    async with work:
        return await store.rules_in_force(work.session, as_of or today(work))


class AmendmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_id: str = Field(
        min_length=1, max_length=64, description="The rule, e.g. W-energy-shutdown"
    )
    changes: dict[Annotated[str, Field(max_length=40)], Decimal] = Field(
        max_length=len(AMENDABLE),
        description="The figures to change and their new values, e.g. "
        '{"share_of_baseline": "0.15"}: ' + ", ".join(sorted(AMENDABLE)),
    )
    reason: str = Field(min_length=1, max_length=2000, description="Why, and on whose decision")
    effective_on: Day = Field(description="From when the figures apply; today at the latest")


class Amendment(BaseModel):
    version: str = Field(description="The rules' version this amendment put in force")
    effective_on: date
    rule_id: str
    changes: dict[str, Decimal]
    reason: str
    amended_by: str
    agency: str
    recorded_at: datetime


@router.post("/rules/amendments", status_code=status.HTTP_201_CREATED)
async def amend_rules(body: AmendmentIn, work: Work) -> Amendment:
    """Change a rule's figures (thresholds, baseline, grace, the days allowed for the check):
    miit's city officers, who own the rules. The whole catalogue is kept as a new version in
    force from `effective_on`; alerts raised before keep the version they were raised under,
    and the readings loaded from then on are judged by the new one."""
    async with work:
        assert work.principal is not None
        authorise_write(work.principal, Dimension.TECHNOLOGY, "city")
        refuse_future(work, effective_on=body.effective_on)
        rules = amended(await store.rules_in_force(work.session), body.rule_id, body.changes)
        row = {
            "version": rules.version,
            "effective_on": body.effective_on,
            "rule_id": body.rule_id,
            "changes": {k: str(v) for k, v in body.changes.items()},
            "reason": body.reason,
            "catalogue": rules.model_dump(mode="json"),
            "amended_by": work.principal.sub,
            "agency": str(work.principal.agency),
            "recorded_at": work.now,
        }
        await work.session.execute(insert(rule_versions).values(row))
        await work.audit("watch.rules.amend", rules.version, body.model_dump(mode="json"))
    return Amendment.model_validate(row)


@router.get("/rules/amendments", openapi_extra=READ_BY_ANYONE)
async def list_amendments(work: Work) -> list[Amendment]:
    """Every amendment of the rules, the latest first."""
    async with work:
        rows = await work.session.execute(
            select(rule_versions).order_by(rule_versions.c.recorded_at.desc())
        )
        return [Amendment.model_validate(dict(r._mapping)) for r in rows]


@router.get("/alerts", openapi_extra=READ_BY_PARTIES)
async def list_alerts(
    work: Work,
    paging: Paging,
    uscc: USCC | None = None,
    district: Annotated[District | None, Query()] = None,
    state: AlertState | None = None,
    overdue_as_of: Day | None = None,
) -> Page[Alert]:
    """The alerts within the caller's district: any caller with a token reads them."""
    filters = Filters(uscc, district, None, state, overdue_as_of)
    return await list_page(ALERTS, work, paging, filters)


@router.get("/alerts/{alert_id}", openapi_extra=READ_BY_PARTIES)
async def read_alert(alert_id: str, work: AlertWork) -> Alert:
    async with work:
        return await ALERTS.read(work.session, alert_id, work.principal)


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: WatchOutcome = Field(description="revival_confirmed, explained or false_reading")
    reason: str = Field(min_length=1, max_length=2000, description="What the on-site check found")
    effective_on: Day = Field(description="The date of the check; today at the latest")


@router.post("/alerts/{alert_id}/outcome")
async def close_alert(alert_id: str, body: OutcomeIn, work: AlertWork) -> Alert:
    """The on-site check's outcome. A confirmed revival of a technology elimination case
    re-opens the case (死灰复燃), so the city's exit list shows it revived from that date; 409 if
    the alert is closed already, or the case cannot be re-opened in its state."""
    async with work:
        assert work.principal is not None
        alert = await work.store(ALERTS).get(alert_id)
        authorise_write(work.principal, Dimension.TECHNOLOGY, alert.district)
        refuse_future(work, effective_on=body.effective_on)

        async def emit(events: Sequence[EventPayload], subject: str) -> None:
            await work.emit(events, subject=subject)

        await answers.close(
            work.session,
            alert,
            body.outcome,
            body.reason,
            body.effective_on,
            now=work.now,
            emit=emit,
            by=work.principal.agency,
        )
        await work.audit("watch.alert.close", alert_id, body.model_dump(mode="json"))
        return alert
