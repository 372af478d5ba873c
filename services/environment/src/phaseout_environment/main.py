"""Wiring of the environment service: its spec, its app, its entry point."""

from functools import partial
from pathlib import Path

from phaseout_environment.adapters.tables import CASES, EQUIPMENT, MEASUREMENTS, METADATA
from phaseout_environment.api import cases, catalogue, findings, registers
from phaseout_environment.app.cases import revival_confirmed
from phaseout_environment.app.publication import publish_catalogue
from phaseout_environment.documents import describe
from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.referrals import revival_check

DESCRIPTION = (
    "Environment (环保, mee): the key-supervision and daily-patrol lists, pollutant-discharge "
    "permits, online monitoring, measurements against the limits catalogue, Table 2's equipment "
    "bans and coal-boiler conversion, and cases from 限制生产/停产整治 to 责令停业、关闭"
)
SPEC = agency_spec(
    Dimension.ENVIRONMENT,
    description=DESCRIPTION,
    versions=Path(__file__).parent / "migrations",
    metadata=METADATA,
    supersedable=CASES,
    routers=[
        findings.router,
        cases.router,
        registers.router,
        catalogue.router,
    ],
    subscriptions=[revival_check(Agency.MEE, confirmed=revival_confirmed)],
    on_startup=[publish_catalogue],
    evidence_targets={"case": CASES, "measurement": MEASUREMENTS, "equipment": EQUIPMENT},
    describe=describe,
)

create = partial(app_of, SPEC)
"""The service's app, configured from the environment."""
run = partial(serve, SPEC)
"""The service's entry point: serve its app."""
