"""The quality service's HTTP API for production licences (生产许可证) and the requests to their
issuers to cancel them (提请注销): thin routes that delegate to `app.licences`."""

from __future__ import annotations

from fastapi import APIRouter

from phaseout_quality.adapters.tables import LICENCES, REQUESTS
from phaseout_quality.api import schemas as s
from phaseout_quality.app import licences as commands
from phaseout_shared.contracts.quality import LicenceStatus, RequestState
from phaseout_shared.params import UsccPath
from phaseout_shared.record_routes import Before, Choice, Records, one_of

router = APIRouter(prefix="/v1")


licences = Records(router, LICENCES, tags=["licences"])
requests = Records(router, REQUESTS, tags=["licences"])


licences.act_route(
    "/enterprises/{uscc}/licences",
    commands.record_licence,
    s.LicenceIn,
    "Record a production licence of an enterprise (生产许可资质检查).",
    new=True,
    renamed={"licence_number": "number"},
    uscc=UsccPath,
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
