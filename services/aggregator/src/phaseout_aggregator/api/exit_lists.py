"""`/v1/exit-lists`: each district's year-end list of the capacity closed and exited by law
(年度依法关闭退出落后产能企业清单), issued as a document its government signs (plan: by 31 December
every district reports its year, with the list).

- **Issued** by an officer of the district's government (`POST`), as the aggregator's list of the
  district stands on `as_of` (the lines exited in `year`): a PDF numbered in the district
  government's series (`PREFIXES`, or `PHASEOUT_DOCUMENT_PREFIXES` keyed by district code), the
  number from a counter row taken in the issuing transaction (no gaps, no duplicates), with a QR
  code to its public verification page. The PDF is kept by its SHA-256 in the service's store
  and never rendered again.
- **One list per district and year**: a later one (an exit accepted late, a line found revived)
  must name the list it replaces, once; the old list's page names its successor.
- **Signed off** once by the district's officer (`POST …/sign-off`, with `If-Match`: a list is at
  version 1 as issued, 2 once signed).
- **Read** by whoever reads the district; verified by anyone at
  `/v1/public/exit-lists/{id}` (number, date, issuer, digest — the list itself is not public).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import document_serials, exit_list_documents
from phaseout_aggregator.api.deps import CallerScope
from phaseout_aggregator.app import exit_list_pdf
from phaseout_aggregator.app.exit_list import exit_list
from phaseout_aggregator.app.history import Where
from phaseout_shared import documents, evidence
from phaseout_shared.auth import Principal
from phaseout_shared.city_time import CITY_TIME, refuse_future
from phaseout_shared.deps import Work, versioned
from phaseout_shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from phaseout_shared.limits import Day
from phaseout_shared.reference import District, name_of
from phaseout_shared.scope import READ_BY_ANYONE, Scope
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.versions import of as versions_of

router = APIRouter(prefix="/v1/exit-lists", tags=["exit lists"])
public = APIRouter(prefix="/v1/public/exit-lists", tags=["public"])

PREFIXES: dict[str, str] = {
    District.FUTIAN: "深福府",
    District.LUOHU: "深罗府",
    District.NANSHAN: "深南府",
    District.YANTIAN: "深盐府",
    District.BAOAN: "深宝府",
    District.LONGGANG: "深龙府",
    District.LONGHUA: "深龙华府",
    District.PINGSHAN: "深坪府",
    District.GUANGMING: "深光明府",
    District.DAPENG: "深鹏管",
    District.SHENSHAN: "深汕管",
}
"""Each district government's series by default, in the city's pattern (深龙府〔2019〕12号); a
deployment sets the real ones in `PHASEOUT_DOCUMENT_PREFIXES` (district code → prefix)."""

VERSIONED = "exit_list_documents"
AS_ISSUED, AS_SIGNED = 1, 2
ListWork = Annotated[UnitOfWork, versioned(VERSIONED)]


class ExitListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    district: District
    year: int = Field(ge=2019, le=2100, description="The campaign year whose exits it lists")
    as_of: Day = Field(description="The day the list stands at, and is issued on")
    replaces: uuid.UUID | None = Field(
        default=None, description="The district's list of that year this one corrects"
    )


class ExitListDocument(BaseModel):
    document_id: uuid.UUID
    number: str
    title: str
    district: District
    year: int
    as_of: date
    enterprises: int = Field(description="Enterprises on the list")
    items: int = Field(description="Lines or pieces of equipment on the list")
    sha256: str
    size: int
    issued_on: date
    signed_off_on: date | None
    replaces: str | None = Field(description="The number of the list it corrects")
    replaced_by: str | None = Field(description="The number of the list that corrects it")


def title_of(district: str, year: int) -> str:
    return f"{year}年{name_of(district)}依法关闭退出落后产能企业清单"


def _government(principal: Principal, district: str, what: str) -> None:
    """Only the district government's officers issue and sign its list."""
    if principal.agency is not None or principal.jurisdiction != district:
        raise Forbidden(
            f"{what} {name_of(district)}'s list is for its government's officers "
            f"(jurisdiction {district}, no agency)",
            field="district",
        )
    if "officer" not in principal.roles:
        raise Forbidden(f"{what} a list needs the officer role", field="roles")


def _version(row: Any) -> int:
    return AS_ISSUED if row.signed_off_on is None else AS_SIGNED


