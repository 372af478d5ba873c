"""Wiring of the technology service: its spec, its app, its entry point."""

from functools import partial
from pathlib import Path
from typing import Any

from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.contracts.referral import ReferralKind
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.referrals import ActRule, Subscription, ordered_by, revival_check
from phaseout_technology.adapters.tables import CASES, ITEMS, METADATA, cases
from phaseout_technology.api.routes import router
from phaseout_technology.app.publication import publish_catalogue
from phaseout_technology.documents import describe
from phaseout_technology.watch import api as watch_api
from phaseout_technology.watch import orders as watch_orders
from phaseout_technology.watch import stream as watch_stream
from phaseout_technology.watch.feeds import Feed

BY_ENERGY = ordered_by(Dimension.ENERGY)
"""An alert on an energy shutdown is miit's (and drc's) to check at the energy service, where
the order was given; every other alert naming miit is checked here."""
CLOSURES = frozenset({"phaseout.environment.closure.ordered.v1", "phaseout.safety.case.closed.v1"})
"""A closure ordered by environment or safety: technology checks the dismantling or sealing and
its on-site acceptance, so that the capacity is verified as exited."""


def _accepted_on_site(doc: dict[str, Any]) -> str | None:
    return None if doc.get("acceptances") else "has no on-site acceptance recorded yet"


CHECKED = ActRule("elimination_case", "elimination case", cases, _accepted_on_site)
"""The check is done when an on-site acceptance (现场验收), passed or failed, is recorded."""

SPEC = agency_spec(
    Dimension.TECHNOLOGY,
    description="Process equipment (技术/工艺装备): Table 5 surveys and elimination cases, "
    "the 地条钢 hotline (miit); market-access checks of new projects (drc); the revival "
    "watch over electricity and tax-invoice feeds (miit, with samr)",
    versions=Path(__file__).parent / "migrations",
    metadata=METADATA,
    routers=[router, watch_api.router],
    consumers=[watch_orders.consumer(), watch_stream.consumer()],
    subscriptions=[
        Subscription(ReferralKind.DISMANTLING_CHECK, Agency.MIIT, CLOSURES, act=CHECKED),
        revival_check(Agency.MIIT, when=lambda alert: not BY_ENERGY(alert)),
    ],
    on_startup=[publish_catalogue],
    evidence_targets={"case": CASES, "item": ITEMS},
    describe=describe,
    files={watch_api.import_path(feed): watch_api.feed_limit for feed in Feed},
)

create = partial(app_of, SPEC)
"""The service's app, configured from the environment."""
run = partial(serve, SPEC)
"""The service's entry point: serve its app."""
