"""Evidence files (证据材料), the same in every agency service: what an officer attaches to an act.

Two steps, so that a file is sent once however many acts it supports:
- `POST /v1/evidence/files` takes the file's bytes as the body (its `Content-Type` one of
  `MEDIA_TYPES`), streams them to the store while hashing, and answers the SHA-256 that names
  it from then on. The same file sent twice is stored once. A body over the limit is a 413, a
  type that is not allowed or bytes that are not what the type says a 415, a file the scanning
  hook refuses a 422 — and nothing of it is kept.
- `POST /v1/evidence` attaches a stored file to an act of a registered enterprise (`target_kind`
  and `target_id`: a case, an inspection, a hazard …), with what it shows, the day it was taken
  and, optionally, where. The agency's event carries the digest, never the bytes.

Files are read through their attachments, by the same rule as the facts they support: an
officer of a district sees the district's (`scope.authorise_read`). Content is immutable: it is
named by its digest, and the store never overwrites a digest it holds.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shlex
import tempfile
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Protocol

import anyio
from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Table,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared import register
from phaseout_shared.aggregates import Repository
from phaseout_shared.city_time import refuse_future
from phaseout_shared.commands import Desk
from phaseout_shared.contracts.evidence import ATTACHED
from phaseout_shared.deps import Page, Paging, Work
from phaseout_shared.domain.errors import InvalidInput, NotFound, TooLarge, UnsupportedType
from phaseout_shared.limits import MAX_EVIDENCE_BYTES, Day
from phaseout_shared.params import UsccQ
from phaseout_shared.reference import Dimension
from phaseout_shared.scope import authorise_read
from phaseout_shared.settings import Settings
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.writes import LEADS

CHUNK = 1 << 16
"""The bytes read from the store at a time."""

FILES_ROUTE = "/v1/evidence/files"
"""The one route whose body is a file's bytes: admitted as a stream (`admission`)."""

MEDIA_TYPES: Mapping[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}
"""What an officer may attach — photos, video stills, scans and PDFs — and how each begins."""

FILE_BODY = {
    "required": True,
    "description": "The file's bytes, with its type as the Content-Type",
    "content": {
        t: {"schema": {"type": "string", "format": "binary", "maxLength": MAX_EVIDENCE_BYTES}}
        for t in MEDIA_TYPES
    },
}

evidence_files = Table(
    "evidence_files",
    register.REGISTER,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
    Column("stored_by", String(200), nullable=False),
)
evidence = Table(
    "evidence",
    register.REGISTER,
    Column("id", String(36), primary_key=True),
    Column("sha256", String(64), ForeignKey("evidence_files.sha256"), nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False, index=True),
    Column("target_kind", String(40), nullable=False),
    Column("target_id", String(64), nullable=False, index=True),
    Column("caption", String(500), nullable=False),
    Column("taken_on", Date, nullable=False),
    Column("latitude", Numeric(9, 6)),
    Column("longitude", Numeric(9, 6)),
    Column("attached_by", String(200), nullable=False),
    Column("agency", String(20), nullable=False),
    Column("attached_at", DateTime(timezone=True), nullable=False),
)


class Store(Protocol):
    """Where the bytes live, named by their SHA-256: written once, never overwritten."""

    def staging(self) -> Path:
        """A folder on the store's own file system for a file being received."""
        ...

    async def keep(self, sha256: str, staged: Path) -> None:
        """Keep a staged file under its digest (a digest already held is left as it is)."""
        ...

    def chunks(self, sha256: str) -> AsyncIterator[bytes]:
        """The bytes of `sha256`, in chunks; NotFound if the store lacks them."""
        ...

    async def response(self, sha256: str, media_type: str, headers: Mapping[str, str]) -> Response:
        """An HTTP answer with the bytes of `sha256`; NotFound if the store lacks them."""
        ...


