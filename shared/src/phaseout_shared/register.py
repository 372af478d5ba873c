"""The enterprise register every agency service keeps of the enterprises it supervises.

One implementation for the five agency services: the table, the commands, and the routes
`POST /v1/enterprises`, `PUT /v1/enterprises/{uscc}`, `GET /v1/enterprises/{uscc}`, and the list.
Each registration and change is an event on the service's own topic.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.auth import CurrentPrincipal, authorise_write
from phaseout_shared.contracts.enterprise import REGISTERED, UPDATED, EnterpriseFacts
from phaseout_shared.deps import Page, Paging, Work
from phaseout_shared.domain.errors import Conflict, NotFound
from phaseout_shared.reference import USCC, Dimension, District, Industry
from phaseout_shared.scope import authorise_read
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.writes import LEADS

REGISTER = MetaData()

enterprises = Table(
    "enterprises",
    REGISTER,
    Column("uscc", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("district", String(20), nullable=False, index=True),
    Column("industry", String(40), nullable=False, index=True),
    Column("address", String(300)),
    Column("effective_on", Date, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)


UsccPath = Annotated[str, Path(description="Unified social credit code")]


class EnterpriseChange(BaseModel):
    """A correction of an enterprise's identity."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Registered name")
    district: District = Field(description="District code (VOCABULARY.md)")
    industry: Industry = Field(description="Industry code (VOCABULARY.md)")
    address: str | None = Field(default=None, max_length=300)
    effective_on: date = Field(description="The date from which these facts hold")


class EnterpriseIn(EnterpriseChange):
    """An enterprise put on the register."""

    uscc: USCC = Field(description="Unified social credit code, 18 characters, GB 32100-2015")


class EnterpriseOut(EnterpriseIn):
    registered_at: datetime
    updated_at: datetime
    version: int


async def get(session: AsyncSession, uscc: str) -> EnterpriseOut:
    row = (await session.execute(select(enterprises).where(enterprises.c.uscc == uscc))).first()
    if row is None:
        raise NotFound(f"no enterprise {uscc} on this register", field="uscc")
    return EnterpriseOut.model_validate(dict(row._mapping))


async def district_of(session: AsyncSession, uscc: str) -> str:
    """The district of a registered enterprise (what district officers' rights depend on)."""
    return (await get(session, uscc)).district


def router(dimension: Dimension) -> APIRouter:
    api = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])

    @api.post("", status_code=status.HTTP_201_CREATED, response_model=EnterpriseOut)
    async def register(body: EnterpriseIn, work: Work) -> EnterpriseOut:
        assert work.principal is not None
        authorise_write(work.principal, dimension, body.district, agencies=LEADS[dimension])
        async with work:
            return await _save(work, body, REGISTERED[dimension], version=1)

    @api.put("/{uscc}", response_model=EnterpriseOut)
    async def update(uscc: UsccPath, body: EnterpriseChange, work: Work) -> EnterpriseOut:
        assert work.principal is not None
        async with work:
            current = await get(work.session, uscc)
            authorise_write(work.principal, dimension, current.district, agencies=LEADS[dimension])
            authorise_write(work.principal, dimension, body.district, agencies=LEADS[dimension])
            new = EnterpriseIn(uscc=uscc, **body.model_dump())
            return await _save(work, new, UPDATED[dimension], version=current.version + 1)

    @api.get("/{uscc}", response_model=EnterpriseOut)
    async def read(uscc: UsccPath, principal: CurrentPrincipal, work: Work) -> EnterpriseOut:
        async with work:
            found = await get(work.session, uscc)
        _authorise_read(principal, found.district)
        return found

    @api.get("", response_model=Page[EnterpriseOut])
    async def list_(
        principal: CurrentPrincipal,
        work: Work,
        paging: Paging,
        district: Annotated[District | None, Query()] = None,
        industry: Annotated[Industry | None, Query()] = None,
        q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    ) -> Page[EnterpriseOut]:
        if district is not None:
            _authorise_read(principal, district)
        query = select(enterprises)
        if not principal.city_wide:
            query = query.where(enterprises.c.district == principal.jurisdiction)
        if district is not None:
            query = query.where(enterprises.c.district == district)
        if industry is not None:
            query = query.where(enterprises.c.industry == industry)
        if q:
            query = query.where(enterprises.c.name.contains(q, autoescape=True))
        async with work:
            total = await work.session.scalar(select(func.count()).select_from(query.subquery()))
            rows = await work.session.execute(
                query.order_by(enterprises.c.uscc).limit(paging.limit).offset(paging.offset)
            )
        items = [EnterpriseOut.model_validate(dict(r._mapping)) for r in rows]
        return Page(items=items, total=int(total or 0), limit=paging.limit, offset=paging.offset)

    return api


async def _save(
    work: UnitOfWork, body: EnterpriseIn, event: type[EnterpriseFacts], *, version: int
) -> EnterpriseOut:
    facts = body.model_dump()
    row = facts | {"updated_at": work.now, "version": version}
    if version == 1:
        statement = (
            insert(enterprises)
            .values(row | {"registered_at": work.now})
            .on_conflict_do_nothing()
            .returning(enterprises.c.uscc)
        )
        if (await work.session.execute(statement)).first() is None:
            raise Conflict(f"{body.uscc} is already registered", field="uscc")
    else:
        await work.session.execute(
            update(enterprises).where(enterprises.c.uscc == body.uscc).values(row)
        )
    await work.emit([event.model_validate(facts)], subject=body.uscc)
    action = "enterprise.register" if version == 1 else "enterprise.update"
    await work.audit(action, body.uscc, body.model_dump(mode="json"))
    return await get(work.session, body.uscc)


_authorise_read = authorise_read
