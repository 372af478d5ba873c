"""Registers that disagree (登记冲突): enterprises whose identity one agency records otherwise
than another — another name, industry, address, or district.

A registration in another district is an agency's own fact in its own district, and it is no
key to the other district's record (`phaseout_shared.scope`); the disagreement itself is for
the city to resolve, so only city-wide callers list it, among the dimensions they read.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import identity
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.views import AgencyView, Conflict, merge
from phaseout_shared.domain.errors import Forbidden

FIELDS = ("name", "district", "industry", "address")


class RegisterConflict(BaseModel):
    """One enterprise, what each register says of it, and where they disagree."""

    uscc: str
    agencies: list[AgencyView]
    conflicts: list[Conflict]


async def register_conflicts(
    session: AsyncSession, scope: Scope, field: str | None = None
) -> list[RegisterConflict]:
    """Every enterprise the registers in the caller's dimensions disagree on (on `field`)."""
    if scope.district is not None:
        raise Forbidden("conflicts between registers are read city-wide only", field="jurisdiction")
    mine = select(identity)
    if scope.dimensions is not None:
        mine = mine.where(identity.c.dimension.in_(sorted(scope.dimensions)))
    rows = mine.subquery()
    fields = [field] if field else list(FIELDS)
    disputed = (
        select(rows.c.uscc)
        .group_by(rows.c.uscc)
        .having(or_(*(func.count(func.coalesce(rows.c[f], "").distinct()) > 1 for f in fields)))
    )
    found = await session.execute(
        select(rows).where(rows.c.uscc.in_(disputed)).order_by(rows.c.uscc, rows.c.dimension)
    )
    by_uscc: dict[str, list[AgencyView]] = {}
    for r in found:
        by_uscc.setdefault(r.uscc, []).append(AgencyView.model_validate(dict(r._mapping)))
    out = []
    for uscc, agencies in by_uscc.items():
        conflicts = [c for c in merge(agencies)[1] if field is None or c.field == field]
        out.append(RegisterConflict(uscc=uscc, agencies=agencies, conflicts=conflicts))
    return out
