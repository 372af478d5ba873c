"""The city's view of one enterprise, as of a date: identity, the five dimensions, exits,
measures in force, and the timeline of every event with its provenance."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import timeline
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import AS_OF, Where, cases_as_of, exits_as_of
from phaseout_aggregator.app.names import Catalogues, Named, catalogues, exit_names, named_codes
from phaseout_aggregator.app.referrals import ReferralView, referrals_in_scope
from phaseout_shared.contracts.base import Stage
from phaseout_shared.contracts.stages import stage_of
from phaseout_shared.domain.errors import Forbidden, NotFound
from phaseout_shared.reference import Dimension


class AgencyView(BaseModel):
    """What one dimension's agency has on its register."""

    dimension: str
    name: str
    district: str
    industry: str
    address: str | None
    effective_on: date
    event_id: str = Field(description="The event these facts came from")


class Conflict(BaseModel):
    """A field on which the agencies disagree, with who says what."""

    field: str
    values: dict[str, list[str]] = Field(description="value -> the dimensions that hold it")


class CaseView(BaseModel):
    dimension: str
    case_id: str
    state: str
    deadline: date | None
    opened_on: date
    effective_on: date = Field(description="When the case entered its current state")
    overdue: bool

    @property
    def stage(self) -> Stage:
        """What the case's state means to the city (`contracts.stages`)."""
        return stage_of(self.dimension, self.state)


class ExitView(BaseModel):
    """Capacity that exited by law, with its legal basis."""

    dimension: str
    case_id: str
    item: str
    capacity_amount: Decimal
    capacity_unit: str
    rule: str
    catalogue_version: str
    exited_on: date | None
    status: str = Field(description="exited, or revived if later found running again")
    item_name: Named = Field(description="The line or equipment, named (炼铁高炉)")
    basis: Named = Field(description="The legal basis in words: the plan's wording and where")
    unit_name: Named = Field(description="The capacity unit, named (吨/年)")
    status_name: Named = Field(description="exited (已退出) or revived (死灰复燃)")


class DimensionStatus(BaseModel):
    dimension: str
    supervised: bool = Field(description="On this dimension's register")
    state: Literal["none", "open", "overdue", "closed"]
    open_cases: list[CaseView]
    next_deadline: date | None
    overdue: bool


class Measure(BaseModel):
    """A measure in force: a pricing measure, a restriction or a suspension."""

    model_config = ConfigDict(validate_assignment=True)

    dimension: str
    kind: str
    since: date
    until: date | None = None
    reference: str = Field(description="The measure's or case's id")


class TimelineEntry(BaseModel):
    event_id: str
    type: str
    dimension: str
    source: str
    topic: str
    partition: int
    offset: int
    effective_on: date | None
    recorded_at: Any
    data: dict[str, Any]
    sequence: int | None = Field(
        default=None, description="The event's number in its agency's stream for the enterprise"
    )
    acting_agency: str | None = Field(
        default=None,
        description="Who acted: the agency whose officer's command recorded the event "
        "(`actingagency`); none when no officer's command did, or before it was carried",
    )


class EnterpriseStatus(BaseModel):
    """One enterprise as the whole city sees it, on `as_of`."""

    uscc: str
    as_of: date
    name: str = Field(description="The name most agencies hold (ties: alphabetical)")
    district: str
    industry: str
    supervised_by: list[str]
    agencies: list[AgencyView]
    conflicts: list[Conflict]
    dimensions: list[DimensionStatus]
    cases: list[CaseView] = Field(description="Every case in scope, open or closed, as of the day")
    exit_status: Literal["none", "ordered", "exited"]
    exits: list[ExitView]
    measures: list[Measure]
    referrals: list[ReferralView]
    timeline: list[TimelineEntry]


def _named(row: dict[str, Any], known: Catalogues) -> dict[str, Named]:
    named = exit_names(row, known)
    return {
        "item_name": named.item,
        "basis": named.basis,
        "unit_name": named.unit,
        "status_name": named.status,
    }


async def enterprise_status(
    session: AsyncSession, uscc: str, as_of: date, scope: Scope
) -> EnterpriseStatus:
    events = await _timeline(session, uscc, as_of, scope)
    registered = _identities(events)
    if not registered:
        raise NotFound(f"no agency had registered {uscc} by {as_of}", field="uscc")
    agencies = [a for a in registered if scope.covers(a.dimension, a.district)]
    if not agencies:
        raise Forbidden(f"{uscc} is outside the caller's jurisdiction", field="uscc")
    referrals = await referrals_in_scope(session, scope, as_of, uscc=uscc)
    events = _in_scope(events, registered, {r.referral_id for r in referrals}, scope)
    merged, conflicts = merge(agencies)
    cases = [
        CaseView.model_validate(c) for c in await cases_as_of(session, as_of, scope, Where(uscc))
    ]
    exited = await exits_as_of(session, as_of, scope, Where(uscc))
    known = await catalogues(session, named_codes(exited))
    exits = [ExitView.model_validate({**e, **_named(e, known)}) for e in exited]
    return EnterpriseStatus(
        uscc=uscc,
        as_of=as_of,
        **merged,
        supervised_by=[a.dimension for a in agencies],
        agencies=agencies,
        conflicts=conflicts,
        dimensions=_dimensions(agencies, cases, scope),
        cases=cases,
        exit_status=_exit_status(cases, exits),
        exits=exits,
        measures=_measures(events, cases, as_of),
        referrals=referrals,
        timeline=events,
    )


