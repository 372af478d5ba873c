"""Fixtures that start the real PostgreSQL server and Kafka broker once per test session.

The test stack is the local stack's `test` profile: its own ports and its own state folder,
wiped at the start of each session so that no event of an earlier run is consumed again.
The six services run in this process on that stack, through their real lifespans (migrations,
relay, consumers), and are called over ASGI with bearer tokens signed by a test key.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import SecretStr
from supersession_examples import CheckSupersession, check_supersession

from phaseout_cli import stack
from phaseout_shared import auth, observability, telemetry
from phaseout_shared.bus import KafkaAccess
from phaseout_shared.settings import Settings
from phaseout_shared.web import create_app

SERVICES = ("energy", "environment", "quality", "safety", "technology", "aggregator")
SPANS = InMemorySpanExporter()


@dataclass
class StackUnderTest:
    config: stack.StackConfig
    kafka: KafkaAccess
    """The admin principal: the tests' own producers, readers and topics."""
    urls: dict[str, str]
    private_key: str
    public_key: str

    def kafka_as(self, principal: str) -> KafkaAccess:
        """The broker as one of the platform's principals."""
        return stack.kafka_access(self.config, principal)

    def settings(self, service: str, database: str | None = None, **extra: object) -> Settings:
        """A service's settings on the test stack, as its own Kafka principal."""
        kafka = self.kafka_as(service)
        return Settings(
            service=service,
            database_url=SecretStr(self.urls[database or service]),
            kafka_bootstrap_servers=kafka.bootstrap_servers,
            kafka_username=kafka.username,
            kafka_password=SecretStr(kafka.password or ""),
            kafka_ca_file=kafka.ca_file,
            jwt_public_key=SecretStr(self.public_key),
            evidence_dir=self.config.state / "evidence" / service,
            relay_interval_seconds=0.05,
            consumer_retry_backoff_seconds=0.05,
            **extra,
        )

    def token(
        self, agency: str | None, jurisdiction: str = "city", roles: tuple[str, ...] = ("officer",)
    ) -> str:
        return auth.issue(
            self.private_key,
            sub=f"test-{agency}-{jurisdiction}",
            agency=agency,
            jurisdiction=jurisdiction,
            roles=list(roles),
        )

    def headers(
        self, agency: str | None, jurisdiction: str = "city", roles: tuple[str, ...] = ("officer",)
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(agency, jurisdiction, roles)}"}


def test_config() -> stack.StackConfig:
    """The test profile; `PHASEOUT_TEST_SLOT=N` shifts its ports and folder, so that several
    test runs on one machine do not share a broker or a database."""
    config = stack.test_config()
    slot = int(os.environ.get("PHASEOUT_TEST_SLOT", "0"))
    if slot == 0:
        return config
    return dataclasses.replace(
        config,
        state=config.state.with_name(f"test-{slot}"),
        pg_port=config.pg_port + 100 * slot,
        kafka_port=config.kafka_port + 100 * slot,
        controller_port=config.controller_port + 100 * slot,
    )


@pytest.fixture(scope="session")
def test_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackUnderTest]:
    config = test_config()
    stack.reset(config)
    stack.up(config)
    urls = stack.ensure_databases(config, [*SERVICES, "relaytest", "rebuild"])
    keys = Path(tmp_path_factory.mktemp("keys"))
    private, public = auth.ensure_dev_keys(keys)
    telemetry.configure(
        "tests",
        None,
        extra_span_processors=[SimpleSpanProcessor(SPANS)],
        metric_readers=[observability.metric_reader()],
    )
    try:
        yield StackUnderTest(
            config, stack.kafka_access(config), urls, private.read_text(), public.read_text()
        )
    finally:
        stack.down(config)


async def _running(app: FastAPI, stop: asyncio.Event, started: asyncio.Event) -> None:
    async with app.router.lifespan_context(app):
        started.set()
        await stop.wait()


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    """Run an app's lifespan (migrations, relay, consumers) for the duration of the block."""
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(_running(app, stop, started))
    done, _ = await asyncio.wait(
        [task, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    if task in done:
        task.result()
    try:
        yield app
    finally:
        stop.set()
        await task


def client(app: FastAPI, name: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}")


def create_app_for(name: str, settings: Settings) -> FastAPI:
    """A service's app, from its own `main.SPEC`, on the test stack."""
    return create_app(import_module(f"phaseout_{name}.main").SPEC, settings)


@dataclass
class Platform:
    stack: StackUnderTest
    apps: dict[str, FastAPI]
    clients: dict[str, httpx.AsyncClient]


@pytest.fixture(scope="session")
async def platform(test_stack: StackUnderTest) -> AsyncIterator[Platform]:
    apps: dict[str, FastAPI] = {}
    async with contextlib.AsyncExitStack() as exits:
        for name in SERVICES:
            app = create_app_for(name, test_stack.settings(name))
            apps[name] = await exits.enter_async_context(running(app))
        # The aggregator reads the consumption curve's readings at the technology service.
        apps["aggregator"].state.technology_transport = httpx.ASGITransport(app=apps["technology"])
        # … and relays the dashboard's evidence, documents and archives to each agency.
        apps["aggregator"].state.agency_transports = {
            name: httpx.ASGITransport(app=app) for name, app in apps.items() if name != "aggregator"
        }
        clients = {n: await exits.enter_async_context(client(a, n)) for n, a in apps.items()}
        yield Platform(test_stack, apps, clients)


@pytest.fixture
def supersession() -> CheckSupersession:
    """Checks that a case in a state is superseded exactly when it should be, and resumes."""
    return check_supersession