async def _row(session: AsyncSession, document_id: uuid.UUID, *, lock: bool = False) -> Any:
    query = select(exit_list_documents).where(exit_list_documents.c.id == str(document_id))
    row = (await session.execute(query.with_for_update() if lock else query)).first()
    if row is None:
        raise NotFound(f"no exit list {document_id}", field="document_id")
    return row


async def _numbers(session: AsyncSession, ids: set[str | None]) -> dict[str, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    t = exit_list_documents
    rows = await session.execute(select(t.c.id, t.c.number).where(t.c.id.in_(wanted)))
    return dict(rows.tuples().all())


async def _successor(session: AsyncSession, document_id: str) -> str | None:
    t = exit_list_documents
    found: str | None = await session.scalar(select(t.c.number).where(t.c.replaces == document_id))
    return found


async def _document(session: AsyncSession, row: Any) -> ExitListDocument:
    replaced = (await _numbers(session, {row.replaces})).get(row.replaces)
    return ExitListDocument(
        document_id=uuid.UUID(row.id),
        number=row.number,
        title=title_of(row.district, row.year),
        district=row.district,
        year=row.year,
        as_of=row.as_of,
        enterprises=row.enterprises,
        items=row.items,
        sha256=row.sha256,
        size=row.size,
        issued_on=row.issued_on,
        signed_off_on=row.signed_off_on,
        replaces=replaced,
        replaced_by=await _successor(session, row.id),
    )


async def _current(session: AsyncSession, district: str, year: int) -> Any:
    """The district's list of `year` that no later one replaces, if any."""
    t = exit_list_documents
    later = select(t.c.replaces).where(t.c.replaces.is_not(None)).scalar_subquery()
    query = select(t).where(t.c.district == district, t.c.year == year, t.c.id.not_in(later))
    return (await session.execute(query)).first()


def _check_replaces(body: ExitListIn, current: Any) -> None:
    named = str(body.replaces) if body.replaces else None
    if current is None and named is not None:
        raise InvalidInput(
            f"{name_of(body.district)} has no {body.year} list to replace", field="replaces"
        )
    if current is not None and named != current.id:
        raise Conflict(
            f"{name_of(body.district)}'s {body.year} list is {current.number} "
            f"({current.id}): a new one names it in replaces",
            field="replaces",
            rule="documents.one_list_per_district_and_year",
        )
    if current is not None and body.as_of < current.as_of:
        raise InvalidInput(
            f"the list it replaces stands at {current.as_of}: a correction stands later",
            field="as_of",
        )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ExitListDocument)
async def issue(body: ExitListIn, request: Request, work: Work) -> ExitListDocument:
    """Issue the district's list of `year` as it stands on `as_of`, numbered and kept."""
    kit: documents.Printing = request.app.state.documents
    store: evidence.Store = request.app.state.evidence.store
    district, year = body.district.value, body.year
    async with work:
        assert work.principal is not None
        _government(work.principal, district, "issuing")
        refuse_future(work, as_of=body.as_of)
        prefix = kit.prefixes.get(district) or PREFIXES[district]
        # The series' row is held to the commit: a list issued at the same time waits here,
        # and then finds this one as the district's current list.
        serial = await documents.next_serial(
            work.session, prefix, body.as_of.year, document_serials
        )
        current = await _current(work.session, district, year)
        _check_replaces(body, current)
        exits = await exit_list(
            work.session,
            body.as_of,
            Scope(None, district),
            Where(district=district),
            year=year,
            status="exited",
        )
        document_id = str(uuid.uuid4())
        number = documents.number_of(prefix, body.as_of.year, serial)
        content = await asyncio.to_thread(
            partial(
                exit_list_pdf.to_pdf,
                exits,
                year=year,
                district=district,
                moment=datetime.combine(body.as_of, time(), tzinfo=CITY_TIME),
                number=number,
                verify_url=f"{kit.public_url}/v1/public/exit-lists/{document_id}",
                replaces=current.number if current is not None else None,
            )
        )
        sha256 = await evidence.keep_bytes(store, content)
        row = {
            "id": document_id,
            "number": number,
            "prefix": prefix,
            "serial": serial,
            "district": district,
            "year": year,
            "as_of": body.as_of,
            "enterprises": len({r.uscc for r in exits.rows}),
            "items": len(exits.rows),
            "sha256": sha256,
            "size": len(content),
            "issued_on": body.as_of,
            "issued_by": work.principal.sub,
            "issued_at": work.now,
            "replaces": current.id if current is not None else None,
        }
        await work.session.execute(exit_list_documents.insert().values(row))
        await work.audit(
            "exit_list.issue",
            document_id,
            {k: str(v) if isinstance(v, date) else v for k, v in row.items() if k != "issued_at"},
        )
        return await _document(work.session, await _row(work.session, uuid.UUID(document_id)))


