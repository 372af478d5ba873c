"""Wiring of the energy service: its spec, its app, its entry point."""

from functools import partial
from pathlib import Path
from typing import Any

from phaseout_energy.adapters.tables import CASES, INSPECTIONS, METADATA, pricing_measures
from phaseout_energy.api.routes import router
from phaseout_energy.app.desk import DESK, SUPERVISORS
from phaseout_energy.app.publication import publish_catalogue
from phaseout_energy.documents import describe
from phaseout_energy.domain.case import LIFECYCLE
from phaseout_energy.domain.pricing import ELECTRICITY
from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.contracts.energy import PricingKind
from phaseout_shared.contracts.referral import ReferralKind
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.referrals import (
    ActRule,
    Subscription,
    ordered_by,
    reopening_the_exit,
    revival_check,
)

PRICED_CAPACITY = frozenset(
    {"phaseout.technology.case.opened.v1", "phaseout.energy.case.opened.v1"}
)
"""Capacity in the eliminated category (technology) or over its energy limit (energy): the plan
asks drc for differential or punitive electricity prices and water for progressive water prices."""


def priced(kinds: frozenset[PricingKind]) -> ActRule:
    """An answer "acted on" names the pricing measure put in force, of one of these kinds."""
    names = " or ".join(sorted(k.value for k in kinds))

    def fits(doc: dict[str, Any]) -> str | None:
        return None if doc["kind"] in kinds else f"is a {doc['kind']} measure, not {names}"

    return ActRule("pricing_measure", "pricing measure", pricing_measures, fits)


SPEC = agency_spec(
    Dimension.ENERGY,
    description="Energy supervision (工业能耗): the Table 1 limits catalogue, inspections and "
    "cases to rectification or exit, the year's inspection list (miit, drc); differential "
    "electricity pricing (drc, miit) and progressive water pricing (water)",
    versions=Path(__file__).parent / "migrations",
    metadata=METADATA,
    supersedable=CASES,
    resumed_by=SUPERVISORS,
    routers=[router],
    subscriptions=[
        Subscription(
            ReferralKind.ELECTRICITY_PRICING, Agency.DRC, PRICED_CAPACITY, act=priced(ELECTRICITY)
        ),
        Subscription(
            ReferralKind.WATER_PRICING,
            Agency.WATER,
            PRICED_CAPACITY,
            act=priced(frozenset({PricingKind.PROGRESSIVE_WATER})),
        ),
        *(
            revival_check(
                a,
                when=ordered_by(Dimension.ENERGY),
                # a verified shutdown breaks back to the shutdown ordered
                confirmed=reopening_the_exit(DESK, CASES, LIFECYCLE),
            )
            for a in (Agency.MIIT, Agency.DRC)
        ),
    ],
    on_startup=[publish_catalogue],
    evidence_targets={"case": CASES, "inspection": INSPECTIONS},
    describe=describe,
)

create = partial(app_of, SPEC)
"""The service's app, configured from the environment."""
run = partial(serve, SPEC)
"""The service's entry point: serve its app."""
