"""Wiring of the quality service: its spec, its app, its entry point."""

from pathlib import Path

from fastapi import FastAPI

from phaseout_quality.adapters.tables import CASES, METADATA
from phaseout_quality.api import licences, routes
from phaseout_shared import supersession
from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.contracts.referral import ReferralKind
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.referrals import Subscription

DESCRIPTION = (
    "Product quality (质量): production licences (生产许可证), supervisory spot checks "
    "(监督抽查) and their cases (停止生产并限期整改 → 复查 → 吊销相关证照), unlicensed production "
    "(无证生产) and requests to cancel licences (提请注销) — samr"
)
SHUTDOWNS = frozenset(
    {
        "phaseout.energy.shutdown.verified.v1",
        "phaseout.environment.closure.ordered.v1",
        "phaseout.safety.case.closed.v1",
        "phaseout.technology.case.acceptance_passed.v1",
    }
)
"""Shut down or closed by energy, environment, safety or technology: samr asks the issuing
authority to cancel the production licences (提请相关发证部门注销生产许可证)."""
DITIAOGANG = frozenset({"phaseout.technology.ditiaogang.investigation_opened.v1"})
"""A 地条钢 finding: samr opens its quality investigation (严格防范"地条钢"死灰复燃)."""

SPEC = agency_spec(
    Dimension.QUALITY,
    description=DESCRIPTION,
    versions=Path(__file__).parent / "migrations",
    metadata=METADATA,
    routers=[routes.router, licences.router, supersession.router(Dimension.QUALITY, CASES)],
    consumers=[supersession.consumer(Dimension.QUALITY, CASES)],
    subscriptions=[
        Subscription(ReferralKind.LICENCE_CANCELLATION, Agency.SAMR, SHUTDOWNS),
        Subscription(ReferralKind.DITIAOGANG_INVESTIGATION, Agency.SAMR, DITIAOGANG, 15),
    ],
)


def create() -> FastAPI:
    return app_of(SPEC)


def run() -> None:
    serve(SPEC)
