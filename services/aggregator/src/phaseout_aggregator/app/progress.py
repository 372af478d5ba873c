"""District progress (保障措施): what each district has on its lists, in hand and done, and
which districts fall behind enough to be named in a circular (通报) or summoned (约谈)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import oversight_rule, timeline
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import case_counts, exit_counts
from phaseout_shared.reference import District

INSPECTION_NOUNS = ("inspection", "equipment", "spot_check", "measurement", "patrol")


class OversightRule(BaseModel):
    """A district is named when at least `min_cases` cases are open and this share is overdue."""

    circular_overdue_share: Decimal = Field(default=Decimal("0.2"), ge=0, le=1)
    talk_overdue_share: Decimal = Field(default=Decimal("0.4"), ge=0, le=1)
    min_cases: int = Field(default=3, ge=1)

    @model_validator(mode="after")
    def _talk_is_graver(self) -> OversightRule:
        if self.talk_overdue_share < self.circular_overdue_share:
            raise ValueError("talk_overdue_share must be at least circular_overdue_share")
        return self


class Counts(BaseModel):
    registered: int = 0
    inspected: int = 0
    open_cases: int = 0
    overdue: int = 0
    exited: int = 0


class DistrictProgress(BaseModel):
    district: str
    totals: Counts = Field(
        description="The district's figures: registered and inspected count enterprises, each "
        "once whatever the number of registers it is on; cases and exits are summed"
    )
    by_dimension: dict[str, Counts]
    flag: str | None = Field(description="circular (通报), talk (约谈), or none")


async def current_rule(session: AsyncSession) -> OversightRule:
    row = (await session.execute(select(oversight_rule).where(oversight_rule.c.id == 1))).first()
    return OversightRule() if row is None else OversightRule.model_validate(dict(row._mapping))


async def _distinct(
    session: AsyncSession, as_of: date, nouns: tuple[str, ...] | None
) -> dict[tuple[str, str], int]:
    noun = func.split_part(timeline.c.type, ".", 3)
    district = timeline.c.data["district"].astext
    q = select(district, timeline.c.dimension, func.count(timeline.c.uscc.distinct())).where(
        timeline.c.effective_on <= as_of
    )
    q = q.where(noun.in_(nouns)) if nouns else q.where(noun == "enterprise")
    rows = await session.execute(q.group_by(district, timeline.c.dimension))
    return {(d, dim): n for d, dim, n in rows.tuples() if d is not None}


async def _enterprises(
    session: AsyncSession, as_of: date, nouns: tuple[str, ...] | None, scope: Scope
) -> dict[str, int]:
    """Per district, the enterprises (each once, whatever its registers) in the caller's
    dimensions: registered (no `nouns`) or inspected."""
    noun = func.split_part(timeline.c.type, ".", 3)
    district = timeline.c.data["district"].astext
    q = select(district, func.count(timeline.c.uscc.distinct())).where(
        timeline.c.effective_on <= as_of
    )
    q = q.where(noun.in_(nouns)) if nouns else q.where(noun == "enterprise")
    if scope.dimensions is not None:
        q = q.where(timeline.c.dimension.in_(sorted(scope.dimensions)))
    rows = await session.execute(q.group_by(district))
    return {d: n for d, n in rows.tuples() if d is not None}


async def district_progress(
    session: AsyncSession, as_of: date, scope: Scope
) -> list[DistrictProgress]:
    rule = await current_rule(session)
    counts: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    for (district, dim), n in (await _distinct(session, as_of, None)).items():
        counts[district][dim].registered = n
    for (district, dim), n in (await _distinct(session, as_of, INSPECTION_NOUNS)).items():
        counts[district][dim].inspected = n
    for (district, dim), (opened, overdue) in (await case_counts(session, as_of, scope)).items():
        counts[district][dim].open_cases += opened
        counts[district][dim].overdue += overdue
    for (district, dim), exited in (await exit_counts(session, as_of, scope)).items():
        counts[district][dim].exited += exited
    registered = await _enterprises(session, as_of, None, scope)
    inspected = await _enterprises(session, as_of, INSPECTION_NOUNS, scope)
    districts = [d.value for d in District if scope.district in (None, d.value)]
    progress = [_progress(d, counts[d], rule, scope) for d in districts]
    for p in progress:
        p.totals.registered = registered.get(p.district, 0)
        p.totals.inspected = inspected.get(p.district, 0)
    return progress


def _progress(
    district: str, dims: dict[str, Counts], rule: OversightRule, scope: Scope
) -> DistrictProgress:
    mine = {k: v for k, v in dims.items() if scope.dimensions is None or k in scope.dimensions}
    totals = Counts(**{f: sum(getattr(c, f) for c in mine.values()) for f in Counts.model_fields})
    return DistrictProgress(
        district=district, totals=totals, by_dimension=mine, flag=flag(totals, rule)
    )


def flag(totals: Counts, rule: OversightRule) -> str | None:
    """The plan's oversight: 通报 for a district falling behind, 约谈 for one far behind."""
    if totals.open_cases < rule.min_cases:
        return None
    share = Decimal(totals.overdue) / Decimal(totals.open_cases)
    if share >= rule.talk_overdue_share:
        return "talk"
    if share >= rule.circular_overdue_share:
        return "circular"
    return None
