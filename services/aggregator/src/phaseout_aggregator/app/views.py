"""Read models the aggregator serves: the merged identity of one enterprise."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import cases, exits, identity
from phaseout_shared.domain.errors import NotFound


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
    """One agency case as the city sees it."""

    dimension: str
    case_id: str
    state: str
    deadline: date | None
    opened_on: date
    updated_on: date
    last_event: str


class ExitView(BaseModel):
    """Capacity that exited by law, with its legal basis."""

    dimension: str
    case_id: str
    item: str
    capacity_amount: Decimal
    capacity_unit: str
    rule: str
    catalogue_version: str
    exited_on: date
    status: str = Field(description="exited, or revived if later found running again")


class MergedEnterprise(BaseModel):
    """One enterprise as the whole city sees it."""

    uscc: str
    name: str = Field(description="The name most agencies hold (ties: alphabetical)")
    district: str
    industry: str
    supervised_by: list[str] = Field(description="The dimensions whose registers hold it")
    agencies: list[AgencyView]
    conflicts: list[Conflict]
    cases: list[CaseView] = Field(default_factory=list)
    exits: list[ExitView] = Field(default_factory=list)


def _consensus(views: list[AgencyView], field: str) -> tuple[str, Conflict | None]:
    holders: dict[str, list[str]] = defaultdict(list)
    for v in views:
        holders[str(getattr(v, field))].append(v.dimension)
    ranked = sorted(holders, key=lambda value: (-len(holders[value]), value))
    conflict = Conflict(field=field, values=dict(holders)) if len(holders) > 1 else None
    return ranked[0], conflict


async def merged_enterprise(session: AsyncSession, uscc: str) -> MergedEnterprise:
    rows = await session.execute(
        select(identity).where(identity.c.uscc == uscc).order_by(identity.c.dimension)
    )
    views = [AgencyView.model_validate(dict(r._mapping)) for r in rows]
    if not views:
        raise NotFound(f"no agency has registered {uscc}", field="uscc")
    merged: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for field in ("name", "district", "industry", "address"):
        merged[field], conflict = _consensus(views, field)
        if conflict is not None:
            conflicts.append(conflict)
    return MergedEnterprise(
        uscc=uscc,
        name=merged["name"],
        district=merged["district"],
        industry=merged["industry"],
        supervised_by=[v.dimension for v in views],
        agencies=views,
        conflicts=conflicts,
        cases=await _rows(session, cases, CaseView, uscc, cases.c.opened_on),
        exits=await _rows(session, exits, ExitView, uscc, exits.c.exited_on),
    )


M = TypeVar("M", bound=BaseModel)


async def _rows(
    session: AsyncSession, table: Table, model: type[M], uscc: str, order: Any
) -> list[M]:
    rows = await session.execute(select(table).where(table.c.uscc == uscc).order_by(order))
    return [model.model_validate(dict(r._mapping)) for r in rows]
