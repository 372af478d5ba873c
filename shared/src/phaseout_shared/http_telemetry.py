"""Telemetry of HTTP requests, at a cost an unsampled request does not pay.

OpenTelemetry's FastAPI instrumentation does the same work for every request, traced or not:
it matches the request against every route again to name its span, collects a dozen
attributes, starts a span (non-recording when the trace is not sampled), and makes five metric
recordings. At the default sampling (one trace in ten) that cost 2.4 ms of CPU per write, a
quarter of the write's own (docs/benchmarks.md).

Here each request is counted once in `http.server.duration` (milliseconds, by method, route and
status: what the dashboards and alerts read), and only a request whose trace is sampled goes
through the instrumentation, for its server span and everything the instrumentation records on
it. The decision is the tracer provider's sampler's (`sampler`, which `telemetry.configure`
installs): an incoming `traceparent` decides by its sampled flag; a request without one is drawn
at the sampler's ratio, and the server span of a request chosen here is recorded (`chosen`). A
request not sampled still runs in a trace context — the caller's, or a new trace id with the
sampled flag off — so the events it writes carry the decision, and their consumers follow it.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI
from opentelemetry import context, metrics, propagate, trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.trace.sampling import (
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind, TraceFlags
from opentelemetry.util.types import Attributes
from starlette.middleware.errors import ServerErrorMiddleware

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

chosen: ContextVar[bool] = ContextVar("phaseout_trace_chosen", default=False)
"""Set while a request this middleware chose to trace starts its server span: the root
sampler records it rather than drawing again."""

_ratio: list[float] = []
"""The ratio of the last sampler `sampler` made: the one the tracer provider draws roots at."""


class _Roots(Sampler):
    """Where a trace starts: an HTTP request `RequestTelemetry` chose to trace (it drew at the
    ratio already) is recorded; any other root is drawn at the ratio."""

    def __init__(self, ratio: float) -> None:
        self.ratio = TraceIdRatioBased(ratio)

    def should_sample(
        self,
        parent_context: Any,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: Any = None,
    ) -> SamplingResult:
        if chosen.get():
            return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)
        return self.ratio.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"PhaseoutRoots{{{self.ratio.get_description()}}}"


def sampler(ratio: float) -> Sampler:
    """The platform's sampler: a span follows its parent's decision, a root is `_Roots`'s; and
    requests are drawn at its ratio from now on."""
    _ratio[:] = [ratio]
    return ParentBased(_Roots(ratio))


def _histogram(meter: metrics.Meter) -> metrics.Histogram:
    return meter.create_histogram(
        "http.server.duration", unit="ms", description="Duration of HTTP requests served"
    )


DURATION = _histogram(metrics.get_meter("phaseout.http"))


class RequestTelemetry:
    """ASGI middleware: every request timed; a sampled one traced by `traced` (OpenTelemetry's
    middleware around `plain`), any other run by `plain` in an unsampled trace context. Requests
    are drawn at the platform sampler's ratio (`sampler`), or `ratio` where none was made."""

    def __init__(
        self,
        traced: App,
        plain: App,
        *,
        ratio: float,
        excluded: Callable[[str], bool],
        duration: metrics.Histogram = DURATION,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.traced, self.plain = traced, plain
        self.ratio, self.excluded, self.draw = ratio, excluded, draw
        self.duration = duration

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.excluded(scope.get("path", "")):
            await self.plain(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self._serve(scope, receive, sending)
        finally:
            route = scope.get("route")
            attributes = {
                "http.method": scope.get("method", ""),
                "http.status_code": status[0],
                "http.route": getattr(route, "path", None) or "unmatched",
            }
            self.duration.record(1000 * (time.perf_counter() - started), attributes)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = _incoming(scope)
        parent = trace.get_current_span(incoming).get_span_context()
        ratio = _ratio[0] if _ratio else self.ratio
        sampled = parent.trace_flags.sampled if parent.is_valid else self.draw() < ratio
        if sampled:
            token = chosen.set(not parent.is_valid)
            try:
                await self.traced(scope, receive, send)
            finally:
                chosen.reset(token)
            return
        if not parent.is_valid:
            incoming = trace.set_span_in_context(_unsampled_span())
        attached = context.attach(incoming)
        try:
            await self.plain(scope, receive, send)
        finally:
            context.detach(attached)


def _incoming(scope: Scope) -> context.Context:
    """The trace context the caller sent (`traceparent`, `tracestate`), if any."""
    carrier = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name in (b"traceparent", b"tracestate")
    }
    return propagate.extract(carrier) if carrier else context.Context()


def _unsampled_span() -> NonRecordingSpan:
    """A span that records nothing, in a new trace whose sampled flag is off."""
    return NonRecordingSpan(
        SpanContext(
            trace_id=random.getrandbits(128) or 1,
            span_id=random.getrandbits(64) or 1,
            is_remote=False,
            trace_flags=TraceFlags(TraceFlags.DEFAULT),
        )
    )


def instrument(
    app: FastAPI,
    *,
    ratio: float,
    excluded_urls: str,
    tracer_provider: trace.TracerProvider | None = None,
    meter_provider: metrics.MeterProvider | None = None,
) -> None:
    """Trace the app's sampled requests with OpenTelemetry's FastAPI instrumentation (its
    metrics off: `RequestTelemetry` records the one the platform reads), and put
    `RequestTelemetry` in front of it, inside the outermost error handler."""
    FastAPIInstrumentor.instrument_app(
        app,
        excluded_urls=excluded_urls,
        exclude_spans=["receive", "send"],
        meter_provider=NoOpMeterProvider(),
        tracer_provider=tracer_provider,
    )
    patterns = "|".join(p.strip() for p in excluded_urls.split(",") if p.strip())
    matcher = re.compile(patterns) if patterns else None

    def excluded(path: str) -> bool:
        return matcher is not None and matcher.search(path) is not None

    duration = DURATION
    if meter_provider is not None:
        duration = _histogram(meter_provider.get_meter("phaseout.http"))
    instrumented = app.build_middleware_stack

    def build() -> Any:
        outer = instrumented()
        otel = getattr(outer, "app", None)
        if not isinstance(outer, ServerErrorMiddleware) or not isinstance(
            otel, OpenTelemetryMiddleware
        ):  # the instrumentation built another stack: it sees every request, as it would
            return RequestTelemetry(outer, outer, ratio=ratio, excluded=excluded, duration=duration)
        outer.app = RequestTelemetry(
            otel, otel.app, ratio=ratio, excluded=excluded, duration=duration
        )
        return outer

    app.build_middleware_stack = build  # type: ignore[method-assign]