@functools.cache
def _timeline_of(dimensions: frozenset[str] | None) -> Select[Any]:
    """One enterprise's events up to a day, of these dimensions (None: all), in the order they
    took effect and were recorded: built once per scope's dimensions."""
    t = timeline
    q = select(t).where(t.c.uscc == bindparam("uscc"), t.c.effective_on <= AS_OF)
    if dimensions is not None:
        q = q.where(t.c.dimension.in_(sorted(dimensions)))
    return q.order_by(t.c.effective_on, t.c.recorded_at, t.c.topic, t.c.partition, t.c.offset)


async def _timeline(
    session: AsyncSession, uscc: str, as_of: date, scope: Scope
) -> list[TimelineEntry]:
    rows = await session.execute(_timeline_of(scope.dimensions), {"uscc": uscc, "as_of": as_of})
    return [TimelineEntry.model_validate(dict(r._mapping)) for r in rows]


def _in_scope(
    events: list[TimelineEntry],
    registered: list[AgencyView],
    referrals: set[str],
    scope: Scope,
) -> list[TimelineEntry]:
    """The events the caller reads. Each is filed under the district its owner recorded it in:
    the district the event names, or, for the few that name none, the owner's own register
    entry of the enterprise (never another dimension's). A referral's events are read by the
    referral's parties (`Scope.reads_referral`)."""
    district = {a.dimension: a.district for a in registered}

    def seen(e: TimelineEntry) -> bool:
        if e.type.split(".")[2] == "referral":
            return str(e.data.get("referral_id")) in referrals
        return scope.covers(e.dimension, e.data.get("district") or district.get(e.dimension))

    return [e for e in events if seen(e)]


def _identities(events: list[TimelineEntry]) -> list[AgencyView]:
    """What each agency's register says, as its register holds it: the facts in force latest,
    and of those effective the same day the ones it recorded last (the greatest sequence;
    events without one, older, in timeline order and before any that has one)."""
    latest: dict[str, tuple[tuple[Any, bool, int, int], TimelineEntry]] = {}
    for position, e in enumerate(events):
        if e.type.split(".")[2] != "enterprise":
            continue
        rank = (e.effective_on, e.sequence is not None, e.sequence or 0, position)
        if e.dimension not in latest or latest[e.dimension][0] < rank:
            latest[e.dimension] = (rank, e)
    return [_agency_view(latest[d][1]) for d in sorted(latest)]


def _agency_view(e: TimelineEntry) -> AgencyView:
    facts = ("name", "district", "industry", "address", "effective_on")
    return AgencyView(
        dimension=e.dimension, event_id=e.event_id, **{k: e.data.get(k) for k in facts}
    )


def merge(views: list[AgencyView]) -> tuple[dict[str, str], list[Conflict]]:
    """The identity most registers hold, and the fields on which they disagree."""
    merged: dict[str, str] = {}
    conflicts = []
    for field in ("name", "district", "industry", "address"):
        holders: dict[str, list[str]] = defaultdict(list)
        for v in views:
            holders[str(getattr(v, field))].append(v.dimension)
        merged[field] = sorted(holders, key=lambda value: (-len(holders[value]), value))[0]
        if len(holders) > 1:
            conflicts.append(Conflict(field=field, values=dict(holders)))
    merged.pop("address")
    return merged, conflicts


def _dimensions(
    agencies: list[AgencyView], cases: list[CaseView], scope: Scope
) -> list[DimensionStatus]:
    supervised = {a.dimension for a in agencies}
    out = []
    for dim in (d.value for d in Dimension):
        if scope.dimensions is not None and dim not in scope.dimensions:
            continue
        mine = [c for c in cases if c.dimension == dim]
        open_ = [c for c in mine if c.stage.open]
        deadlines = [c.deadline for c in open_ if c.deadline is not None]
        overdue = any(c.overdue for c in open_)
        state = "overdue" if overdue else "open" if open_ else "closed" if mine else "none"
        out.append(
            DimensionStatus(
                dimension=dim,
                supervised=dim in supervised,
                state=state,
                open_cases=open_,
                next_deadline=min(deadlines, default=None),
                overdue=overdue,
            )
        )
    return out


def _exit_status(
    cases: list[CaseView], exits: list[ExitView]
) -> Literal["none", "ordered", "exited"]:
    if any(e.status == "exited" for e in exits):
        return "exited"
    if any(c.stage in (Stage.EXITING, Stage.EXITED) for c in cases):
        return "ordered"
    return "none"


def _measures(events: list[TimelineEntry], cases: list[CaseView], as_of: date) -> list[Measure]:
    pricing: dict[str, Measure] = {}
    for e in events:
        if e.type == "phaseout.energy.pricing_measure.recorded.v1":
            d = e.data
            pricing[d["measure_id"]] = Measure(
                dimension="energy",
                kind=d["kind"],
                since=d["starts_on"],
                until=d.get("ends_on"),
                reference=d["measure_id"],
            )
        elif e.type == "phaseout.energy.pricing_measure.ended.v1":
            ended = pricing.get(e.data["measure_id"])
            if ended is not None:
                ended.until = (
                    date.fromisoformat(e.data["ends_on"])
                    if e.data.get("ends_on")
                    else e.effective_on
                )
    in_force = [
        m for m in pricing.values() if m.since <= as_of and (m.until is None or as_of <= m.until)
    ]
    in_force += [
        Measure(dimension=c.dimension, kind=c.state, since=c.effective_on, reference=c.case_id)
        for c in cases
        if c.stage is Stage.RESTRICTED
    ]
    return in_force
