"""What an operator sees, on the real broker and database: `/metrics` counts requests, events
and lag and the city's cases, readiness fails on a stuck outbox or a consumer that stopped
polling, logs are JSON lines carrying the trace id, `/version` answers."""

from __future__ import annotations

import asyncio
import json
import logging
import logging.handlers
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import Platform, StackUnderTest, client, create_app_for, running
from opentelemetry import trace
from prometheus_client.parser import text_string_to_metric_families
from support import eventually, make_uscc

from phaseout_shared import bus, observability
from phaseout_shared.consumer import EventConsumer
from phaseout_shared.outbox import Relay

pytestmark = pytest.mark.integration
rng = random.Random(18181818)


def enterprise(code: str) -> dict[str, Any]:
    return {
        "uscc": code,
        "name": "深圳市宝安某水泥有限公司",
        "district": "baoan",
        "industry": "cement",
        "effective_on": "2019-04-15",
    }


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    """The samples of one metric (by sample name) in a Prometheus text exposition."""
    return [
        (s.labels, s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    ]


def total(text: str, name: str, **labels: str) -> float:
    return sum(v for found, v in samples(text, name) if labels.items() <= found.items())


async def test_metrics_count_requests_published_and_consumed_events(platform: Platform) -> None:
    energy, aggregator = platform.clients["energy"], platform.clients["aggregator"]
    before = (await aggregator.get("/metrics")).text
    published = total(before, "phaseout_events_published_total")
    consumed = total(before, "phaseout_events_consumed_total", consumer="aggregator")
    uscc = make_uscc(rng)
    created = await energy.post(
        "/v1/enterprises", json=enterprise(uscc), headers=platform.stack.headers("drc")
    )
    assert created.status_code == 201, created.text

    async def counted() -> str | None:
        text = (await aggregator.get("/metrics")).text
        later = total(text, "phaseout_events_consumed_total", consumer="aggregator")
        return text if later > consumed else None

    text = await eventually(counted, within=90)
    response = await aggregator.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    assert total(text, "phaseout_events_published_total") > published
    posts = total(text, "http_server_duration_milliseconds_count", http_method="POST")
    assert posts >= 1
    assert samples(text, "http_server_duration_milliseconds_bucket"), "a latency histogram"
    lag = samples(text, "phaseout_consumer_lag")
    assert lag and all(labels.get("consumer") and value >= 0 for labels, value in lag)
    for gauge in ("phaseout_outbox_backlog", "phaseout_outbox_parked"):
        assert samples(text, gauge), gauge


async def test_the_city_s_open_and_overdue_cases_per_dimension(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(observability, "CASES_EVERY", 0.0)
    aggregator, headers = platform.clients["aggregator"], platform.stack.headers("miit")
    text = (await aggregator.get("/metrics")).text
    today = (await aggregator.get("/v1/cases", headers=headers)).json()
    opened = Counter(c["dimension"] for c in today if c["open"])
    overdue = Counter(c["dimension"] for c in today if c["overdue"])
    gauge_open = {s["dimension"]: v for s, v in samples(text, "phaseout_cases_open")}
    gauge_overdue = {s["dimension"]: v for s, v in samples(text, "phaseout_cases_overdue")}
    dimensions = {"energy", "environment", "quality", "safety", "technology"}
    assert set(gauge_open) == set(gauge_overdue) == dimensions
    assert gauge_open == {d: float(opened[d]) for d in dimensions}
    assert gauge_overdue == {d: float(overdue[d]) for d in dimensions}


async def test_version_names_the_service_and_its_package(platform: Platform) -> None:
    from importlib.metadata import version

    for name, http in platform.clients.items():
        answer = (await http.get("/version")).json()
        assert answer == {"service": name, "version": version(f"phaseout-{name}")}


async def test_readiness_fails_while_the_outbox_is_stuck(test_stack: StackUnderTest) -> None:
    """The relay does not run (as if it hung): an event waits past the stall limit, readiness
    says so; once the relay publishes it, the service is ready again. (A database of its own:
    no other energy relay publishes from it.)"""
    settings = test_stack.settings(
        "energy", database="relaytest", run_workers=False, stall_seconds=1
    )
    app = create_app_for("energy", settings)
    async with running(app), client(app, "energy") as http:
        app.state.relay = Relay(app.state.db.sessions, app.state.producer)
        await app.state.relay.publish_batch()  # what earlier tests left behind
        created = await http.post(
            "/v1/enterprises",
            json=enterprise(make_uscc(rng)),
            headers=test_stack.headers("drc"),
        )
        assert created.status_code == 201, created.text
        await asyncio.sleep(1.5)
        stuck = await http.get("/health/ready")
        assert stuck.status_code == 503
        assert stuck.json()["checks"]["outbox"].startswith("stuck: an event unpublished for")
        assert await app.state.relay.publish_batch() >= 1
        ready = await http.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["outbox"] == "ok"


async def test_readiness_fails_while_a_consumer_does_not_poll(test_stack: StackUnderTest) -> None:
    """A consumer that has not polled for longer than the limit fails readiness; polling again,
    it passes. (It joins the aggregator's group beside the running one: a rebalance, and the
    inbox applies nothing twice.)"""
    settings = test_stack.settings("aggregator", run_workers=False, stall_seconds=1)
    app = create_app_for("aggregator", settings)
    async with running(app), client(app, "aggregator") as http:
        spec = app.state.spec.consumers[0]
        consumer = EventConsumer(
            name=spec.name,
            topics=spec.topics,
            kafka=settings.kafka(),
            dead_letters=bus.dead_letters_of("aggregator"),
            sessions=app.state.db.sessions,
            handler=spec.handler,
            dlq_producer=app.state.producer,
        )
        app.state.consumers = [consumer]
        await asyncio.sleep(1.5)
        stalled = await http.get("/health/ready")
        assert stalled.status_code == 503
        assert stalled.json()["checks"]["consumer aggregator"].startswith("stalled: no poll")
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.run(stop))
        try:

            async def ready() -> dict[str, Any] | None:
                answer = await http.get("/health/ready")
                return answer.json() if answer.status_code == 200 else None

            checks = (await eventually(ready, within=30))["checks"]
            assert checks["consumer aggregator"] == "ok"
        finally:
            stop.set()
            await task


def test_logs_are_json_lines_with_the_trace_id_at_the_level_set(tmp_path: Path) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    log_file = tmp_path / "energy.log"
    try:
        handler = observability.configure_logging("energy", "WARNING", "json", log_file)
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        assert handler.maxBytes == 10 * 1024 * 1024 and handler.backupCount == 5
        tracer = trace.get_tracer("tests")
        with tracer.start_as_current_span("a request") as span:
            logging.getLogger("phaseout.test").info("below the level: not written")
            logging.getLogger("phaseout.test").warning("refused %s", "x", extra={"uscc": "9144"})
            trace_id = format(span.get_span_context().trace_id, "032x")
        logging.getLogger("uvicorn.error").error("uvicorn's records take the same path")
        handler.flush()
        lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    finally:
        observability.configure_logging("tests", "INFO", "text")
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert [line["message"] for line in lines] == [
        "refused x",
        "uvicorn's records take the same path",
    ]
    # No access log: uvicorn writes one only when its access logger has a handler, and the
    # root's counted as one while it propagated (a JSON line per request, at a cost per request).
    assert not logging.getLogger("uvicorn.access").hasHandlers()
    first = lines[0]
    assert first["level"] == "WARNING" and first["service"] == "energy"
    assert first["trace_id"] == trace_id and first["uscc"] == "9144"
    assert lines[1]["trace_id"] == "-" and lines[1]["logger"] == "uvicorn.error"