@dataclass(frozen=True)
class LocalStore:
    """The default store: files under one folder, `ab/cd/abcd…`, read-only once kept."""

    root: Path

    def staging(self) -> Path:
        folder = self.root / "incoming"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    async def keep(self, sha256: str, staged: Path) -> None:
        await asyncio.to_thread(self._keep, sha256, staged)

    def _keep(self, sha256: str, staged: Path) -> None:
        final = self._where(sha256)
        if final.exists():
            staged.unlink(missing_ok=True)
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        staged.chmod(0o444)
        os.replace(staged, final)

    async def path(self, sha256: str) -> Path:
        found = self._where(sha256)
        if not found.exists():
            raise NotFound(f"the store holds no file {sha256}", field="sha256")
        return found

    async def chunks(self, sha256: str) -> AsyncIterator[bytes]:
        path = await self.path(sha256)
        async with await anyio.open_file(path, "rb") as handle:
            while chunk := await handle.read(CHUNK):
                yield chunk

    async def response(self, sha256: str, media_type: str, headers: Mapping[str, str]) -> Response:
        return FileResponse(await self.path(sha256), media_type=media_type, headers=dict(headers))

    def _where(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256


class Scanner(Protocol):
    """The hook a deployment plugs its virus scanner into: the reason it refuses a file, or
    None when it passes."""

    async def __call__(self, path: Path) -> str | None: ...


@dataclass(frozen=True)
class CommandScanner:
    """A scanner that runs a command on the file (e.g. `clamdscan --no-summary`): any exit
    status but 0 refuses the file, with what the command printed."""

    command: tuple[str, ...]

    async def __call__(self, path: Path) -> str | None:
        process = await asyncio.create_subprocess_exec(
            *self.command,
            str(path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        if process.returncode == 0:
            return None
        return output.decode(errors="replace").strip()[:200] or f"exit status {process.returncode}"


async def no_scan(path: Path) -> None:
    """No scanner configured: every file passes."""
    return None


class StoredFile(BaseModel):
    sha256: str = Field(description="The file's SHA-256, in hex: its name from now on")
    size: int
    media_type: str


class AttachmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str = Field(
        pattern="^[0-9a-f]{64}$",
        min_length=64,
        max_length=64,
        description="A file stored by POST /v1/evidence/files",
    )
    uscc: str = Field(max_length=18, description="A registered enterprise")
    target_kind: str = Field(min_length=1, max_length=40, description="case, inspection …")
    target_id: str = Field(min_length=1, max_length=64, description="The act it supports")
    caption: str = Field(default="", max_length=500, description="What the file shows")
    effective_on: Day = Field(description="The day it was taken or made; today at the latest")
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)


class Attachment(BaseModel):
    evidence_id: uuid.UUID
    sha256: str
    size: int
    media_type: str
    uscc: str
    district: str
    target_kind: str
    target_id: str
    caption: str
    effective_on: date
    latitude: Decimal | None
    longitude: Decimal | None
    attached_by: str
    agency: str
    attached_at: datetime


@dataclass(frozen=True)
class Keeping:
    """How a service keeps evidence: its store, its limit and its scanner (`app.state`)."""

    store: Store
    max_bytes: int
    scan: Scanner = no_scan


async def keep_bytes(store: Store, content: bytes) -> str:
    """Keep bytes made here (a document's PDF) under their digest; returns the digest. Done
    before the transaction that records them commits: an unused file is harmless, a recorded
    one without its bytes is not."""
    sha256 = hashlib.sha256(content).hexdigest()
    handle, name = tempfile.mkstemp(dir=store.staging())
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        await store.keep(sha256, Path(name))
    finally:
        await anyio.Path(name).unlink(missing_ok=True)
    return sha256


def store_of(settings: Settings) -> Store:
    """The store the settings name: the local folder, or a bucket of an S3-compatible store."""
    if settings.evidence_store == "local":
        return LocalStore(settings.evidence_root())
    from phaseout_shared.object_store import S3Store

    secret = settings.evidence_s3_secret_key
    if secret is None and settings.evidence_s3_secret_key_file is not None:
        secret = SecretStr(settings.evidence_s3_secret_key_file.read_text().strip())
    if not (settings.evidence_s3_endpoint and settings.evidence_s3_access_key and secret):
        raise ValueError(
            "evidence_store s3 needs evidence_s3_endpoint, evidence_s3_access_key and "
            "evidence_s3_secret_key (or its file)"
        )
    return S3Store(
        endpoint=settings.evidence_s3_endpoint,
        bucket=settings.evidence_s3_bucket,
        access_key=settings.evidence_s3_access_key,
        secret_key=secret.get_secret_value(),
        local=settings.evidence_root(),
        prefix=settings.evidence_s3_prefix
        if settings.evidence_s3_prefix is not None
        else settings.service,
        region=settings.evidence_s3_region,
    )


def keeping(settings: Settings) -> Keeping:
    """The service's evidence keeping, from its settings."""
    command = settings.evidence_scan_command
    return Keeping(
        store=store_of(settings),
        max_bytes=settings.evidence_max_bytes,
        scan=CommandScanner(tuple(shlex.split(command))) if command else no_scan,
    )


def router(dimension: Dimension, targets: Mapping[str, Repository[Any]]) -> APIRouter:
    """The evidence routes of an agency service; `targets`: what evidence may support here
    (a kind's repository, whose aggregate must be the enterprise's)."""
    api = APIRouter(prefix="/v1/evidence", tags=["evidence"])
    desk = Desk(dimension, LEADS[dimension])

    @api.post(
        "/files",
        response_model=StoredFile,
        status_code=status.HTTP_201_CREATED,
        openapi_extra={"requestBody": FILE_BODY},
    )
    async def store_file(
        request: Request,
        response: Response,
        work: Work,
        content_type: Annotated[str, Header(max_length=100, description="The file's type")],
    ) -> StoredFile:
        """Store a file's bytes (the body); 201 with its SHA-256, or 200 if already stored."""
        media_type = content_type.split(";")[0].strip().lower()
        if media_type not in MEDIA_TYPES:
            allowed = ", ".join(MEDIA_TYPES)
            raise _unsupported(f"{media_type or 'no type'} is not accepted: send {allowed}")
        desk.authorise(work, work.principal.jurisdiction if work.principal else None)
        kit: Keeping = request.app.state.evidence
        received = await _receive(request.stream(), kit, media_type)
        try:
            reason = await kit.scan(received.path)
            if reason is not None:
                raise InvalidInput(
                    f"the scanner refused the file: {reason}", field="body", rule="evidence.scan"
                )
            async with work:
                new = await _record_file(work, received)
            await kit.store.keep(received.sha256, received.path)
        finally:
            await anyio.Path(received.path).unlink(missing_ok=True)
        if not new:
            response.status_code = status.HTTP_200_OK
        return StoredFile(sha256=received.sha256, size=received.size, media_type=media_type)

    @api.post("", response_model=Attachment, status_code=status.HTTP_201_CREATED)
    async def attach(body: AttachmentIn, work: Work) -> Attachment:
        """Attach a stored file to an act of a registered enterprise (the act's district's
        officers only); the event carries its digest."""
        async with work:
            enterprise = await register.get(work.session, body.uscc)
            desk.authorise(work, enterprise.district)
            principal = work.principal
            assert principal is not None
            refuse_future(work, effective_on=body.effective_on)
            stored = await _stored(work.session, body.sha256)
            await _check_target(work.session, targets, body)
            row = {
                "id": str(uuid.uuid4()),
                "sha256": body.sha256,
                "uscc": body.uscc,
                "district": enterprise.district,
                "target_kind": body.target_kind,
                "target_id": body.target_id,
                "caption": body.caption,
                "taken_on": body.effective_on,
                "latitude": body.latitude,
                "longitude": body.longitude,
                "attached_by": principal.sub,
                "agency": str(principal.agency),
                "attached_at": work.now,
            }
            await work.session.execute(insert(evidence).values(row))
            event = ATTACHED[dimension.value](
                evidence_id=row["id"],
                uscc=body.uscc,
                district=enterprise.district,
                target_kind=body.target_kind,
                target_id=body.target_id,
                sha256=body.sha256,
                size=stored.size,
                media_type=stored.media_type,
                caption=body.caption,
                effective_on=body.effective_on,
            )
            await work.emit([event], subject=body.uscc)
            await work.audit("evidence.attach", str(row["id"]), body.model_dump(mode="json"))
        return _attachment(row, stored)

    @api.get("", response_model=Page[Attachment])
    async def list_(
        work: Work,
        paging: Paging,
        uscc: UsccQ = None,
        target_kind: Annotated[str | None, Query(max_length=40)] = None,
        target_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Page[Attachment]:
        """The attachments in the caller's jurisdiction, newest first."""
        query = select(evidence, evidence_files.c.size, evidence_files.c.media_type).join(
            evidence_files
        )
        principal = work.principal
        if principal is not None and not principal.city_wide:
            query = query.where(evidence.c.district == principal.jurisdiction)
        for column, value in (
            (evidence.c.uscc, uscc),
            (evidence.c.target_kind, target_kind),
            (evidence.c.target_id, target_id),
        ):
            if value is not None:
                query = query.where(column == value)
        async with work:
            rows = (await work.session.execute(query)).all()
        found = sorted(
            (_attachment(dict(r._mapping), r) for r in rows),
            key=lambda a: (a.attached_at, str(a.evidence_id)),
            reverse=True,
        )
        items = found[paging.offset : paging.offset + paging.limit]
        return Page(items=items, total=len(found), limit=paging.limit, offset=paging.offset)

    @api.get("/{evidence_id}", response_model=Attachment)
    async def read(evidence_id: uuid.UUID, work: Work) -> Attachment:
        async with work:
            return await _read(work, evidence_id)

    @api.get("/{evidence_id}/content", response_class=FileResponse)
    async def content(request: Request, evidence_id: uuid.UUID, work: Work) -> Response:
        """The file itself, to the readers of the fact it supports; its `ETag` is its digest."""
        async with work:
            found = await _read(work, evidence_id)
        kit: Keeping = request.app.state.evidence
        return await kit.store.response(
            found.sha256,
            found.media_type,
            {"ETag": f'"{found.sha256}"', "Cache-Control": "private, max-age=86400"},
        )

    return api


def _unsupported(reason: str) -> UnsupportedType:
    return UnsupportedType(reason, field="content-type", rule="evidence.media_type")


@dataclass(frozen=True)
class _Received:
    path: Path
    sha256: str
    size: int
    media_type: str


async def _receive(chunks: AsyncIterator[bytes], kit: Keeping, media_type: str) -> _Received:
    """Stream the body to a staged file while hashing it; nothing staged is left on refusal."""
    digest, size = hashlib.sha256(), 0
    handle, name = tempfile.mkstemp(dir=kit.store.staging())
    os.close(handle)
    staged = Path(name)
    head = b""
    try:
        async with await anyio.open_file(staged, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > kit.max_bytes:
                    limit = kit.max_bytes
                    raise TooLarge(
                        f"the file is over the limit of {limit} bytes",
                        field="body",
                        rule="body.size",
                    )
                if len(head) < 16:
                    head = (head + chunk)[:16]
                digest.update(chunk)
                await out.write(chunk)
        if size == 0:
            raise InvalidInput("the body is empty: send the file's bytes", field="body")
        if not head.startswith(MEDIA_TYPES[media_type]) or (
            media_type == "image/webp" and head[8:12] != b"WEBP"
        ):
            raise _unsupported(f"the bytes sent are not a {media_type} file")
    except BaseException:
        await anyio.Path(staged).unlink(missing_ok=True)
        raise
    return _Received(staged, digest.hexdigest(), size, media_type)


async def _record_file(work: UnitOfWork, received: _Received) -> bool:
    """Record the file's digest; False if it was already stored (the same file twice)."""
    assert work.principal is not None
    statement = (
        upsert(evidence_files)
        .values(
            sha256=received.sha256,
            size=received.size,
            media_type=received.media_type,
            stored_at=work.now,
            stored_by=work.principal.sub,
        )
        .on_conflict_do_nothing()
        .returning(evidence_files.c.sha256)
    )
    new = (await work.session.execute(statement)).first() is not None
    if new:
        await work.audit("evidence.store", received.sha256, {"size": received.size})
    return new


async def _stored(session: AsyncSession, sha256: str) -> Any:
    row = (
        await session.execute(select(evidence_files).where(evidence_files.c.sha256 == sha256))
    ).first()
    if row is None:
        raise InvalidInput(
            f"no file {sha256} is stored: send it to {FILES_ROUTE} first",
            field="sha256",
            rule="evidence.stored_first",
        )
    return row


async def _check_target(
    session: AsyncSession, targets: Mapping[str, Repository[Any]], body: AttachmentIn
) -> None:
    """The act must exist here and be the enterprise's."""
    repository = targets.get(body.target_kind)
    if repository is None:
        kinds = ", ".join(sorted(targets))
        raise InvalidInput(
            f"{body.target_kind} is not something evidence supports here: one of {kinds}",
            field="target_kind",
        )
    t = repository.table
    owner = await session.scalar(select(t.c.uscc).where(t.c.id == body.target_id))
    if owner is None:
        raise InvalidInput(f"no {body.target_kind} {body.target_id}", field="target_id")
    if owner != body.uscc:
        raise InvalidInput(
            f"{body.target_kind} {body.target_id} is another enterprise's", field="target_id"
        )


async def _read(work: UnitOfWork, evidence_id: uuid.UUID) -> Attachment:
    query = (
        select(evidence, evidence_files.c.size, evidence_files.c.media_type)
        .join(evidence_files)
        .where(evidence.c.id == str(evidence_id))
    )
    row = (await work.session.execute(query)).first()
    if row is None:
        raise NotFound(f"no evidence {evidence_id}", field="evidence_id")
    authorise_read(work.principal, row.district)
    return _attachment(dict(row._mapping), row)


def _attachment(row: Mapping[str, Any], stored: Any) -> Attachment:
    return Attachment(
        evidence_id=uuid.UUID(row["id"]),
        sha256=row["sha256"],
        size=stored.size,
        media_type=stored.media_type,
        uscc=row["uscc"],
        district=row["district"],
        target_kind=row["target_kind"],
        target_id=row["target_id"],
        caption=row["caption"],
        effective_on=row["taken_on"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        attached_by=row["attached_by"],
        agency=row["agency"],
        attached_at=row["attached_at"],
    )
