"""The figures officials chart (#19): capacity exited per industry and per district against
the capacity put on the year's exit work, progress month by month, and overdue work by agency.

The year's task. The 2019 plan's 目标任务 names the twelve industries and the standards that
decide what exits; it sets no capacity figure per industry or district, and the agencies' task
lists (产能退出工作任务清单) are what they find and order during the year. So the charts set the
capacity exited against the capacity the agencies put on their exit work in the year — the
eliminated equipment technology found (发现一起、淘汰一起), the shutdowns energy ordered, the
closures environment proposed, the closures safety carried out (its only act that names a
capacity) — and say that the plan gives no figure (`plan_figures` is null), never a number of
their own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import Numeric, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import case_events, timeline
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.exit_list import exit_list
from phaseout_aggregator.app.history import Where, cases_as_of
from phaseout_aggregator.app.names import Named
from phaseout_aggregator.app.referrals import referrals_in_scope
from phaseout_aggregator.app.watch import alerts_as_of
from phaseout_shared.contracts.base import Stage
from phaseout_shared.contracts.stages import STAGES
from phaseout_shared.reference import unit_name
from phaseout_shared.writes import LEADS

TASK_EVENTS = {
    "phaseout.technology.case.opened.v1": "eliminated equipment found",
    "phaseout.energy.shutdown.ordered.v1": "shutdown ordered",
    "phaseout.environment.closure.proposed.v1": "closure proposed",
    "phaseout.safety.case.closed.v1": "closure carried out",
}
"""The acts that put a capacity on the year's exit work, per dimension (see the module)."""

TASK_NOTE = Named(
    zh="《行动计划》未下达分行业、分区的产能任务数字；“列入任务”为各部门本年度列入退出工作的产能："
    "技术排查发现的淘汰类装备、能耗责令关停、环保提请关闭、安全关闭。",
    en="The plan sets no capacity figure per industry or district; 'on the year's work' is the "
    "capacity the agencies put on their exit work this year: eliminated equipment found "
    "(technology), shutdowns ordered (energy), closures proposed (environment), closures "
    "(safety).",
)


def _unit(code: str) -> Named:
    return Named(zh=unit_name(code, "zh"), en=unit_name(code, "en"))


class CapacityRow(BaseModel):
    """One industry's or district's capacity in one unit."""

    code: str = Field(description="The industry or district")
    capacity_unit: str
    unit_name: Named
    listed: Decimal = Field(description="Capacity put on the year's exit work (see task_note)")
    listed_items: int
    exited: Decimal = Field(description="Capacity exited in the year (on the exit list)")
    exited_items: int


class CapacityChart(BaseModel):
    year: int
    as_of: date
    by_industry: list[CapacityRow]
    by_district: list[CapacityRow]
    plan_figures: None = Field(
        default=None,
        description="The plan's capacity task per industry or district: it sets none",
    )
    task_note: Named = Field(description="What 'listed' counts, and that the plan sets no figure")


class MonthRow(BaseModel):
    month: int = Field(ge=1, le=12)
    opened: int = Field(description="Cases opened in the month")
    closed: int = Field(description="Cases closed or exited in the month (first time that year)")
    exited_items: int = Field(description="Lines or equipment that exited in the month")


class MonthlyProgress(BaseModel):
    year: int
    as_of: date
    months: list[MonthRow] = Field(description="January to December; months after as_of count 0")


class AgencyOverdue(BaseModel):
    """Overdue work of one agency, or of the agencies that lead a dimension together."""

    agencies: list[str] = Field(description="The agency, or the agencies leading jointly")
    cases: int = Field(default=0, description="Cases past their deadline, of the dimensions led")
    referrals: int = Field(default=0, description="Referrals they received, open past due")
    checks: int = Field(default=0, description="Revival-watch on-site checks open past their date")


class OverdueByAgency(BaseModel):
    as_of: date
    rows: list[AgencyOverdue]


def _year_end(year: int, as_of: date) -> date:
    return min(as_of, date(year, 12, 31))


async def capacity_chart(
    session: AsyncSession, scope: Scope, year: int, as_of: date, district: str | None
) -> CapacityChart:
    until = _year_end(year, as_of)
    listed = await _listed(session, scope, year, until, district)
    found = await exit_list(
        session, until, scope, Where(district=district), year=year, status="exited"
    )
    exited: dict[tuple[str, str, str], list[Decimal]] = defaultdict(list)
    for r in found.rows:
        exited[(r.industry, r.district, r.capacity_unit)].append(r.capacity_amount)
    return CapacityChart(
        year=year,
        as_of=until,
        by_industry=_rows(listed, exited, 0),
        by_district=_rows(listed, exited, 1),
        task_note=TASK_NOTE,
    )


