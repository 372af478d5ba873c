"""Enforcement documents (执法文书), the same in every agency service: the notices and orders the
platform generates from the agency's own facts, as PDF.

`POST /v1/documents` issues one on an act of a registered enterprise (`target_kind`,
`target_id`: a case, a hazard …), of one of `KINDS`: 责令限期整改通知书, 责令停产整改通知书,
责令关闭通知书, 现场验收意见, 不再恢复生产承诺书. The service says what it knows of the act
(`Describe`: what was found, the legal basis in words quoted from its catalogue); the deadline is
the one the platform computed for the act (the aggregate's `due_on`), never typed in.

- **Number**: `{prefix}〔{year}〕{n}号`, the prefix the issuing agency's (`PREFIXES`, or
  `PHASEOUT_DOCUMENT_PREFIXES`), `n` from a counter row per prefix and year taken in the issuing
  transaction: two officers issuing at once wait on that row, so numbers have neither gaps nor
  duplicates (a refused issue rolls its number back with it).
- **Immutable**: the PDF is stored like evidence, named by its SHA-256 (`evidence.Store`), and
  never rendered again. A correction is a new document whose `replaces` names the old one
  (once: a document is replaced at most once); the old one's verification page names its
  successor.
- **Verification**: the PDF's QR code resolves to `/v1/public/documents/{id}`, which anyone may
  read without a token: number, kind, date, issuing agency, SHA-256 and size, signed-off date,
  what replaced it — nothing of the enterprise.
- **Sign-off**: a record that asks for it (现场验收意见, the commitment) is signed off once by
  `POST /v1/documents/{id}/sign-off`; the bytes do not change.

Each issue and sign-off is an event on the agency's topic with the digest, number and kind,
never the bytes.
"""

from __future__ import annotations

import asyncio
import html
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared import document_pdf, register
from phaseout_shared.aggregates import Repository
from phaseout_shared.city_time import refuse_future
from phaseout_shared.commands import Desk
from phaseout_shared.contracts.documents import ISSUED, SIGNED_OFF
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.domain.errors import Conflict, InvalidInput, NotFound
from phaseout_shared.evidence import Keeping, evidence, evidence_files, keep_bytes
from phaseout_shared.limits import Day, Note
from phaseout_shared.params import UsccQ
from phaseout_shared.reference import Agency, Dimension, name_of, unit_name
from phaseout_shared.scope import READ_BY_ANYONE, authorise_read
from phaseout_shared.settings import Settings
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.versions import of as versions_of
from phaseout_shared.writes import LEADS

PDF = "application/pdf"

