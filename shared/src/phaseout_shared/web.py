"""The web layer every service shares: error bodies, health, and the app's lifecycle.

Every 4xx body has one shape: `{"detail": [{"field": ..., "reason": ..., "rule": ...}]}`,
its field and reason cut short so that a huge value is never echoed back, and every operation
documents it for each status the platform answers with. Bad input never gets a 500: what no
route should see is refused before routing (`admission`).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from pydantic import BaseModel
from sqlalchemy import MetaData
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from phaseout_shared import (
    auth,
    bus,
    http_telemetry,
    inbox,
    messages,
    migrations,
    observability,
    oidc,
    scope,
    telemetry,
    versions,
    writes,
)
from phaseout_shared.admission import Admission
from phaseout_shared.consumer import MAX_BATCH, BatchHandler, EventConsumer, Handler
from phaseout_shared.db import Database
from phaseout_shared.domain import errors
from phaseout_shared.domain.time import Clock, system_clock
from phaseout_shared.limits import clip
from phaseout_shared.outbox import Outbox, Relay, topic_of
from phaseout_shared.reference import Dimension
from phaseout_shared.settings import Settings
from phaseout_shared.workers import WorkerFactory, pause, supervise

log = logging.getLogger(__name__)

STATUS: list[tuple[type[errors.DomainError], int]] = [
    (auth.Unauthenticated, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.PreconditionFailed, 412),
    (errors.TooLarge, 413),
    (errors.UnsupportedType, 415),
    (errors.NotApplicable, 422),
    (errors.InvalidInput, 422),
]


def model_json(model: BaseModel) -> Response:
    """A model as the JSON answer of a route that can also answer a file (`response_model=None`):
    the body FastAPI gives a route with a response model, from pydantic's own serialiser,
    without `jsonable_encoder` walking the model value by value (a quarter of a page of the
    exit list's time)."""
    return Response(model.model_dump_json(), media_type="application/json")


def problem(status: int, items: list[dict[str, Any]]) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    clipped = [_clipped(item) for item in items[:MAX_PROBLEMS]]
    return JSONResponse({"detail": clipped}, status_code=status, headers=headers)


MAX_PROBLEMS = 50
"""The most items of one 4xx body (a list of 5,000 bad items is not answered 5,000 times)."""


def _clipped(item: dict[str, Any]) -> dict[str, Any]:
    """An item whose texts are cut short: a 4xx never echoes a huge value back."""
    return {k: clip(v) if isinstance(v, str) else v for k, v in item.items()}


def _field(loc: Sequence[int | str]) -> str:
    """The field as the caller wrote it: no `body.` prefix, no union member's tag (the tags
    pydantic adds for each member of a union, such as `str-enum[CaseState]`)."""
    parts = [str(p) for p in loc if not (isinstance(p, str) and "[" in p)]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _details(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """One entry per field; a value that fits no member of a union gets their reasons joined."""
    reasons: dict[str, list[str]] = {}
    for e in errors:
        reasons.setdefault(_field(e["loc"]), []).append(str(e["msg"]))
    return [
        {"field": field, "reason": " or ".join(dict.fromkeys(found)), "rule": None}
        for field, found in reasons.items()
    ]


def _localised(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons in the caller's language (`Accept-Language`), codes named; as raised for a
    caller that names no language."""
    accept = request.headers.get("accept-language")
    if not accept:
        return items
    lang = messages.language(accept)
    return [{**item, "reason": messages.localise(item.get("reason"), lang)} for item in items]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem(422, _localised(request, _details(exc.errors())))


UNAVAILABLE = (
    OperationalError,
    PoolTimeout,
    InterfaceError,
    ConnectionError,
    socket.gaierror,
    TimeoutError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.TooManyConnectionsError,
)
"""The database is down, starting up or recovering, out of connections (its own, or all of the
service's pool busy past the pool's wait), or the connection to it was lost during the request
(asyncpg raises some of these while connecting, unwrapped: among them the name server's
failure to find the database's host for now, and a connection or statement timing out)."""


async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After, not 500: the request's transaction did not commit (were the
    connection lost during the commit itself, the caller reads back before writing again)."""
    log.warning("database unavailable: %s", type(exc).__name__)
    return JSONResponse(
        {
            "detail": [
                {
                    "field": None,
                    "reason": "the service's database is unavailable; retry shortly",
                    "rule": "service.unavailable",
                }
            ]
        },
        status_code=503,
        headers={"Retry-After": "2"},
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.DomainError)
    status = next((code for cls, code in STATUS if isinstance(exc, cls)), 400)
    item = {"field": exc.field, "reason": exc.reason, "rule": exc.rule}
    return problem(status, _localised(request, [item]))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    item = {"field": None, "reason": exc.detail, "rule": None}
    return problem(exc.status_code, _localised(request, [item]))


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer of other topics inside a service."""

    name: str
    topics: Sequence[str]
    handler: Handler
    batch_handler: BatchHandler | None = None
    """Applies a fetched batch at once (`EventConsumer`); `handler` is then the path of a batch
    that failed, applied event by event."""
    max_batch: int = MAX_BATCH
    """The most records fetched and applied in one transaction."""


@dataclass
class ServiceSpec:
    """What a service is made of; `create_app` wires it the same way for all six."""

    name: str
    version_locations: Sequence[Path]
    metadata: Sequence[MetaData]
    routers: Sequence[APIRouter]
    publishes: bool = True
    consumers: Sequence[ConsumerSpec] = ()
    description: str = ""
    on_startup: Sequence[Callable[[FastAPI], Awaitable[None]]] = field(default_factory=list)
    case_counter: observability.CaseCounter | None = None
    files: Mapping[str, Callable[[Settings], int]] = field(default_factory=dict)
    """Routes whose body is a file, admitted as a stream (not held to `max_body_bytes`), each
    with its own limit from the settings; the route reads it with `read_file`."""
    """Counts its open and overdue cases per dimension, for `/metrics`."""


def create_app(spec: ServiceSpec, settings: Settings, clock: Clock = system_clock) -> FastAPI:
    """The FastAPI app of a service, with its workers run in the app's lifespan.

    Its `/docs` (Swagger UI) and `/redoc` load their scripts from the installed package
    (fastapi-offline), never from a CDN: a city's network is often closed to the internet.
    """
    app = FastAPIOffline(
        title=f"Phaseout {spec.name}",
        description=spec.description,
        version=observability.version_of(spec.name),
        lifespan=_lifespan(spec, settings),
        # OpenTelemetry's FastAPI instrumentation (below) traces requests; FastAPI's own
        # telemetry beside it would do the same work twice.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.spec = spec
    app.state.clock = clock
    key = functools.cache(settings.jwt_key)  # read once, at the first token
    app.state.verify_token = lambda token: auth.verify(
        token,
        key(),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        max_lifetime=timedelta(hours=settings.jwt_max_lifetime_hours),
    )
    if settings.oidc_issuer:
        app.state.verify_token = _either(app.state.verify_token, settings)
    app.state.verify_token = auth.VerifiedTokens(app.state.verify_token)
    app.state.outbox = Outbox(
        topic=topic_of(spec.name),
        source=f"/phaseout/{spec.name}",
        max_bytes=settings.max_event_bytes,
    )
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(errors.DomainError, _domain_error)
    app.add_exception_handler(HTTPException, _http_error)
    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, _unavailable)
    app.include_router(_health_router(spec))
    app.include_router(observability.router())
    app.state.case_counter = spec.case_counter
    gates = _gates(spec)
    for router in spec.routers:
        app.include_router(router, dependencies=gates)
    if gates:
        writes.check_routes(Dimension(spec.name), _write_routes(spec.routers))
    if settings.telemetry:
        # Every request timed; a sampled one traced, one server span without its internal
        # spans for every ASGI message; an unsampled one spared the instrumentation's work.
        http_telemetry.instrument(
            app, ratio=settings.trace_sample_ratio, excluded_urls="health/.*,metrics"
        )
    from phaseout_shared import documents, evidence

    # Every service keeps files and prints documents the same way: the agencies their evidence
    # and enforcement documents, the aggregator the districts' year-end lists.
    app.state.evidence = evidence.keeping(settings)
    app.state.documents = documents.printing(settings)
    streamed = {}
    if gates:
        streamed[evidence.FILES_ROUTE] = settings.evidence_max_bytes
    streamed.update({path: limit(settings) for path, limit in spec.files.items()})
    app.add_middleware(
        Admission,
        max_body_bytes=settings.max_body_bytes,
        verify=lambda token: app.state.verify_token(token),
        streamed=streamed,
    )
    app.openapi = partial(_openapi, app, app.openapi)  # type: ignore[method-assign]
    return app


def serve(app: FastAPI, settings: Settings) -> None:
    """Run a service's app under uvicorn (with uvloop and httptools) on the configured host and
    port, without uvicorn's access log (a line per request; traces and metrics count them)."""
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_level="info",
        access_log=False,
        timeout_keep_alive=int(settings.http_keep_alive_seconds),
    )


async def read_file(request: Request, limit: int) -> bytes:
    """The body of a route in `ServiceSpec.files`, read as it comes: 413 as soon as it passes
    `limit` (a sender may announce no length, or a false one), 422 if it is empty."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise errors.TooLarge(
                f"the file is over the limit of {limit} bytes", field="body", rule="body.size"
            )
    if not body:
        raise errors.InvalidInput("the body is empty: send the file's bytes", field="body")
    return bytes(body)


_NULLABLE_STRING = {"anyOf": [{"type": "string"}, {"type": "null"}]}
PROBLEM_ITEM = {
    "title": "ValidationError",
    "type": "object",
    "required": ["field", "reason", "rule"],
    "properties": {
        "field": _NULLABLE_STRING | {"title": "Field", "description": "The field at fault"},
        "reason": {"title": "Reason", "type": "string"},
        "rule": _NULLABLE_STRING | {"title": "Rule", "description": "The rule it breaks"},
    },
}
"""One item of every 4xx body, as the handlers above shape it (documented for the 422s)."""
PROBLEM = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "array", "items": PROBLEM_ITEM}},
}
"""Every 4xx body."""


PROBLEM = {
    "title": "Problem",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}
    },
}
"""Every 4xx (and 503) body."""

ANSWERS = {
    "400": "The body is not well-formed JSON",
    "401": "No bearer token, or one that cannot be verified",
    "403": "Not the caller's to do or to see: another agency's, another district's, or a role "
    "that may not",
    "404": "Nothing by that name (or not within the caller's scope)",
    "409": "Conflicts with the current state (an illegal transition, a duplicate)",
    "412": "The version named in If-Match is no longer the current one",
    "413": "The body is over the size limit",
    "415": "The body's type is not one the route accepts, or its bytes are not of that type",
    "422": "Invalid input: each item names the field, the reason and the rule",
    "503": "The service's database is unavailable; retry after Retry-After seconds",
}
"""What every operation may answer besides its success, in the shape `PROBLEM`."""
FOR_READS = ("401", "403", "404", "413", "422", "503")


def _openapi(app: FastAPI, generate: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """FastAPI's schema, with the 4xx body the platform really answers (field, reason, rule)
    instead of FastAPI's default (loc, msg, type), documented on every operation for each
    status the platform may answer it with."""
    if app.openapi_schema is None:
        schema = generate()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["ValidationError"] = PROBLEM_ITEM
        schemas["Problem"] = PROBLEM
        if "HTTPValidationError" in schemas:
            schemas["HTTPValidationError"]["required"] = ["detail"]
        versions.document(schema, PROBLEM)
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                _document_answers(operation, reads=method == "get")
        app.openapi_schema = schema
    return app.openapi_schema


def _document_answers(operation: dict[str, Any], *, reads: bool) -> None:
    responses = operation.setdefault("responses", {})
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for status, description in ANSWERS.items():
        if not reads or status in FOR_READS:
            responses.setdefault(status, {"description": description, "content": body})


def _gates(spec: ServiceSpec) -> list[Any]:
    """An agency service (named after its dimension) admits each write from the agencies the
    write table names for it, and reads from the dimension's readers (`scope`)."""
    if spec.name not in {d.value for d in Dimension}:
        return []
    dimension = Dimension(spec.name)
    return [Depends(auth.owners_only(dimension)), Depends(scope.readers_only(dimension))]


def _write_routes(routers: Sequence[Any]) -> list[str]:
    """`METHOD /path` of every route that records something, as the write gate names it (the
    route's own path: the services include their routers without a prefix)."""
    found: list[str] = []
    for router in routers:
        for route in router.routes:
            included = getattr(route, "original_router", None)
            if included is not None or isinstance(route, APIRouter):
                found += _write_routes([included or route])
            elif isinstance(route, APIRoute) and auth.records(route):
                methods = (route.methods or set()) & auth.WRITE_METHODS
                found += [f"{m} {route.path}" for m in sorted(methods)]
    return found


def _health_router(spec: ServiceSpec) -> APIRouter:
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        return {"status": "live", "service": spec.name}

    @router.get("/ready")
    async def ready(request: Request) -> JSONResponse:
        checks: dict[str, str] = {}
        state = request.app.state
        try:
            await asyncio.wait_for(state.db.ping(), 2)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {exc.__class__.__name__}"
        try:
            await asyncio.wait_for(state.producer.client.fetch_all_metadata(), 2)
            checks["kafka"] = "ok"
        except Exception as exc:
            checks["kafka"] = f"unavailable: {exc.__class__.__name__}"
        relay: Relay | None = getattr(state, "relay", None)
        outbox: dict[str, int] = {}
        if relay is not None and checks["database"] == "ok":
            try:
                outbox["parked"] = await asyncio.wait_for(relay.parked_rows(), 2)
            except Exception as exc:
                checks["outbox"] = f"unavailable: {exc.__class__.__name__}"
        if checks["database"] == "ok" and "outbox" not in checks:
            # A stuck outbox or a consumer that stopped polling (503, never 500, if the check
            # itself cannot be answered in time).
            stall = request.app.state.settings.stall_seconds
            try:
                checks.update(await asyncio.wait_for(observability.worker_checks(state, stall), 2))
            except Exception as exc:
                checks["workers"] = f"unavailable: {exc.__class__.__name__}"
        ok = all(v == "ok" for v in checks.values())
        answer: dict[str, Any] = {"ready": ok, "checks": checks}
        if outbox:
            answer["outbox"] = outbox
        return JSONResponse(answer, status_code=200 if ok else 503)

    return router


def _either(platform: Callable[[str], auth.Principal], settings: Settings) -> Any:
    """The platform's own tokens, and those of the city's identity provider (by their `iss`)."""
    assert settings.oidc_issuer is not None
    provider = oidc.Provider.configured(
        settings.oidc_issuer, settings.oidc_audience, settings.oidc_groups
    )
    lifetime = timedelta(hours=settings.jwt_max_lifetime_hours)

    def verify(token: str) -> auth.Principal:
        if oidc.issuer_of(token) == provider.issuer:
            return provider.verify(token, lifetime)
        return platform(token)

    return verify


YOUNG_COLLECTION = 10_000
"""New objects between two collections of the youngest generation (`settle_heap`)."""


def settle_heap() -> None:
    """Collect what starting left behind, then move the objects that remain (the modules, the
    metadata, the models' schemas, the caches: most of the heap, and alive for the process's
    life) out of the collector's reach (`gc.freeze`). Otherwise the first full collections
    each walk all of them during a request, a pause of 100 to 300 ms in the first seconds of
    a service's life; after, a full collection walks only what requests have made since.

    Then the youngest generation is collected after `YOUNG_COLLECTION` new objects rather than
    the interpreter's 700 (`tune_collector`). A consumer's batch makes objects by the hundred
    thousand that live until it commits (each event's payload, each row), and at 700 the
    collector ran thousands of times a batch, each run that promoted objects bringing the next
    full collection nearer: validating a batch event's readings took twice as long
    (docs/benchmarks.md). Garbage with cycles waits a little longer to be freed; the rest is
    freed as before, when its last reference goes."""
    gc.collect()
    gc.freeze()
    tune_collector()


def tune_collector() -> None:
    """Collect the youngest generation after `YOUNG_COLLECTION` new objects (`settle_heap`)."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, older, oldest)


def _lifespan(spec: ServiceSpec, settings: Settings) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        telemetry.configure(
            spec.name,
            settings.otlp_endpoint,
            metric_readers=[observability.metric_reader()],
            sample_ratio=settings.trace_sample_ratio,
            enabled=settings.telemetry,
        )
        observability.configure_logging(
            spec.name, settings.log_level, settings.log_format, settings.log_file
        )
        url = settings.database_url.get_secret_value()
        if settings.run_migrations:
            await asyncio.to_thread(migrations.upgrade, url, spec.version_locations, spec.metadata)
        db = app.state.db = Database(url, pool_size=settings.db_pool_size)
        if settings.telemetry and settings.trace_sql:
            SQLAlchemyInstrumentor().instrument(engine=db.engine.sync_engine)
        await _ensure_topics(spec, settings)
        producer = app.state.producer = bus.make_producer(
            settings.kafka(), f"phaseout-{spec.name}", max_event_bytes=settings.max_event_bytes
        )
        await producer.start()
        stop = asyncio.Event()
        workers = _workers(app, spec, settings, stop) if settings.run_workers else []
        tasks = [asyncio.create_task(supervise(n, w, stop), name=n) for n, w in workers]
        for hook in spec.on_startup:
            await hook(app)
        settle_heap()
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await producer.stop()
            await db.dispose()

    return lifespan


async def _ensure_topics(spec: ServiceSpec, settings: Settings) -> None:
    """The topics it writes and reads; on a secured broker the admin has provisioned them."""
    topics = {topic_of(spec.name)} if spec.publishes else set()
    for consumer in spec.consumers:
        topics.update(consumer.topics)
    if spec.consumers:
        topics.add(bus.dead_letters_of(spec.name))
    await bus.ensure_topics(
        settings.kafka(),
        sorted(topics),
        partitions=settings.topic_partitions,
        replication=settings.topic_replication,
    )


def _workers(
    app: FastAPI, spec: ServiceSpec, settings: Settings, stop: asyncio.Event
) -> list[tuple[str, WorkerFactory]]:
    db: Database = app.state.db
    retention = timedelta(days=settings.retention_days)
    workers: list[tuple[str, WorkerFactory]] = []
    if spec.publishes:
        relay = app.state.relay = Relay(
            db.sessions,
            app.state.producer,
            batch_size=settings.relay_batch_size,
            interval=settings.relay_interval_seconds,
            retention=retention,
            written=app.state.outbox.written,
        )
        workers.append(("relay", partial(relay.run, stop)))
    app.state.consumers = []
    for c in spec.consumers:
        consumer = EventConsumer(
            name=c.name,
            topics=c.topics,
            kafka=settings.kafka(),
            dead_letters=bus.dead_letters_of(spec.name),
            sessions=db.sessions,
            handler=c.handler,
            batch_handler=c.batch_handler,
            max_batch=c.max_batch,
            dlq_producer=app.state.producer,
            max_retries=settings.consumer_max_retries,
            backoff=settings.consumer_retry_backoff_seconds,
            max_message_bytes=settings.max_event_bytes,
            clock=lambda: app.state.clock(),
            wake=app.state.outbox.committed if spec.publishes else None,
        )
        app.state.consumers.append(consumer)
        workers.append((f"consumer-{c.name}", partial(consumer.run, stop)))
    workers.append(("housekeeping", partial(_housekeeping, app, retention, stop)))
    return workers


async def _housekeeping(app: FastAPI, retention: timedelta, stop: asyncio.Event) -> None:
    """Purge sent outbox rows and old inbox ids, and report the outbox backlog."""
    db: Database = app.state.db
    relay: Relay | None = getattr(app.state, "relay", None)
    while not stop.is_set():
        try:
            await inbox.purge(db.sessions, retention)
            if relay is not None:
                await relay.purge()
                telemetry.OUTBOX_BACKLOG.set(await relay.backlog(), {"service": app.title})
                telemetry.OUTBOX_PARKED.set(await relay.parked_rows(), {"service": app.title})
        except Exception:
            log.exception("housekeeping failed")
        await pause(stop, 60)
