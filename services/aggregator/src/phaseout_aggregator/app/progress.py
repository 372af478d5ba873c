"""District progress (保障措施): what each district has on its lists, in hand and done, and
which districts fall behind enough to be named in a circular (通报) or summoned (约谈)."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import CompoundSelect, func, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import enterprise_firsts, oversight_rule
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import AS_OF, case_counts, exit_counts
from phaseout_shared.reference import District


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


@functools.cache
def _enterprise_counts(dimensions: frozenset[str] | None) -> CompoundSelect[Any]:
    """Per district and dimension, and per district over the dimensions given (None: all),
    the enterprises registered and those inspected by `AS_OF`, each counted once, from the
    day of each one's first registration and first inspection (`enterprise_firsts`, one row
    per enterprise, dimension and district): a dimension's counts are its rows with a first
    day by then; a district's, its enterprises whose earliest first day over the dimensions
    is (its own row has no dimension)."""
    f = enterprise_firsts.c
    mine = [f.dimension.in_(sorted(dimensions))] if dimensions is not None else []
    by_dimension = (
        select(
            f.district,
            f.dimension,
            func.count().filter(f.registered_on <= AS_OF),
            func.count().filter(f.inspected_on <= AS_OF),
        )
        .where(*mine)
        .group_by(f.district, f.dimension)
    )
    each = (
        select(
            f.district,
            func.min(f.registered_on).label("registered_on"),
            func.min(f.inspected_on).label("inspected_on"),
        )
        .where(*mine)
        .group_by(f.district, f.uscc)
        .subquery()
    )
    by_district = select(
        each.c.district,
        null().label("dimension"),
        func.count().filter(each.c.registered_on <= AS_OF),
        func.count().filter(each.c.inspected_on <= AS_OF),
    ).group_by(each.c.district)
    return union_all(by_dimension, by_district)


async def district_progress(
    session: AsyncSession, as_of: date, scope: Scope
) -> list[DistrictProgress]:
    rule = await current_rule(session)
    counts: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    totals: dict[str, tuple[int, int]] = {}
    rows = await session.execute(_enterprise_counts(scope.dimensions), {"as_of": as_of})
    for district, dim, registered, inspected in rows.tuples():
        if district is None:
            continue
        if dim is None:
            totals[district] = (registered, inspected)
        else:
            counts[district][dim].registered = registered
            counts[district][dim].inspected = inspected
    for (district, dim), (opened, overdue) in (await case_counts(session, as_of, scope)).items():
        counts[district][dim].open_cases += opened
        counts[district][dim].overdue += overdue
    for (district, dim), exited in (await exit_counts(session, as_of, scope)).items():
        counts[district][dim].exited += exited
    districts = [d.value for d in District if scope.district in (None, d.value)]
    progress = [_progress(d, counts[d], rule, scope) for d in districts]
    for p in progress:
        p.totals.registered, p.totals.inspected = totals.get(p.district, (0, 0))
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
