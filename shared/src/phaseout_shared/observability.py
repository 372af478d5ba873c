"""What an operator sees of a service: Prometheus `/metrics`, `/version`, and its logs.

`/metrics` answers in Prometheus' text format, through OpenTelemetry's Prometheus exporter, every
instrument the service records: the HTTP server's latency histograms (the FastAPI
instrumentation's `http_server_duration_milliseconds`), events published, consumed, dead-lettered
and parked, each consumer's lag per partition, the outbox's backlog and parked rows (`telemetry`),
and, where a service counts them, its open and overdue cases per dimension. It needs no token:
keep it, as the health checks, on the platform's own network.

Logs go to standard output (as containers expect) or, with `PHASEOUT_LOG_FILE`, to a file rotated
at 10 MB (five kept), as the native stack runs them; one line per record, JSON by default
(`PHASEOUT_LOG_FORMAT=text` for people), each with the trace and span ids of the request or
event it belongs to; the level is `PHASEOUT_LOG_LEVEL`. Uvicorn's own loggers write through the
same handler, so a service's log has one format.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from opentelemetry import metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from phaseout_shared.telemetry import TraceIdFilter

CaseCounts = dict[str, tuple[int, int]]
"""Per dimension: (open cases, overdue cases)."""
CaseCounter = Callable[[Any], Awaitable[CaseCounts]]
"""Counts a service's cases, given its app; called at most every `CASES_EVERY` seconds."""
CASES_EVERY = 30.0

_reader: PrometheusMetricReader | None = None
_cases: CaseCounts = {}


def metric_reader() -> PrometheusMetricReader:
    """The reader behind `/metrics` (one per process: it registers with prometheus-client)."""
    global _reader
    if _reader is None:
        _reader = PrometheusMetricReader()
    return _reader


def _observe(index: int) -> Callable[[CallbackOptions], list[Observation]]:
    def callback(_: CallbackOptions) -> list[Observation]:
        return [Observation(counts[index], {"dimension": d}) for d, counts in _cases.items()]

    return callback


_meter = metrics.get_meter("phaseout.cases")
_meter.create_observable_gauge(
    "phaseout.cases.open", [_observe(0)], unit="{case}", description="Open cases per dimension"
)
_meter.create_observable_gauge(
    "phaseout.cases.overdue",
    [_observe(1)],
    unit="{case}",
    description="Open cases past their deadline per dimension",
)


class _CaseRefresh:
    def __init__(self) -> None:
        self.at = 0.0

    async def __call__(self, app: Any) -> None:
        counter: CaseCounter | None = getattr(app.state, "case_counter", None)
        if counter is None or time.monotonic() - self.at < CASES_EVERY:
            return
        self.at = time.monotonic()
        try:
            counted = await counter(app)
        except Exception:
            logging.getLogger(__name__).warning("counting cases failed", exc_info=True)
        else:
            _cases.clear()
            _cases.update(counted)


def version_of(service: str) -> str:
    """The installed version of a service's package (the workspace's version)."""
    try:
        return metadata.version(f"phaseout-{service}")
    except metadata.PackageNotFoundError:
        return metadata.version("phaseout-shared")


def router() -> APIRouter:
    """`/metrics` and `/version`, outside the API's auth (as `/health`)."""
    found = APIRouter(tags=["operations"])
    refresh = _CaseRefresh()

    @found.get("/metrics", response_class=Response, summary="Prometheus metrics")
    async def prometheus(request: Request) -> Response:
        await refresh(request.app)
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    @found.get("/version", summary="The service's name and version")
    async def version(request: Request) -> dict[str, str]:
        name = request.app.state.spec.name
        return {"service": name, "version": version_of(name)}

    return found


# --- readiness -----------------------------------------------------------------------------------


async def oldest_pending_age(sessions: Any) -> float | None:
    """Seconds the oldest unpublished, unparked outbox row has waited (None: none waits)."""
    from sqlalchemy import func, select

    from phaseout_shared.db import outbox

    async with sessions() as session:
        age = await session.scalar(
            select(func.extract("epoch", func.now() - func.min(outbox.c.created_at))).where(
                outbox.c.sent_at.is_(None), outbox.c.parked_at.is_(None)
            )
        )
    return None if age is None else float(age)


async def worker_checks(state: Any, stall_seconds: float) -> dict[str, str]:
    """Readiness of the workers: the outbox relay keeps publishing, each consumer keeps
    polling the broker (a worker that died and is being restarted polls no more)."""
    checks: dict[str, str] = {}
    relay = getattr(state, "relay", None)
    if relay is not None:
        age = await oldest_pending_age(relay.sessions)
        stuck = age is not None and age > stall_seconds
        checks["outbox"] = f"stuck: an event unpublished for {age:.0f}s" if stuck else "ok"
    now = time.monotonic()
    for consumer in getattr(state, "consumers", []):
        idle = now - consumer.polled_at
        stalled = idle > stall_seconds
        checks[f"consumer {consumer.name}"] = (
            f"stalled: no poll for {idle:.0f}s" if stalled else "ok"
        )
    return checks


# --- logs ---------------------------------------------------------------------------------------

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "trace_id", "span_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, trace and span ids, and any
    `extra` fields; an exception's traceback as `exc`."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": getattr(record, "trace_id", "-"),
            "span_id": getattr(record, "span_id", "-"),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s trace_id=%(trace_id)s span_id=%(span_id)s %(message)s"
)
_handler: logging.Handler | None = None


def configure_logging(
    service: str, level: str = "INFO", fmt: str = "json", file: Path | None = None
) -> logging.Handler:
    """Route every record of the process (uvicorn's too) through one handler; idempotent."""
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            file, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
    else:
        handler = logging.StreamHandler()
    handler.addFilter(TraceIdFilter())
    handler.setFormatter(
        JsonFormatter(service) if fmt == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # No access log (a line per request; traces and metrics count requests): uvicorn writes it
    # whenever its logger has a handler, the root's included, whatever `access_log` it was given.
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))
    _handler = handler
    return handler
