"""The enterprise register every agency service keeps of the enterprises it supervises.

One implementation for the five agency services: the table, the commands, and the routes
`POST /v1/enterprises`, `PUT /v1/enterprises/{uscc}`, `GET /v1/enterprises/{uscc}`, and the list.
Each registration and change is an event on the service's own topic; the entry holds the facts
in force latest (a correction effective earlier is history, in its event). An entry's version is its
`ETag`; a correction locks the entry's row and writes it back only at the version it read, so
concurrent corrections are applied one after the other (versions 2, 3, 4 …), none lost, and one
sent with a stale `If-Match` is refused (412).
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
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.auth import CurrentPrincipal, authorise_write
from phaseout_shared.contracts.enterprise import REGISTERED, UPDATED, EnterpriseFacts
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.domain.errors import Conflict, NotFound
from phaseout_shared.limits import Day, Uscc
from phaseout_shared.reference import Dimension, District, Industry
from phaseout_shared.scope import authorise_read
from phaseout_shared.statements import insert_new
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.versions import of as versions_of
from phaseout_shared.versions import stale_write
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
EntryWork = Annotated[UnitOfWork, versioned("enterprises")]


class EnterpriseChange(BaseModel):
    """A correction of an enterprise's identity."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Registered name")
    district: District = Field(description="District code (VOCABULARY.md)")
    industry: Industry = Field(description="Industry code (VOCABULARY.md)")
    address: str | None = Field(default=None, max_length=300)
    effective_on: Day = Field(description="The date from which these facts hold")


class EnterpriseIn(EnterpriseChange):
    """An enterprise put on the register."""

    uscc: Uscc = Field(description="Unified social credit code, 18 characters, GB 32100-2015")


class EnterpriseOut(EnterpriseIn):
    effective_on: date = Field(description="The date from which these facts hold")
    registered_at: datetime
    updated_at: datetime
    version: int


async def get(session: AsyncSession, uscc: str, *, for_update: bool = False) -> EnterpriseOut:
    """The entry; with `for_update`, its row locked to the end of the transaction."""
    query = select(enterprises).where(enterprises.c.uscc == uscc)
    row = (await session.execute(query.with_for_update() if for_update else query)).first()
    if row is None:
        raise NotFound(f"no enterprise {uscc} on this register", field="uscc")
    found = EnterpriseOut.model_validate(dict(row._mapping))
    versions_of(session).load("enterprises", uscc, found.version)
    return found


def router(dimension: Dimension) -> APIRouter:
    api = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])

    @api.post("", status_code=status.HTTP_201_CREATED, response_model=EnterpriseOut)
    async def register(body: EnterpriseIn, work: EntryWork) -> EnterpriseOut:
        assert work.principal is not None
        authorise_write(work.principal, dimension, body.district, agencies=LEADS[dimension])
        async with work:
            return await _save(work, body, REGISTERED[dimension], version=1)

    @api.put("/{uscc}", response_model=EnterpriseOut)
    async def update(uscc: UsccPath, body: EnterpriseChange, work: EntryWork) -> EnterpriseOut:
        """Correct the entry: applied after any correction in progress (the row is locked), or
        412 if `If-Match` names an older version. A correction effective before the facts the
        entry holds takes its place in their history (its event, the city's `as_of` answers)
        and leaves the entry's facts as they are: an entry holds the facts in force latest,
        and of two effective the same day the one recorded last — as the aggregator does."""
        assert work.principal is not None
        async with work:
            current = await get(work.session, uscc, for_update=True)
            authorise_write(work.principal, dimension, current.district, agencies=LEADS[dimension])
            authorise_write(work.principal, dimension, body.district, agencies=LEADS[dimension])
            new = EnterpriseIn(uscc=uscc, **body.model_dump())
            return await _save(
                work, new, UPDATED[dimension], version=current.version + 1, holds=current
            )

    @api.get("/{uscc}", response_model=EnterpriseOut)
    async def read(uscc: UsccPath, principal: CurrentPrincipal, work: EntryWork) -> EnterpriseOut:
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
    work: UnitOfWork,
    body: EnterpriseIn,
    event: type[EnterpriseFacts],
    *,
    version: int,
    holds: EnterpriseOut | None = None,
) -> EnterpriseOut:
    facts = body.model_dump()
    row = facts | {"updated_at": work.now, "version": version}
    if holds is not None and body.effective_on < holds.effective_on:
        row = {"updated_at": work.now, "version": version}
    if version == 1:
        row |= {"registered_at": work.now}
        statement = insert_new(enterprises, tuple(row), returning=tuple(enterprises.c.keys()))
        saved = (await work.session.execute(statement, row)).first()
        if saved is None:
            raise Conflict(f"{body.uscc} is already registered", field="uscc")
    else:
        saved = (
            await work.session.execute(
                update(enterprises)
                .where(enterprises.c.uscc == body.uscc, enterprises.c.version == version - 1)
                .values(row)
                .returning(*enterprises.c)
            )
        ).first()
        if saved is None:
            raise stale_write("enterprise", body.uscc)
    versions_of(work.session).save("enterprises", body.uscc, version)
    await work.emit([event.model_validate(facts)], subject=body.uscc)
    action = "enterprise.register" if version == 1 else "enterprise.update"
    await work.audit(action, body.uscc, body.model_dump(mode="json"))
    return EnterpriseOut.model_validate(dict(saved._mapping))


_authorise_read = authorise_read