@router.get("", response_model=list[ExitListDocument])
async def list_(
    work: Work,
    scope: CallerScope,
    year: Annotated[int | None, Query(ge=2019, le=2100)] = None,
    district: District | None = None,
) -> list[ExitListDocument]:
    """The lists issued in the caller's jurisdiction, newest first."""
    scope.check_district(district)
    t = exit_list_documents
    query = select(t).order_by(t.c.issued_at.desc(), t.c.id)
    for column, value in ((t.c.year, year), (t.c.district, district or scope.district)):
        if value is not None:
            query = query.where(column == value)
    async with work:
        rows = (await work.session.execute(query)).all()
        return [await _document(work.session, r) for r in rows]


@router.get("/{document_id}", response_model=ExitListDocument)
async def read(document_id: uuid.UUID, work: ListWork, scope: CallerScope) -> ExitListDocument:
    async with work:
        row = await _row(work.session, document_id)
        scope.check_district(row.district)
        versions_of(work.session).load(VERSIONED, row.id, _version(row))
        return await _document(work.session, row)


@router.get("/{document_id}/pdf", response_class=Response)
async def pdf(document_id: uuid.UUID, request: Request, work: Work, scope: CallerScope) -> Response:
    """The PDF as issued; its `ETag` is its digest."""
    async with work:
        row = await _row(work.session, document_id)
        scope.check_district(row.district)
    store: evidence.Store = request.app.state.evidence.store
    return await store.response(
        row.sha256,
        documents.PDF,
        {
            "ETag": f'"{row.sha256}"',
            "Cache-Control": "private, max-age=86400",
            "Content-Disposition": (
                f"inline; filename=exit-list-{row.district}-{row.year}-{row.serial}.pdf; "
                f"filename*=UTF-8''{quote(row.number)}.pdf"
            ),
        },
    )


@router.post("/{document_id}/sign-off", response_model=ExitListDocument)
async def sign_off(
    document_id: uuid.UUID, body: documents.SignOffIn, work: ListWork
) -> ExitListDocument:
    """The district government signed and sealed the list; its bytes do not change."""
    async with work:
        assert work.principal is not None
        row = await _row(work.session, document_id, lock=True)
        _government(work.principal, row.district, "signing")
        versions_of(work.session).load(VERSIONED, row.id, _version(row))
        if row.signed_off_on is not None:
            raise Conflict(
                f"{row.number} was signed off on {row.signed_off_on}",
                field="document_id",
                rule="documents.signed_once",
            )
        refuse_future(work, effective_on=body.effective_on)
        if body.effective_on < row.issued_on:
            raise InvalidInput(
                f"{row.number} was issued on {row.issued_on}: it is signed after",
                field="effective_on",
            )
        t = exit_list_documents
        await work.session.execute(
            update(t)
            .where(t.c.id == row.id)
            .values(signed_off_on=body.effective_on, signed_off_by=work.principal.sub)
        )
        versions_of(work.session).save(VERSIONED, row.id, AS_SIGNED)
        await work.audit("exit_list.sign_off", row.id, body.model_dump(mode="json"))
        return await _document(work.session, await _row(work.session, document_id))


@public.get(
    "/{document_id}",
    response_model=documents.PublicDocument,
    openapi_extra=READ_BY_ANYONE,
    responses={200: {"content": {"text/html": {}}}},
)
async def verify(request: Request, document_id: uuid.UUID) -> Any:
    """What anyone holding a district's list may check: number, date, issuer and SHA-256 (HTML
    to a browser, JSON otherwise); the list itself is read by those who read the district."""
    async with request.app.state.db.sessions() as session:
        row = await _row(session, document_id)
        found = documents.PublicDocument(
            number=row.number,
            title=title_of(row.district, row.year),
            issued_on=row.issued_on,
            issuing_agency=f"{name_of(row.district)}人民政府",
            sha256=row.sha256,
            size=row.size,
            signed_off_on=row.signed_off_on,
            replaces=(await _numbers(session, {row.replaces})).get(row.replaces),
            replaced_by=await _successor(session, row.id),
        )
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(documents.verification_page(found))
    return found
