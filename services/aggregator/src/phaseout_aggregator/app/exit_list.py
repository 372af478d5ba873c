"""The consolidated exit list (依法关闭退出的落后产能企业清单) and its totals per industry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import identity
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import Where, page_of_exits
from phaseout_aggregator.app.names import Named, catalogues, exit_names
from phaseout_shared.reference import unit_name


class ExitRow(BaseModel):
    """One line or piece of equipment that exited, as a bureau files it."""

    uscc: str
    name: str
    district: str
    industry: str
    dimension: str
    item: str = Field(description="The line or equipment (kind, or standard and indicator)")
    capacity_amount: Decimal
    capacity_unit: str
    legal_basis: str = Field(description="Dimension rule and catalogue version (provenance)")
    item_name: Named = Field(description="The line or equipment, named (炼铁高炉)")
    basis: Named = Field(description="The legal basis in words: the plan's wording and where")
    unit_name: Named = Field(description="The capacity unit, named (吨/年)")
    status_name: Named = Field(description="exited (已退出) or revived (死灰复燃)")
    opened_on: date | None = Field(description="When the case that led to the exit opened")
    exited_on: date | None = Field(description="Verification: on-site acceptance or shutdown")
    status: str


class Total(BaseModel):
    industry: str
    capacity_unit: str
    unit_name: Named
    capacity_amount: Decimal
    items: int


class ExitList(BaseModel):
    as_of: date
    rows: list[ExitRow] = Field(description="The list's rows, or the page of them asked for")
    totals: list[Total] = Field(description="Per industry, in each capacity unit: the whole list")
    total: int = Field(description="Rows on the whole list")
    limit: int | None = Field(description="Rows per page, when a page was asked for")
    offset: int = Field(description="Rows of the list before this page")


async def exit_list(
    session: AsyncSession,
    as_of: date,
    scope: Scope,
    where: Where,
    *,
    year: int | None = None,
    status: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> ExitList:
    """The list on `as_of` (or the page of it from `offset`, `limit` rows), with the totals
    and the number of rows of the whole list."""
    exits, total, sums = await page_of_exits(
        session,
        as_of,
        scope,
        where,
        year=year,
        status=status,
        limit=limit,
        offset=offset,
        with_sums=True,
    )
    names = await _names(session, {e["uscc"] for e in exits})
    known = await catalogues(session)
    rows = []
    for e in exits:
        exited = e["exited_on"]
        named = exit_names(e, known)
        rows.append(
            ExitRow(
                uscc=e["uscc"],
                name=names.get(e["uscc"], ""),
                district=e["district"],
                industry=e["industry"],
                dimension=e["dimension"],
                item=e["item"],
                capacity_amount=e["capacity_amount"],
                capacity_unit=e["capacity_unit"],
                legal_basis=f"{e['dimension']}: {e['rule']} (catalogue {e['catalogue_version']})",
                item_name=named.item,
                basis=named.basis,
                unit_name=named.unit,
                status_name=named.status,
                opened_on=e["opened_on"],
                exited_on=exited,
                status=e["status"],
            )
        )
    totals = [
        Total(
            industry=i,
            capacity_unit=u,
            unit_name=Named(zh=unit_name(u, "zh"), en=unit_name(u, "en")),
            capacity_amount=amount,
            items=n,
        )
        for i, u, amount, n in sums
    ]
    return ExitList(as_of=as_of, rows=rows, totals=totals, total=total, limit=limit, offset=offset)


NAMES = select(identity.c.uscc, identity.c.name).where(
    identity.c.uscc == any_(bindparam("usccs", type_=ARRAY(String)))
)


async def _names(session: AsyncSession, usccs: set[str]) -> dict[str, str]:
    """The names of these enterprises only (one array parameter, however many they are)."""
    return dict((await session.execute(NAMES, {"usccs": sorted(usccs)})).tuples().all())
