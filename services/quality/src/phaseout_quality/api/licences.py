"""The quality service's HTTP API for production licences (生产许可证) and the requests to their
issuers to cancel them (提请注销): thin routes that delegate to `app.licences`."""

from __future__ import annotations

from fastapi import APIRouter, status

from phaseout_quality.adapters.tables import LICENCES, REQUESTS
from phaseout_quality.api import schemas as s
from phaseout_quality.app import licences as commands
from phaseout_quality.domain.licence import ProductionLicence
from phaseout_shared.contracts.quality import LicenceStatus, RequestState
from phaseout_shared.deps import Work
from phaseout_shared.params import UsccPath
from phaseout_shared.record_routes import Before, Choice, Records, one_of

router = APIRouter(prefix="/v1")


licences = Records(router, LICENCES, tags=["licences"])
requests = Records(router, REQUESTS, tags=["licences"])


@router.post("/enterprises/{uscc}/licences", tags=["licences"], status_code=status.HTTP_201_CREATED)
async def record_licence(uscc: UsccPath, body: s.LicenceIn, work: Work) -> ProductionLicence:
    """Record a production licence of an enterprise (生产许可资质检查)."""
    async with work:
        return await commands.record_licence(
            work,
            uscc=uscc,
            number=body.licence_number,
            products=body.products,
            issuer=body.issuer,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            effective_on=body.effective_on,
        )


licences.list_route(
    "/licences",
    Choice("state", one_of(LicenceStatus)),
    Before("expired_as_of", "Valid licences whose last day is before this day"),
)
licences.read_route("/licences/{number}", str)
requests.act_route(
    "/licences/{number}/cancellation-requests",
    commands.request_cancellation,
    s.CancellationRequestIn,
    "Ask the issuing authority to cancel the licence of an enterprise shut down by law.",
    new=True,
    number=str,
)
requests.list_route("/cancellation-requests", Choice("state", one_of(RequestState)))
requests.read_route("/cancellation-requests/{request_id}", str)
requests.act_route(
    "/cancellation-requests/{request_id}/answer",
    commands.record_answer,
    s.AnswerIn,
    "The issuing authority acted: the licence cancelled (注销), or the request declined.",
    request_id=str,
)
