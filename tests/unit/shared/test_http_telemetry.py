"""Request telemetry: every request timed, only a sampled one traced, the decision carried."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry import propagate, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from phaseout_shared import http_telemetry

CALLER_SAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
CALLER_UNSAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"


def sampled_flag(traceparent: str) -> bool:
    """The sampled bit of a W3C `traceparent`'s flags (other bits may be set, e.g. random)."""
    return bool(int(traceparent.split("-")[3], 16) & 1)


class Served:
    def __init__(self, ratio: float) -> None:
        self.spans = InMemorySpanExporter()
        provider = TracerProvider(sampler=http_telemetry.sampler(ratio))
        provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.metrics = InMemoryMetricReader()
        app = FastAPI()

        @app.get("/v1/things/{thing}")
        def thing(thing: str) -> dict[str, Any]:
            carrier: dict[str, str] = {}
            propagate.inject(carrier)  # what the outbox would store with an event
            context = trace.get_current_span().get_span_context()
            return {
                "traceparent": carrier.get("traceparent"),
                "sampled": context.trace_flags.sampled,
            }

        @app.get("/health/ready")
        def ready() -> dict[str, str]:
            return {"status": "ready"}

        http_telemetry.instrument(
            app,
            ratio=ratio,
            excluded_urls="health/.*,metrics",
            tracer_provider=provider,
            meter_provider=MeterProvider(metric_readers=[self.metrics]),
        )
        self.client = TestClient(app)

    def get(self, path: str, traceparent: str | None = None) -> dict[str, Any]:
        headers = {"traceparent": traceparent} if traceparent else {}
        response = self.client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def durations(self) -> list[dict[str, Any]]:
        data = self.metrics.get_metrics_data()
        points = []
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == "http.server.duration":
                        points += [
                            dict(p.attributes or {}) | {"count": p.count}
                            for p in metric.data.data_points
                            if isinstance(p, HistogramDataPoint)
                        ]
        return points


def test_an_unsampled_request_is_timed_not_traced_and_its_events_say_so() -> None:
    served = Served(ratio=0.0)
    body = served.get("/v1/things/a")
    assert served.spans.get_finished_spans() == ()
    assert body["sampled"] is False
    assert body["traceparent"] is not None and not sampled_flag(body["traceparent"])
    assert served.durations() == [
        {
            "http.method": "GET",
            "http.status_code": 200,
            "http.route": "/v1/things/{thing}",
            "count": 1,
        }
    ]


def test_a_sampled_request_gets_its_server_span_and_is_timed_once() -> None:
    served = Served(ratio=1.0)
    body = served.get("/v1/things/a")
    spans = served.spans.get_finished_spans()
    assert [s.name for s in spans] == ["GET /v1/things/{thing}"]
    assert body["sampled"] is True and sampled_flag(body["traceparent"])
    assert [p["count"] for p in served.durations()] == [1]


@pytest.mark.parametrize(
    ("ratio", "caller", "traced"), [(0.0, CALLER_SAMPLED, True), (1.0, CALLER_UNSAMPLED, False)]
)
def test_the_caller_s_decision_is_followed_whatever_the_ratio(
    ratio: float, caller: str, traced: bool
) -> None:
    served = Served(ratio=ratio)
    body = served.get("/v1/things/a", traceparent=caller)
    spans = served.spans.get_finished_spans()
    assert len(spans) == (1 if traced else 0)
    assert body["sampled"] is traced
    trace_id = caller.split("-")[1]
    assert body["traceparent"].split("-")[1] == trace_id  # one trace with the caller's
    if traced:
        assert format(spans[0].context.trace_id, "032x") == trace_id


def test_health_and_metrics_are_neither_timed_nor_traced() -> None:
    served = Served(ratio=1.0)
    served.get("/health/ready")
    assert served.spans.get_finished_spans() == () and served.durations() == []
