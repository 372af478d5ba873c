"""An enterprise's archive (案卷): every document the agency issued on it and every evidence
file attached to its acts, in order, as one ZIP with a manifest of hashes — what an auditor or a
court asks for.

`GET /v1/enterprises/{uscc}/archive` streams the ZIP as it is built (nothing is assembled on
disk or in memory beyond one chunk): the files first, in the order they were recorded, then
`manifest.json` and `manifest.csv`, one line a file with its SHA-256 as recorded and as read
while it was streamed (`verified`: the two agree). Read by the same rule as the facts: the
enterprise's district's officers and the city's.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared import register
from phaseout_shared.deps import Work
from phaseout_shared.documents import KINDS, documents
from phaseout_shared.evidence import Keeping, Store, evidence, evidence_files
from phaseout_shared.params import UsccPath
from phaseout_shared.reference import Dimension
from phaseout_shared.scope import authorise_read

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
COLUMNS = (
    "seq",
    "file",
    "record",
    "id",
    "kind",
    "number",
    "target_kind",
    "target_id",
    "effective_on",
    "recorded_at",
    "sha256",
    "size",
    "media_type",
    "caption",
    "verified",
)


@dataclass
class Entry:
    """One file of the archive, as the manifest lists it."""

    seq: int
    file: str
    record: str
    id: str
    kind: str
    number: str
    target_kind: str
    target_id: str
    effective_on: date
    recorded_at: datetime
    sha256: str
    size: int
    media_type: str
    caption: str
    verified: bool = False


def router(dimension: Dimension) -> APIRouter:
    api = APIRouter(prefix="/v1/enterprises", tags=["archive"])

    @api.get(
        "/{uscc}/archive",
        response_class=StreamingResponse,
        responses={200: {"content": {"application/zip": {}}}},
    )
    async def archive(request: Request, uscc: UsccPath, work: Work) -> StreamingResponse:
        """The enterprise's documents and evidence files in order, as one ZIP with a manifest
        of their SHA-256 (`manifest.json`, `manifest.csv`)."""
        async with work:
            enterprise = await register.get(work.session, uscc)
            authorise_read(work.principal, enterprise.district)
            entries = await _entries(work.session, uscc)
        kit: Keeping = request.app.state.evidence
        name = f"{dimension.value}-{uscc}-archive.zip"
        return StreamingResponse(
            _zip(kit.store, entries, dimension, uscc),
            media_type="application/zip",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )

    return api


async def _entries(session: AsyncSession, uscc: str) -> list[Entry]:
    docs = (
        await session.execute(
            select(documents, evidence_files.c.size, evidence_files.c.media_type)
            .join(evidence_files)
            .where(documents.c.uscc == uscc)
        )
    ).all()
    files = (
        await session.execute(
            select(evidence, evidence_files.c.size, evidence_files.c.media_type)
            .join(evidence_files)
            .where(evidence.c.uscc == uscc)
        )
    ).all()
    found = [
        Entry(
            0,
            "",
            "document",
            d.id,
            d.kind,
            d.number,
            d.target_kind,
            d.target_id,
            d.issued_on,
            d.issued_at,
            d.sha256,
            d.size,
            d.media_type,
            KINDS[d.kind].title,
        )
        for d in docs
    ] + [
        Entry(
            0,
            "",
            "evidence",
            e.id,
            "evidence",
            "",
            e.target_kind,
            e.target_id,
            e.taken_on,
            e.attached_at,
            e.sha256,
            e.size,
            e.media_type,
            e.caption,
        )
        for e in files
    ]
    found.sort(key=lambda e: (e.recorded_at, e.record, e.id))
    for seq, entry in enumerate(found, 1):
        entry.seq = seq
        what = entry.number or entry.target_kind
        extension = EXTENSIONS.get(entry.media_type, "bin")
        entry.file = (
            f"{seq:04d}_{entry.effective_on}_{entry.record}_{what}_{entry.sha256[:12]}.{extension}"
        )
    return found


class _Sink(io.RawIOBase):
    """An unseekable stream that collects what the ZIP writer writes, to be sent on."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        chunk = bytes(data)  # type: ignore[call-overload]
        self.buffer += chunk
        return len(chunk)

    def take(self) -> bytes:
        taken = bytes(self.buffer)
        self.buffer.clear()
        return taken


async def _zip(
    store: Store, entries: Sequence[Entry], dimension: Dimension, uscc: str
) -> AsyncIterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as out:
        for entry in entries:
            digest = hashlib.sha256()
            info = zipfile.ZipInfo(entry.file, date_time=_zip_time(entry.recorded_at))
            with out.open(info, "w", force_zip64=entry.size > 2**31) as member:
                async for chunk in store.chunks(entry.sha256):
                    digest.update(chunk)
                    member.write(chunk)
                    if len(sink.buffer) >= 1 << 16:
                        yield sink.take()
            entry.verified = digest.hexdigest() == entry.sha256
            yield sink.take()
        rows = [asdict(e) for e in entries]
        manifest = {
            "dimension": dimension.value,
            "uscc": uscc,
            "algorithm": "sha256",
            "files": rows,
        }
        out.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
        )
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        out.writestr("manifest.csv", text.getvalue())
    yield sink.take()


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    t = moment.timetuple()
    return (max(t.tm_year, 1980), t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
