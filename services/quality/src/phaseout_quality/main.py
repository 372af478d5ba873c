"""Wiring of the quality service: its spec, its app, its entry point."""

from functools import partial
from pathlib import Path

from phaseout_quality.adapters.tables import (
    CASES,
    CHECKS,
    METADATA,
    UNLICENSED,
    cancellation_requests,
)
from phaseout_quality.api import licences, routes
from phaseout_quality.documents import describe
from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.contracts.referral import ReferralKind
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.referrals import ActRule, Subscription, revival_check

DESCRIPTION = (
    "Product quality (质量): production licences (生产许可证), supervisory spot checks "
    "(监督抽查) and their cases (停止生产并限期整改 → 复查 → 吊销相关证照), unlicensed production "
    "(无证生产) and requests to cancel licences (提请注销) — samr"
)
SHUTDOWNS = frozenset(
    {
        "phaseout.energy.shutdown.ordered.v1",
        "phaseout.environment.closure.ordered.v1",
        "phaseout.safety.case.closure_decided.v1",
        "phaseout.technology.case.opened.v1",
    }
)
"""被依法关停的企业: samr hears of a shutdown when it is ordered, in every dimension — energy's
order to shut down and exit (依法关停退出), environment's order to cease business or close
(责令停业、关闭), the government's decision to close (safety, 政府予以关闭), and the elimination
of backward equipment ordered as it is found (technology, 发现一起、淘汰一起; 地条钢 立即关停) — and
asks the issuing authority to cancel the production licences (提请相关发证部门注销生产许可证).
The exit itself (verified shutdown, closure done, on-site acceptance) is what the city's exit
list counts; docs/domain.md, "When samr hears of a shutdown"."""
SAFETY_CLOSURES = frozenset({"phaseout.safety.case.closure_decided.v1"})
"""A cancellation request cites one of the plan's three grounds (technology, environment,
energy): samr's answer "acted on" names that request for every other shutdown, and says in words
what it did for a closure decided on safety grounds."""
REQUESTED = ActRule("cancellation_request", "licence-cancellation request", cancellation_requests)
DITIAOGANG = frozenset({"phaseout.technology.ditiaogang.investigation_opened.v1"})
"""A 地条钢 finding: samr opens its quality investigation (严格防范"地条钢"死灰复燃). The 地条钢
signature in the electricity and invoice data (a revival-watch alert) asks samr first to check on
site (`revival_check`), beside miit."""

SPEC = agency_spec(
    Dimension.QUALITY,
    description=DESCRIPTION,
    versions=Path(__file__).parent / "migrations",
    metadata=METADATA,
    supersedable=CASES,
    routers=[routes.router, licences.router],
    subscriptions=[
        Subscription(
            ReferralKind.LICENCE_CANCELLATION,
            Agency.SAMR,
            SHUTDOWNS - SAFETY_CLOSURES,
            act=REQUESTED,
        ),
        Subscription(ReferralKind.LICENCE_CANCELLATION, Agency.SAMR, SAFETY_CLOSURES),
        Subscription(ReferralKind.DITIAOGANG_INVESTIGATION, Agency.SAMR, DITIAOGANG, 15),
        revival_check(Agency.SAMR),
    ],
    evidence_targets={"case": CASES, "spot_check": CHECKS, "unlicensed_case": UNLICENSED},
    describe=describe,
)

create = partial(app_of, SPEC)
"""The service's app, configured from the environment."""
run = partial(serve, SPEC)
"""The service's entry point: serve its app."""