documents = Table(
    "documents",
    register.REGISTER,
    Column("id", String(36), primary_key=True),
    Column("number", String(80), nullable=False, unique=True),
    Column("prefix", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("serial", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("sha256", String(64), ForeignKey("evidence_files.sha256"), nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False, index=True),
    Column("target_kind", String(40), nullable=False),
    Column("target_id", String(64), nullable=False, index=True),
    Column("agency", String(20), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("deadline", Date),
    Column("basis", Text, nullable=False),
    Column("replaces", String(36), ForeignKey("documents.id"), unique=True),
    Column("issued_by", String(200), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("signed_off_by", String(200)),
    Column("signed_off_on", Date),
    UniqueConstraint("prefix", "year", "serial", name="uq_documents_serial"),
)
document_serials = Table(
    "document_serials",
    register.REGISTER,
    Column("prefix", String(40), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", BigInteger, nullable=False),
)
"""The last number given under each prefix in each year (the row is the lock of the series)."""


@dataclass(frozen=True)
class Kind:
    """One kind of document: its title, what it orders, whether it sets the act's deadline and
    whether it is signed off after it is issued."""

    title: str
    orders: str
    deadline: bool = False
    deadline_label: str = "整改期限"
    signed: bool = False


KINDS: Mapping[str, Kind] = {
    "rectification_notice": Kind(
        "责令限期整改通知书",
        "依据下列规定，现责令你单位在下列期限内完成整改，并将整改情况书面报送我局。逾期未整改或经整改仍未达到"
        "要求的，将依法责令停产整改，或报请人民政府按照国务院规定的权限责令关闭。",
        deadline=True,
    ),
    "shutdown_order": Kind(
        "责令停产整改通知书",
        "依据下列规定，现责令你单位自收到本通知书之日起停止相关生产，并在下列期限内完成整改或退出；"
        "整改或退出完成后报我局组织现场验收。",
        deadline=True,
        deadline_label="退出期限",
    ),
    "closure_order": Kind(
        "责令关闭通知书",
        "依据下列规定，经人民政府批准，现责令你单位在下列期限内关闭相关生产设施，拆除或封存主体设备，"
        "并向社会公开承诺不再恢复生产。",
        deadline=True,
        deadline_label="关闭期限",
    ),
    "acceptance_record": Kind(
        "现场验收意见",
        "我局对你单位相关产能的淘汰退出情况进行了现场验收，情况及所附证据材料如下。",
        signed=True,
    ),
    "public_commitment": Kind(
        "不再恢复生产承诺书",
        "本单位郑重承诺：上述已淘汰退出的产能及其主体设备不再恢复生产，不以任何形式转移、"
        "出租或异地重建；如有违反，愿承担相应法律责任。本承诺向社会公开。",
        signed=True,
    ),
}

PREFIXES: Mapping[tuple[Dimension, Agency], str] = {
    (Dimension.ENERGY, Agency.MIIT): "深工信节能",
    (Dimension.ENERGY, Agency.DRC): "深发改节能",
    (Dimension.ENERGY, Agency.WATER): "深水务节水",
    (Dimension.ENVIRONMENT, Agency.MEE): "深环责改",
    (Dimension.QUALITY, Agency.SAMR): "深市监质",
    (Dimension.SAFETY, Agency.MEM): "深应急执法",
    (Dimension.TECHNOLOGY, Agency.MIIT): "深工信淘汰",
    (Dimension.TECHNOLOGY, Agency.DRC): "深发改淘汰",
}
"""Each agency's prefix in each dimension, by default; `PHASEOUT_DOCUMENT_PREFIXES` (a JSON
object from agency code to prefix) sets the service's own."""


@dataclass(frozen=True)
class Facts:
    """What the service knows of the act a document is issued on, in words."""

    subject: str
    """What the document concerns, e.g. 水泥熟料生产线（年产能 200000 吨/年）."""
    finding: str
    """What was found, the sentence after 经查，."""
    basis: tuple[str, ...]
    """The legal basis, quoted by name."""
    facts: tuple[tuple[str, str], ...] = ()
    deadlines: Mapping[str, date | None] | None = None
    """The deadline each kind of document sets, where the act's own `due_on` is not it (None:
    the act's `due_on` for every kind that sets one)."""


Describe = Callable[[AsyncSession, str, Mapping[str, Any]], Awaitable[Facts]]
"""A service's reading of one of its acts (`target_kind` and the aggregate's document)."""

PLAN_BASIS = "《深圳市2019年度推动落后产能退出工作行动计划》的有关要求"


def quoted(document: str, where: str, wording: str) -> str:
    """A requirement of the plan quoted for a document: the plan by the title its catalogue
    gives (without the issuing number and date), where the requirement stands, its words."""
    title = document.split("（")[0].replace(" ", "")
    return f"《{title}》{where}：“{wording.strip()}”"


def capacity_words(amount: object, unit: str) -> str:
    """A capacity as an official writes it: 200000 吨/年."""
    return f"{amount} {unit_name(unit)}"


async def describe_generically(
    session: AsyncSession, target_kind: str, doc: Mapping[str, Any]
) -> Facts:
    """What any aggregate says of itself: its industry, its capacity, its basis or grounds."""
    industry = name_of(doc.get("industry")) if doc.get("industry") else ""
    amount, unit = doc.get("capacity_amount"), doc.get("capacity_unit")
    capacity = f"（产能 {capacity_words(amount, str(unit))}）" if amount and unit else ""
    said = next(
        (str(doc[k]) for k in ("basis", "grounds", "description", "reason") if doc.get(k)), ""
    )
    return Facts(
        subject=f"{industry}相关产能{capacity}",
        finding=said or "存在不符合淘汰落后产能要求的情形",
        basis=(PLAN_BASIS,),
    )


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=40, description=", ".join(KINDS))
    target_kind: str = Field(min_length=1, max_length=40, description="case, hazard …")
    target_id: str = Field(min_length=1, max_length=64, description="The act it is issued on")
    effective_on: Day = Field(description="The day it is issued (its date); today at the latest")
    remarks: Note = Field(default="", description="The officer's words: findings, the opinion")
    replaces: uuid.UUID | None = Field(
        default=None, description="The document this one corrects (same act and kind)"
    )


class SignOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_on: Day = Field(description="The day it was signed; today at the latest")


class Document(BaseModel):
    document_id: uuid.UUID
    number: str
    kind: str
    title: str
    sha256: str
    size: int
    uscc: str
    district: str
    target_kind: str
    target_id: str
    agency: str
    issued_on: date
    deadline: date | None
    basis: str
    replaces: uuid.UUID | None
    replaced_by: uuid.UUID | None = None
    issued_by: str
    issued_at: datetime
    signed_off_by: str | None
    signed_off_on: date | None


class PublicDocument(BaseModel):
    """What anyone holding a document may check of it: nothing of the enterprise."""

    number: str
    title: str
    issued_on: date
    issuing_agency: str
    sha256: str
    size: int
    signed_off_on: date | None
    replaces: str | None = Field(description="The number of the document it corrects")
    replaced_by: str | None = Field(description="The number of the document that corrects it")


@dataclass(frozen=True)
class Printing:
    """How a service prints documents (`app.state.documents`)."""

    prefixes: Mapping[str, str]
    public_url: str
    font: tuple[Path, int] | None = None

    def font_file(self) -> tuple[Path, int]:
        return self.font or document_pdf.font()


def printing(settings: Settings) -> Printing:
    """The service's printing, from its settings."""
    base = settings.document_public_url or f"http://{settings.http_host}:{settings.http_port}"
    configured = settings.document_font
    return Printing(
        prefixes=dict(settings.document_prefixes),
        public_url=base.rstrip("/"),
        font=(configured, 0) if configured is not None else None,
    )


def prefix_of(kit: Printing, dimension: Dimension, agency: Agency) -> str:
    found = kit.prefixes.get(agency.value) or PREFIXES.get((dimension, agency))
    return found or f"深{name_of(agency.value).removeprefix('市')}"


def number_of(prefix: str, year: int, serial: int) -> str:
    """深工信节能〔2019〕12号."""
    return f"{prefix}〔{year}〕{serial}号"


async def next_serial(
    session: AsyncSession, prefix: str, year: int, serials: Table = document_serials
) -> int:
    """The next number of a series, in the caller's transaction (its row locked to the end);
    `serials` is the service's own table of them, of `document_serials`' shape."""
    statement = (
        upsert(serials)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[serials.c.prefix, serials.c.year],
            set_={"last": serials.c.last + 1},
        )
        .returning(serials.c.last)
    )
    return int((await session.execute(statement)).scalar_one())


def router(
    dimension: Dimension,
    targets: Mapping[str, Repository[Any]],
    describe: Describe = describe_generically,
) -> APIRouter:
    """The document routes of an agency service; `targets`: the acts documents are issued on."""
    api = APIRouter(prefix="/v1/documents", tags=["documents"])
    desk = Desk(dimension, LEADS[dimension])

    @api.post("", response_model=Document, status_code=status.HTTP_201_CREATED)
    async def issue(request: Request, body: DocumentIn, work: Work) -> Document:
        """Generate and issue a document on an act of a registered enterprise (the act's
        district's officers only); the event carries its number and digest."""
        kind = KINDS.get(body.kind)
        if kind is None:
            raise InvalidInput(
                f"{body.kind!r} is not a kind of document: one of {', '.join(KINDS)}",
                field="kind",
            )
        kit: Printing = request.app.state.documents
        keeping: Keeping = request.app.state.evidence
        async with work:
            refuse_future(work, effective_on=body.effective_on)
            row = await _target(work.session, targets, body)
            enterprise = await register.get(work.session, row["uscc"])
            agency = desk.authorise(work, enterprise.district)
            replaced = await _replaced(work.session, body, row)
            facts = await describe(work.session, body.target_kind, row["doc"])
            deadline = None
            if kind.deadline:
                computed = facts.deadlines if facts.deadlines is not None else {}
                deadline = computed.get(body.kind, row["due_on"])
            if kind.deadline and deadline is None:
                raise Conflict(
                    f"{body.target_kind} {body.target_id} ({row['state']}) has no deadline "
                    f"for a {body.kind}",
                    field="kind",
                    rule="documents.deadline_computed",
                )
            cited = await _cited(work.session, row["uscc"], body) if kind.signed else []
            prefix = prefix_of(kit, dimension, agency)
            year = body.effective_on.year
            serial = await next_serial(work.session, prefix, year)
            document_id = uuid.uuid4()
            draft = document_pdf.Draft(
                agency_name=name_of(agency.value),
                title=kind.title,
                number=number_of(prefix, year, serial),
                addressee=f"{enterprise.name}（统一社会信用代码：{enterprise.uscc}）",
                paragraphs=_paragraphs(kind, facts, body.remarks),
                basis=facts.basis,
                issued_on=body.effective_on,
                verify_url=f"{kit.public_url}/v1/public/documents/{document_id}",
                deadline=deadline,
                deadline_label=kind.deadline_label,
                facts=(("所在区", name_of(enterprise.district)), *facts.facts),
                evidence=cited,
                replaces=replaced,
                signature_lines=_signature_lines(body.kind),
            )
            content = await asyncio.to_thread(document_pdf.render, draft, work.now, kit.font_file())
            sha256, size = await _keep(work, keeping, content)
            principal = work.principal
            assert principal is not None
            values = {
                "id": str(document_id),
                "number": draft.number,
                "prefix": prefix,
                "year": year,
                "serial": serial,
                "kind": body.kind,
                "sha256": sha256,
                "uscc": enterprise.uscc,
                "district": enterprise.district,
                "target_kind": body.target_kind,
                "target_id": body.target_id,
                "agency": agency.value,
                "issued_on": body.effective_on,
                "deadline": deadline,
                "basis": "\n".join(facts.basis),
                "replaces": str(body.replaces) if body.replaces else None,
                "issued_by": principal.sub,
                "issued_at": work.now,
                "signed_off_by": None,
                "signed_off_on": None,
            }
            await work.session.execute(insert(documents).values(values))
            event = ISSUED[dimension.value](
                document_id=document_id,
                number=draft.number,
                kind=body.kind,
                uscc=enterprise.uscc,
                district=enterprise.district,
                target_kind=body.target_kind,
                target_id=body.target_id,
                sha256=sha256,
                size=size,
                issuing_agency=agency.value,
                deadline=deadline,
                replaces=body.replaces,
                effective_on=body.effective_on,
            )
            await work.emit([event], subject=enterprise.uscc)
            await work.audit("document.issue", str(document_id), body.model_dump(mode="json"))
        return _document(values, size)

    @api.post("/{document_id}/sign-off", response_model=Document)
    async def sign_off(document_id: uuid.UUID, body: SignOffIn, work: DocumentWork) -> Document:
        """Record that a record asking for it was signed off (once); its bytes stay as issued.
        A document is at version 1 as issued and 2 once signed off (its `ETag`, for
        `If-Match`)."""
        async with work:
            refuse_future(work, effective_on=body.effective_on)
            row = await _row(work.session, document_id, for_update=True)
            versions_of(work.session).load(VERSIONED, str(document_id), _version(row))
            desk.authorise(work, row["district"])
            if not KINDS[row["kind"]].signed:
                raise Conflict(
                    f"a {row['kind']} is not signed off",
                    field="document_id",
                    rule="documents.signed",
                )
            if row["signed_off_on"] is not None:
                raise Conflict(
                    f"{row['number']} was already signed off on {row['signed_off_on']}",
                    field="document_id",
                    rule="documents.signed_once",
                )
            if body.effective_on < row["issued_on"]:
                raise Conflict(
                    f"signed on {body.effective_on}, before it was issued on {row['issued_on']}",
                    field="effective_on",
                    rule="documents.signed_after_issue",
                )
            principal = work.principal
            assert principal is not None
            changes = {"signed_off_by": principal.sub, "signed_off_on": body.effective_on}
            await work.session.execute(
                update(documents).where(documents.c.id == str(document_id)).values(changes)
            )
            versions_of(work.session).save(VERSIONED, str(document_id), AS_SIGNED)
            event = SIGNED_OFF[dimension.value](
                document_id=document_id,
                number=row["number"],
                kind=row["kind"],
                uscc=row["uscc"],
                district=row["district"],
                sha256=row["sha256"],
                effective_on=body.effective_on,
            )
            await work.emit([event], subject=row["uscc"])
            await work.audit("document.sign_off", str(document_id), body.model_dump(mode="json"))
            return await _read(work, document_id)

    @api.get("", response_model=Page[Document])
    async def list_(
        work: Work,
        paging: Paging,
        uscc: UsccQ = None,
        kind: Annotated[str | None, Query(max_length=40)] = None,
        target_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Page[Document]:
        """The documents in the caller's jurisdiction, newest first."""
        query = select(documents, evidence_files.c.size).join(evidence_files)
        principal = work.principal
        if principal is not None and not principal.city_wide:
            query = query.where(documents.c.district == principal.jurisdiction)
        for column, value in (
            (documents.c.uscc, uscc),
            (documents.c.kind, kind),
            (documents.c.target_id, target_id),
        ):
            if value is not None:
                query = query.where(column == value)
        query = query.order_by(documents.c.issued_at.desc(), documents.c.id)
        async with work:
            rows = (await work.session.execute(query)).all()
            successors = await _successors(work.session, [r.id for r in rows])
        found = [_document(dict(r._mapping), r.size, successors.get(r.id)) for r in rows]
        items = found[paging.offset : paging.offset + paging.limit]
        return Page(items=items, total=len(found), limit=paging.limit, offset=paging.offset)

    @api.get("/{document_id}", response_model=Document)
    async def read(document_id: uuid.UUID, work: Work) -> Document:
        async with work:
            return await _read(work, document_id)

    @api.get("/{document_id}/pdf", response_class=FileResponse)
    async def pdf(request: Request, document_id: uuid.UUID, work: Work) -> Any:
        """The PDF as issued, to the readers of the act; its `ETag` is its digest."""
        async with work:
            found = await _read(work, document_id)
        keeping: Keeping = request.app.state.evidence
        return await keeping.store.response(
            found.sha256,
            PDF,
            {
                "ETag": f'"{found.sha256}"',
                "Cache-Control": "private, max-age=86400",
                "Content-Disposition": f"inline; filename={found.document_id}.pdf",
            },
        )

    return api


def public_router() -> APIRouter:
    """`/v1/public/documents/{id}`: a document's verification page, for anyone (no token)."""
    api = APIRouter(prefix="/v1/public/documents", tags=["public"])

    @api.get(
        "/{document_id}",
        response_model=PublicDocument,
        openapi_extra=READ_BY_ANYONE,
        responses={200: {"content": {"text/html": {}}}},
    )
    async def verify(request: Request, document_id: uuid.UUID) -> Any:
        """What anyone holding the document may check: its number, date, issuing agency and
        SHA-256 (HTML to a browser, JSON otherwise)."""
        async with request.app.state.db.sessions() as session:
            row = await _row(session, document_id)
            size = await session.scalar(
                select(evidence_files.c.size).where(evidence_files.c.sha256 == row["sha256"])
            )
            replaces = (
                await session.scalar(
                    select(documents.c.number).where(documents.c.id == row["replaces"])
                )
                if row["replaces"]
                else None
            )
            replaced_by = await session.scalar(
                select(documents.c.number).where(documents.c.replaces == row["id"])
            )
        found = PublicDocument(
            number=row["number"],
            title=KINDS[row["kind"]].title,
            issued_on=row["issued_on"],
            issuing_agency=name_of(row["agency"]),
            sha256=row["sha256"],
            size=int(size or 0),
            signed_off_on=row["signed_off_on"],
            replaces=replaces,
            replaced_by=replaced_by,
        )
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(verification_page(found))
        return found

    return api


def verification_page(found: PublicDocument) -> str:
    """The verification page of a document, as a browser shows it."""
    rows = [
        ("文号", found.number),
        ("文书", found.title),
        ("日期", document_pdf.chinese_date(found.issued_on)),
        ("签发机关", found.issuing_agency),
        ("SHA-256", found.sha256),
        ("大小（字节）", str(found.size)),
    ]
    if found.signed_off_on:
        rows.append(("签署日期", document_pdf.chinese_date(found.signed_off_on)))
    if found.replaces:
        rows.append(("更正并取代", found.replaces))
    if found.replaced_by:
        rows.append(("已被更正", f"本文书已由{found.replaced_by}更正并取代"))
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>" for k, v in rows
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        f"<title>文书核验 {html.escape(found.number)}</title></head><body>"
        f"<h1>文书核验</h1><table>{cells}</table>"
        "<p>所持文书 PDF 的 SHA-256 与上表一致，即为签发机关签发的原件。</p></body></html>"
    )


def _paragraphs(kind: Kind, facts: Facts, remarks: str) -> list[str]:
    said = [f"经查，你单位{facts.subject}：{facts.finding}。"]
    if remarks:
        said.append(remarks)
    said.append(kind.orders)
    return said


def _signature_lines(kind: str) -> tuple[str, ...]:
    if kind == "public_commitment":
        return ("承诺单位（盖章）：", "法定代表人（签字）：")
    if kind == "acceptance_record":
        return ("验收人员（签字）：", "企业负责人（签字）：")
    return ()


async def _target(
    session: AsyncSession, targets: Mapping[str, Repository[Any]], body: DocumentIn
) -> dict[str, Any]:
    repository = targets.get(body.target_kind)
    if repository is None:
        kinds = ", ".join(sorted(targets))
        raise InvalidInput(
            f"{body.target_kind} is not something documents are issued on here: one of {kinds}",
            field="target_kind",
        )
    t = repository.table
    row = (await session.execute(select(t).where(t.c.id == body.target_id))).first()
    if row is None or row.uscc is None:
        raise InvalidInput(f"no {body.target_kind} {body.target_id}", field="target_id")
    return dict(row._mapping)


async def _replaced(
    session: AsyncSession, body: DocumentIn, target: Mapping[str, Any]
) -> str | None:
    """The number of the document a correction replaces (same act, same kind, not replaced)."""
    if body.replaces is None:
        return None
    old = (
        await session.execute(
            select(documents).where(documents.c.id == str(body.replaces)).with_for_update()
        )
    ).first()
    if old is None:
        raise InvalidInput(f"no document {body.replaces}", field="replaces")
    if (old.target_kind, old.target_id, old.kind) != (body.target_kind, body.target_id, body.kind):
        raise InvalidInput(
            f"{old.number} is a {old.kind} on {old.target_kind} {old.target_id}: a correction "
            "is of the same kind, on the same act",
            field="replaces",
        )
    taken = await session.scalar(select(documents.c.number).where(documents.c.replaces == old.id))
    if taken is not None:
        raise Conflict(
            f"{old.number} was already replaced by {taken}: correct that one",
            field="replaces",
            rule="documents.replaced_once",
        )
    return str(old.number)


async def _cited(session: AsyncSession, uscc: str, body: DocumentIn) -> list[tuple[str, str, str]]:
    """The evidence attached to the act, oldest first: what a record cites."""
    query = (
        select(evidence.c.caption, evidence.c.taken_on, evidence.c.sha256)
        .where(evidence.c.uscc == uscc)
        .where(evidence.c.target_kind == body.target_kind)
        .where(evidence.c.target_id == body.target_id)
        .order_by(evidence.c.taken_on, evidence.c.attached_at, evidence.c.id)
    )
    rows = (await session.execute(query)).all()
    return [(r.caption, document_pdf.chinese_date(r.taken_on), r.sha256) for r in rows]


async def _keep(work: UnitOfWork, keeping: Keeping, content: bytes) -> tuple[str, int]:
    """Store the PDF under its digest and record it as a file the service holds."""
    sha256 = await keep_bytes(keeping.store, content)
    assert work.principal is not None
    await work.session.execute(
        upsert(evidence_files)
        .values(
            sha256=sha256,
            size=len(content),
            media_type=PDF,
            stored_at=work.now,
            stored_by=work.principal.sub,
        )
        .on_conflict_do_nothing()
    )
    return sha256, len(content)


VERSIONED = "documents"
"""The kind of resource a document is for `If-Match`: its only change is its sign-off."""
AS_ISSUED, AS_SIGNED = 1, 2
DocumentWork = Annotated[UnitOfWork, versioned(VERSIONED)]


def _version(row: Mapping[str, Any]) -> int:
    """A document's version: 1 as issued, 2 once signed off (nothing else of it changes)."""
    return AS_ISSUED if row["signed_off_on"] is None else AS_SIGNED


async def _row(
    session: AsyncSession, document_id: uuid.UUID, *, for_update: bool = False
) -> dict[str, Any]:
    query = select(documents).where(documents.c.id == str(document_id))
    row = (await session.execute(query.with_for_update() if for_update else query)).first()
    if row is None:
        raise NotFound(f"no document {document_id}", field="document_id")
    return dict(row._mapping)


async def _successors(session: AsyncSession, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(documents.c.replaces, documents.c.id).where(documents.c.replaces.in_(ids))
    return {r.replaces: r.id for r in (await session.execute(query)).all()}


async def _read(work: UnitOfWork, document_id: uuid.UUID) -> Document:
    row = await _row(work.session, document_id)
    authorise_read(work.principal, row["district"])
    size = await work.session.scalar(
        select(evidence_files.c.size).where(evidence_files.c.sha256 == row["sha256"])
    )
    successors = await _successors(work.session, [row["id"]])
    return _document(row, int(size or 0), successors.get(row["id"]))


def _document(row: Mapping[str, Any], size: int, replaced_by: str | None = None) -> Document:
    return Document(
        document_id=uuid.UUID(row["id"]),
        number=row["number"],
        kind=row["kind"],
        title=KINDS[row["kind"]].title,
        sha256=row["sha256"],
        size=size,
        uscc=row["uscc"],
        district=row["district"],
        target_kind=row["target_kind"],
        target_id=row["target_id"],
        agency=row["agency"],
        issued_on=row["issued_on"],
        deadline=row["deadline"],
        basis=row["basis"],
        replaces=uuid.UUID(row["replaces"]) if row["replaces"] else None,
        replaced_by=uuid.UUID(replaced_by) if replaced_by else None,
        issued_by=row["issued_by"],
        issued_at=row["issued_at"],
        signed_off_by=row["signed_off_by"],
        signed_off_on=row["signed_off_on"],
    )
