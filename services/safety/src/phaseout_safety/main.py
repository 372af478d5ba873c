"""Wiring of the safety service: its spec, its app, its entry point."""

from functools import partial
from pathlib import Path

from phaseout_safety.adapters.tables import CASES, HAZARDS, INSPECTIONS, METADATA
from phaseout_safety.api import cases, routes
from phaseout_safety.app.desk import DESK
from phaseout_safety.documents import describe
from phaseout_safety.domain.case import LIFECYCLE
from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.referrals import reopening_the_exit, revival_check

DESCRIPTION = (
    "Work safety (安全): the ledger (台账) with the key-supervision and dynamic patrol lists, "
    "inspections, hidden-hazard rectification (五落实), suspension for rectification "
    "(停产停业整顿) to closure (关闭) and licence revocation (mem)"
)
SPEC = agency_spec(
    Dimension.SAFETY,
    description=DESCRIPTION,
    versions=Path(__file__).parent / "migrations",
    metadata=METADATA,
    supersedable=CASES,
    routers=[routes.router, cases.router],
    # a closure carried out breaks back to the closure decided
    subscriptions=[revival_check(Agency.MEM, confirmed=reopening_the_exit(DESK, CASES, LIFECYCLE))],
    evidence_targets={"case": CASES, "hazard": HAZARDS, "inspection": INSPECTIONS},
    describe=describe,
)

create = partial(app_of, SPEC)
"""The service's app, configured from the environment."""
run = partial(serve, SPEC)
"""The service's entry point: serve its app."""
