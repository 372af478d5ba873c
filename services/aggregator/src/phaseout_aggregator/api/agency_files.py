"""Evidence files, documents and archives as the dashboard reaches them: relayed to the agency
service that keeps them, with the caller's own token.

The files and the enforcement documents stay where they are kept, in each agency service, which
alone decides who reads or adds them (the same scope rule as the facts they support). The
aggregator does not copy them (the consumption curve's pattern): it forwards a fixed set of
requests under `/v1/dimensions/{dimension}/…` to the service of that dimension, with the
caller's `Authorization` and `Accept-Language`, and streams the answer back as it comes —
status, type and reason unchanged, so a 403, 404, 413, 415 or 422 reaches the page with its
field, rule and reason in the caller's language. A file's bytes are streamed on as they are
received, never held whole. An agency service that does not answer gives a 503 naming it.

Only these paths are relayed (no other path of an agency service can be reached through here):
- `GET  …/evidence` (its filters `uscc`, `target_kind`, `target_id`, `limit`, `offset`);
- `POST …/evidence/files` (the file's bytes) and `POST …/evidence` (the attachment);
- `GET  …/evidence/{id}/content`;
- `GET  …/documents` (`uscc`, `kind`, `target_id`, `limit`, `offset`), `GET …/documents/{id}/pdf`;
- `GET  …/enterprises/{uscc}/archive`;
- `GET  /v1/public/dimensions/{dimension}/documents/{id}`: the public verification page (no token).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from phaseout_aggregator.api.deps import CallerScope
from phaseout_shared.evidence import FILE_BODY
from phaseout_shared.params import UsccPath, UsccQ
from phaseout_shared.reference import Dimension
from phaseout_shared.scope import READ_BY_ANYONE
from phaseout_shared.web import problem

router = APIRouter(prefix="/v1/dimensions/{dimension}", tags=["evidence and documents"])
public = APIRouter(prefix="/v1/public/dimensions/{dimension}", tags=["public"])

FILES_ROUTES = tuple(f"/v1/dimensions/{d.value}/evidence/files" for d in Dimension)
"""The routes whose body is a file's bytes: admitted as a stream (`ServiceSpec.files`)."""

FORWARDED_REQUEST = ("authorization", "accept-language", "content-type", "content-length", "accept")
FORWARDED_ANSWER = (
    "content-type",
    "content-length",
    "content-disposition",
    "etag",
    "cache-control",
    "www-authenticate",
)
TIMEOUT = httpx.Timeout(30, connect=5)
"""A document's PDF is rendered in the issuing request: a few seconds under load."""

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Text = Annotated[str | None, Query(max_length=64)]


async def relay(
    request: Request,
    dimension: Dimension,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    body: bool = False,
) -> Response:
    """Forward the request to the agency service of `dimension` and stream its answer back."""
    settings = request.app.state.settings
    transport = getattr(request.app.state, "agency_transports", {}).get(dimension.value)
    client = httpx.AsyncClient(
        base_url=settings.agency_url(dimension.value), transport=transport, timeout=TIMEOUT
    )
    headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_REQUEST}
    headers["accept-encoding"] = "identity"  # the bytes pass as they come, with their length
    if not body:
        headers.pop("content-length", None)
        headers.pop("content-type", None)
    query = {k: v for k, v in (params or {}).items() if v is not None}
    outgoing = client.build_request(
        request.method,
        path,
        params=query,
        headers=headers,
        content=_stream(request) if body else None,
    )
    try:
        answer = await client.send(outgoing, stream=True)
    except httpx.HTTPError as exc:
        await client.aclose()
        reason = f"the {dimension.value} service did not answer: {type(exc).__name__}"
        return problem(503, [{"field": dimension.value, "reason": reason}])

    async def close() -> None:
        await answer.aclose()
        await client.aclose()

    kept = {k: v for k, v in answer.headers.items() if k.lower() in FORWARDED_ANSWER}
    return StreamingResponse(
        answer.aiter_raw(),
        status_code=answer.status_code,
        headers=kept,
        background=BackgroundTask(close),
    )


async def _stream(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


@router.get("/evidence", response_class=JSONResponse)
async def list_evidence(
    request: Request,
    dimension: Dimension,
    _: CallerScope,
    uscc: UsccQ = None,
    target_kind: Text = None,
    target_id: Text = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """The evidence files attached in the dimension, as its service lets the caller read them
    (`Page` of attachments, newest first)."""
    params = {
        "uscc": uscc,
        "target_kind": target_kind,
        "target_id": target_id,
        "limit": limit,
        "offset": offset,
    }
    return await relay(request, dimension, "/v1/evidence", params)


@router.post(
    "/evidence/files",
    response_class=JSONResponse,
    status_code=201,
    openapi_extra={"requestBody": FILE_BODY},
)
async def store_file(request: Request, dimension: Dimension) -> Response:
    """Store a file's bytes at the dimension's service (201 with its SHA-256, 200 if it was
    already stored; 413, 415, 422 as that service answers)."""
    return await relay(request, dimension, "/v1/evidence/files", body=True)


@router.post("/evidence", response_class=JSONResponse, status_code=201)
async def attach(request: Request, dimension: Dimension) -> Response:
    """Attach a stored file to an act (the dimension's service checks the body)."""
    return await relay(request, dimension, "/v1/evidence", body=True)


@router.get("/evidence/{evidence_id}/content", response_class=StreamingResponse)
async def evidence_content(
    request: Request, dimension: Dimension, evidence_id: uuid.UUID, _: CallerScope
) -> Response:
    """The file itself, to the readers of the fact it supports."""
    return await relay(request, dimension, f"/v1/evidence/{evidence_id}/content")


@router.get("/documents", response_class=JSONResponse)
async def list_documents(
    request: Request,
    dimension: Dimension,
    _: CallerScope,
    uscc: UsccQ = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    target_id: Text = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """The documents the dimension's agencies issued, as its service lets the caller read them."""
    params = {"uscc": uscc, "kind": kind, "target_id": target_id, "limit": limit, "offset": offset}
    return await relay(request, dimension, "/v1/documents", params)


@router.get("/documents/{document_id}/pdf", response_class=StreamingResponse)
async def document_pdf(
    request: Request, dimension: Dimension, document_id: uuid.UUID, _: CallerScope
) -> Response:
    """The document's PDF as issued."""
    return await relay(request, dimension, f"/v1/documents/{document_id}/pdf")


@router.get(
    "/enterprises/{uscc}/archive",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
async def archive(
    request: Request, dimension: Dimension, uscc: UsccPath, _: CallerScope
) -> Response:
    """The enterprise's archive (案卷) at the dimension's service: a ZIP of its documents and
    evidence files with their manifest."""
    return await relay(request, dimension, f"/v1/enterprises/{uscc}/archive")


@public.get(
    "/documents/{document_id}",
    response_class=JSONResponse,
    openapi_extra=READ_BY_ANYONE,
    responses={200: {"content": {"text/html": {}}}},
)
async def verify(request: Request, dimension: Dimension, document_id: uuid.UUID) -> Response:
    """A document's public verification page (number, date, issuing agency, SHA-256; nothing
    of the enterprise), for anyone: HTML to a browser, JSON otherwise."""
    return await relay(request, dimension, f"/v1/public/documents/{document_id}")
