"""Wiring of the aggregator: the city bureau's consolidated view of the campaign."""

from __future__ import annotations

from pathlib import Path

import uvicorn
from fastapi import FastAPI

from phaseout_aggregator.adapters.tables import METADATA
from phaseout_aggregator.api import calendar, city, dashboard, enterprises, public
from phaseout_aggregator.app.batch import apply_batch
from phaseout_aggregator.app.projections import apply
from phaseout_shared.db import PLATFORM
from phaseout_shared.migrations import PLATFORM_VERSIONS
from phaseout_shared.outbox import topic_of
from phaseout_shared.reference import Dimension
from phaseout_shared.settings import Settings
from phaseout_shared.web import ConsumerSpec, ServiceSpec, create_app

AGENCY_TOPICS = [topic_of(d.value) for d in Dimension]

SPEC = ServiceSpec(
    name="aggregator",
    version_locations=[PLATFORM_VERSIONS, Path(__file__).parent / "migrations"],
    metadata=[PLATFORM, METADATA],
    routers=[
        enterprises.router,
        enterprises.conflicts,
        city.router,
        calendar.router,
        public.router,
        dashboard.router,
    ],
    publishes=False,
    consumers=[
        ConsumerSpec(
            name="aggregator", topics=AGENCY_TOPICS, handler=apply, batch_handler=apply_batch
        )
    ],
    description="The city bureau's consolidated view of the campaign (市工业和信息化局)",
)


def create(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings or Settings(service="aggregator"))


def run() -> None:
    settings = Settings(service="aggregator")
    uvicorn.run(create(settings), host=settings.http_host, port=settings.http_port)
