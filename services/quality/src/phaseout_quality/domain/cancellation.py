"""The request to cancel a production licence (提请注销生产许可证), tracked until the issuer acts.

The plan (二（三）): 对因工艺装备落后、环保和能耗不达标被依法关停的企业，
提请相关发证部门注销生产许可证.
samr asks the licence's issuing authority (发证部门) to cancel it, naming the shutdown that
grounds the request — technology (工艺装备落后), environment (环保) or energy (能耗) — and records
what the authority did: the licence cancelled (注销), or the request declined with its reasons.
One request at a time per licence. The request is about a licence, not a quality case, so it is
not refused for the industries outside the Product Quality Law: a licence recorded here is
cancelled whatever the industry. (The trigger from other agencies' shutdown events comes later.)

    pending ──record_cancellation──▶ cancelled
       └─────record_declination────▶ declined
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field

from phaseout_quality.domain.aggregate import Aggregate, stated
from phaseout_quality.domain.catalogue import CANCEL_LICENCE, Catalogue, table3
from phaseout_quality.domain.licence import ProductionLicence
from phaseout_shared.contracts.quality import (
    CancellationAnswered,
    CancellationRequested,
    LicenceStatus,
    RequestState,
    ShutdownGround,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import enterprise_facts, site_of
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.reference import USCC, District, Industry

REQUEST_LIFECYCLE: Lifecycle[RequestState] = Lifecycle.of(
    {
        "record_cancellation": ([RequestState.PENDING], RequestState.CANCELLED),
        "record_declination": ([RequestState.PENDING], RequestState.DECLINED),
    }
)


class CancellationRequest(Aggregate):
    """One request to one issuing authority to cancel one licence."""

    request_id: UUID
    licence_number: str
    uscc: USCC
    district: District
    industry: Industry
    issuer: str
    ground: ShutdownGround
    shutdown_reference: str = Field(min_length=1, max_length=200)
    shut_down_on: date
    rule: str
    catalogue_version: str
    basis: str
    state: RequestState = RequestState.PENDING
    requested_on: date
    answered_on: date | None = None
    note: str = ""

    @classmethod
    def make(
        cls,
        *,
        request_id: UUID,
        licence: ProductionLicence,
        ground: ShutdownGround,
        shutdown_reference: str,
        shut_down_on: date,
        effective_on: date,
        others: Iterable[CancellationRequest] = (),
        catalogue: Catalogue | None = None,
    ) -> CancellationRequest:
        """Ask the issuing authority to cancel a licence of an enterprise shut down by law."""
        book = catalogue or table3()
        _refuse_if_cancelled_or_pending(licence, others)
        reference = stated(shutdown_reference, "shutdown_reference")
        if shut_down_on > effective_on:
            raise InvalidInput(
                f"the request on {effective_on} cannot precede the shutdown on {shut_down_on}",
                field="shut_down_on",
            )
        request = cls(
            request_id=request_id,
            licence_number=licence.number,
            **site_of(licence),
            issuer=licence.issuer,
            ground=ground,
            shutdown_reference=reference,
            shut_down_on=shut_down_on,
            rule=CANCEL_LICENCE,
            catalogue_version=book.version,
            basis=f"licence {licence.number}: shut down on {shut_down_on} by {ground.value} "
            f"({reference}): {book.cite(CANCEL_LICENCE)}; asked of {licence.issuer}",
            requested_on=effective_on,
        )
        facts = request.model_dump(
            include={"ground", "shutdown_reference", "shut_down_on", "rule", "catalogue_version"}
        )
        request._record(CancellationRequested(**request._facts(effective_on), **facts))
        return request

    def record_answer(
        self, *, cancelled: bool, note: str, effective_on: date, licence: ProductionLicence
    ) -> None:
        """The issuer acted: cancelled the licence (注销) with it, or declined, saying why."""
        target = REQUEST_LIFECYCLE.move(
            "record_cancellation" if cancelled else "record_declination", self.state
        )
        said = note.strip()
        if not cancelled and not said:
            raise InvalidInput("a declined request must say why", field="note")
        if effective_on < self.requested_on:
            raise InvalidInput(
                f"effective_on {effective_on} is before the request on {self.requested_on}",
                field="effective_on",
            )
        if licence.number != self.licence_number:
            raise InvalidInput(
                f"the request is about licence {self.licence_number}", field="licence_number"
            )
        if cancelled:
            licence.cancel(request_id=self.request_id, effective_on=effective_on)
        self.state, self.answered_on, self.note = target, effective_on, said
        self._record(CancellationAnswered(**self._facts(effective_on), note=said))

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return enterprise_facts(
            self,
            effective_on,
            request_id=self.request_id,
            licence_number=self.licence_number,
            issuer=self.issuer,
            status=self.state,
        )


def _refuse_if_cancelled_or_pending(
    licence: ProductionLicence, others: Iterable[CancellationRequest]
) -> None:
    if licence.status is LicenceStatus.CANCELLED:
        raise Conflict(
            f"licence {licence.number} is already cancelled",
            field="licence_number",
            rule=CANCEL_LICENCE,
        )
    for other in others:
        if other.licence_number == licence.number and other.state is RequestState.PENDING:
            raise Conflict(
                f"request {other.request_id} to cancel licence {licence.number} awaits the "
                "issuer: record its answer first",
                field="licence_number",
                rule="quality.cancellation.one_pending",
            )
