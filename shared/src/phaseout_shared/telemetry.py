"""OpenTelemetry for every service: traces (HTTP, SQL, Kafka), metrics, and trace ids for logs.

Spans and metrics are exported over OTLP/HTTP when `PHASEOUT_OTLP_ENDPOINT` is set; metrics are
also served at `/metrics` (`observability`, which writes the logs too). The W3C
trace context crosses Kafka in the record headers (see `outbox` and `consumer`), so one trace
runs from an agency's API call through the outbox and the broker into the aggregator.
"""

from __future__ import annotations

import logging

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from phaseout_shared import http_telemetry

meter = metrics.get_meter("phaseout")
EVENTS_PUBLISHED = meter.create_counter(
    "phaseout.events.published", unit="{event}", description="Events the relay published"
)
EVENTS_CONSUMED = meter.create_counter(
    "phaseout.events.consumed", unit="{event}", description="Events a consumer applied"
)
EVENTS_DEAD_LETTERED = meter.create_counter(
    "phaseout.events.dead_lettered", unit="{event}", description="Events sent to a DLQ"
)
EVENTS_PARKED = meter.create_counter(
    "phaseout.events.parked",
    unit="{event}",
    description="Outbox rows the relay parked because the broker or the producer refused them",
)
OUTBOX_PARKED = meter.create_gauge(
    "phaseout.outbox.parked", unit="{event}", description="Outbox rows parked, not published"
)
CONSUMER_LAG = meter.create_gauge(
    "phaseout.consumer.lag", unit="{event}", description="Records behind the partition's end"
)
OUTBOX_BACKLOG = meter.create_gauge(
    "phaseout.outbox.backlog", unit="{event}", description="Outbox rows not yet published"
)

_configured = False


class TraceIdFilter(logging.Filter):
    """Adds `trace_id` and `span_id` of the current span to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else "-"
        record.span_id = format(ctx.span_id, "016x") if ctx.is_valid else "-"
        return True


def configure(
    service: str,
    otlp_endpoint: str | None,
    *,
    extra_span_processors: list[SpanProcessor] | None = None,
    metric_readers: list[MetricReader] | None = None,
    sample_ratio: float = 1.0,
    enabled: bool = True,
) -> None:
    """Install the tracer and meter providers once per process: traces sampled at
    `sample_ratio` where they start, and as their parent says elsewhere. Not `enabled`, the
    providers stay OpenTelemetry's no-op ones (logs are `observability`'s either way)."""
    global _configured
    if _configured:
        return
    _configured = True
    if not enabled:
        return
    resource = Resource.create({"service.name": f"phaseout-{service}"})
    provider = TracerProvider(resource=resource, sampler=http_telemetry.sampler(sample_ratio))
    readers = list(metric_readers or [])
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp_endpoint.rstrip("/")
        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces"))
        )
        readers.append(
            PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics"))
        )
    for processor in extra_span_processors or []:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))
