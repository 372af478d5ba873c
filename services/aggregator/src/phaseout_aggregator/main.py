"""Wiring of the aggregator: the city bureau's consolidated view of the campaign."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from phaseout_aggregator.adapters.tables import METADATA
from phaseout_aggregator.api import (
    agency_files,
    calendar,
    charts,
    city,
    dashboard,
    enterprises,
    exit_lists,
    public,
    signin,
)
from phaseout_aggregator.app.batch import apply_batch
from phaseout_aggregator.app.history import cases_as_of
from phaseout_aggregator.app.projections import apply
from phaseout_shared.city_time import city_date
from phaseout_shared.db import PLATFORM
from phaseout_shared.migrations import PLATFORM_VERSIONS
from phaseout_shared.observability import CaseCounts
from phaseout_shared.outbox import topic_of
from phaseout_shared.reference import Dimension
from phaseout_shared.scope import Scope
from phaseout_shared.settings import Settings
from phaseout_shared.web import ConsumerSpec, ServiceSpec, create_app, serve

AGENCY_TOPICS = [topic_of(d.value) for d in Dimension]


async def count_cases(app: Any) -> CaseCounts:
    """The city's open and overdue cases per dimension today, for `/metrics`."""
    today = city_date(app.state.clock())
    async with app.state.db.sessions() as session:
        cases = await cases_as_of(session, today, Scope(None, None))
    opened = Counter(c["dimension"] for c in cases if c["open"])
    overdue = Counter(c["dimension"] for c in cases if c["overdue"])
    return {d.value: (opened[d.value], overdue[d.value]) for d in Dimension}


SPEC = ServiceSpec(
    name="aggregator",
    version_locations=[PLATFORM_VERSIONS, Path(__file__).parent / "migrations"],
    metadata=[PLATFORM, METADATA],
    routers=[
        enterprises.router,
        enterprises.conflicts,
        city.router,
        charts.router,
        calendar.router,
        exit_lists.router,
        public.router,
        exit_lists.public,
        dashboard.router,
        signin.router,
        agency_files.router,
        agency_files.public,
    ],
    files=dict.fromkeys(agency_files.FILES_ROUTES, lambda s: s.evidence_max_bytes),
    publishes=False,
    consumers=[
        ConsumerSpec(
            name="aggregator", topics=AGENCY_TOPICS, handler=apply, batch_handler=apply_batch
        )
    ],
    description="The city bureau's consolidated view of the campaign (市工业和信息化局)",
    case_counter=count_cases,
)


def create(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings or Settings(service="aggregator"))


def run() -> None:
    settings = Settings(service="aggregator")
    serve(create(settings), settings)