Keyed = dict[tuple[str, str, str], list[Decimal]]


async def _listed(
    session: AsyncSession, scope: Scope, year: int, until: date, district: str | None
) -> Keyed:
    """The capacity each task event put on the year's work, per (industry, district, unit):
    the case's industry and district as the case history files them."""
    t, c = timeline, case_events
    amount = cast(t.c.data["capacity_amount"].astext, Numeric(20, 4))
    unit = t.c.data["capacity_unit"].astext
    q = (
        select(c.c.industry, c.c.district, unit, amount)
        .select_from(t.join(c, c.c.event_id == t.c.event_id))
        .where(
            t.c.type.in_(sorted(TASK_EVENTS)),
            t.c.effective_on.between(date(year, 1, 1), until),
            c.c.industry.is_not(None),
        )
    )
    if scope.dimensions is not None:
        q = q.where(c.c.dimension.in_(sorted(scope.dimensions)))
    where = district or scope.district
    if where is not None:
        q = q.where(c.c.district == where)
    listed: Keyed = defaultdict(list)
    for industry, district_, unit_, value in (await session.execute(q)).tuples():
        listed[(industry, district_, unit_)].append(value)
    return listed


def _rows(listed: Keyed, exited: Keyed, by: int) -> list[CapacityRow]:
    sums: dict[tuple[str, str], list[list[Decimal]]] = defaultdict(lambda: [[], []])
    for side, figures in enumerate((listed, exited)):
        for key, values in figures.items():
            sums[(key[by], key[2])][side].extend(values)
    return [
        CapacityRow(
            code=code,
            capacity_unit=unit,
            unit_name=_unit(unit),
            listed=sum(got[0], Decimal(0)),
            listed_items=len(got[0]),
            exited=sum(got[1], Decimal(0)),
            exited_items=len(got[1]),
        )
        for (code, unit), got in sorted(sums.items())
    ]


def _stage_is(stages: tuple[Stage, ...]) -> list[tuple[str, str]]:
    return [
        (d, s) for d, states in STAGES.items() for s, stage in states.items() if stage in stages
    ]


async def monthly_progress(
    session: AsyncSession, scope: Scope, year: int, as_of: date, district: str | None
) -> MonthlyProgress:
    until = _year_end(year, as_of)
    c = case_events
    conditions = [c.c.effective_on <= until]
    if scope.dimensions is not None:
        conditions.append(c.c.dimension.in_(sorted(scope.dimensions)))
    where = district or scope.district
    if where is not None:
        conditions.append(c.c.district == where)
    done = or_(
        *(
            and_(c.c.dimension == d, c.c.state == s)
            for d, s in _stage_is((Stage.CLOSED, Stage.EXITED))
        )
    )
    per_case = (
        select(
            func.min(c.c.effective_on).label("opened_on"),
            func.min(c.c.effective_on)
            .filter(done, c.c.effective_on >= date(year, 1, 1))
            .label("closed_on"),
        )
        .where(*conditions)
        .group_by(c.c.dimension, c.c.case_id)
        .subquery()
    )
    opened: Counter[int] = Counter()
    closed: Counter[int] = Counter()
    rows = await session.execute(select(per_case.c.opened_on, per_case.c.closed_on))
    for opened_on, closed_on in rows.tuples():
        if opened_on.year == year:
            opened[opened_on.month] += 1
        if closed_on is not None:
            closed[closed_on.month] += 1
    exits = await exit_list(
        session, until, scope, Where(district=district), year=year, status="exited"
    )
    exited = Counter(r.exited_on.month for r in exits.rows if r.exited_on is not None)
    return MonthlyProgress(
        year=year,
        as_of=until,
        months=[
            MonthRow(month=m, opened=opened[m], closed=closed[m], exited_items=exited[m])
            for m in range(1, 13)
        ],
    )


async def overdue_by_agency(
    session: AsyncSession, scope: Scope, as_of: date, district: str | None
) -> OverdueByAgency:
    counts: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    leads = {d.value: tuple(sorted(a.value for a in agencies)) for d, agencies in LEADS.items()}
    for case in await cases_as_of(session, as_of, scope, Where(district=district)):
        if case["overdue"]:
            counts[leads[case["dimension"]]]["cases"] += 1
    for referral in await referrals_in_scope(session, scope, as_of, overdue=True):
        if district is None or referral.district == district:
            counts[(referral.receiver,)]["referrals"] += 1
    for alert in await alerts_as_of(session, scope, as_of, district=district, overdue=True):
        for agency in alert.agencies:
            counts[(agency,)]["checks"] += 1
    return OverdueByAgency(
        as_of=as_of,
        rows=[
            AgencyOverdue(agencies=list(key), **counter)
            for key, counter in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
    )
