"""The production licence (生产许可证): recorded, revoked (吊销) or cancelled (注销).

The plan: 严格生产许可准入，加强生产许可资质检查 … 对列入生产许可证发证目录的生产企业的生产资质进行
严格监管. samr records each licence of the enterprises it supervises: its number, the products it
licenses, the issuing authority and its validity. A licence is revoked by samr as the outcome of
a spot-check case (吊销相关证照), and cancelled by its issuing authority at samr's request
(提请相关发证部门注销生产许可证) — a revoked licence may still be cancelled, as the register is
closed after a revocation too. Expiry is not a state: a valid licence is in force from its first
to its last day of validity, and `status_on` says "expired" after that.

    valid ── revoke ──▶ revoked ── cancel ──▶ cancelled
      └─────────────────── cancel ──────────────▲
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field

from phaseout_quality.domain.aggregate import (
    Aggregate,
    licence_number,
    refusing_invalid_input,
    stated,
    statements,
)
from phaseout_shared.contracts.quality import (
    LicenceCancelled,
    LicenceRecorded,
    LicenceRevoked,
    LicenceStatus,
    RevocationReason,
)
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.facts import Site, enterprise_facts
from phaseout_shared.domain.statemachine import Lifecycle, in_order
from phaseout_shared.domain.validity import Validity, check_validity, validity_on
from phaseout_shared.reference import USCC, District, Industry

LICENCE_LIFECYCLE: Lifecycle[LicenceStatus] = Lifecycle.of(
    {
        "revoke": ([LicenceStatus.VALID], LicenceStatus.REVOKED),
        "cancel": ([LicenceStatus.VALID, LicenceStatus.REVOKED], LicenceStatus.CANCELLED),
    }
)


class ProductionLicence(Aggregate):
    """One production licence of one enterprise, as samr keeps it."""

    number: str = Field(min_length=1, max_length=64)
    uscc: USCC
    district: District
    industry: Industry
    products: tuple[str, ...] = Field(min_length=1)
    issuer: str = Field(min_length=1, max_length=200)
    valid_from: date
    valid_until: date
    recorded_on: date
    status: LicenceStatus = LicenceStatus.VALID
    last_act_on: date
    revoked_on: date | None = None
    revoking_case_id: UUID | None = None
    revocation_decision: str | None = None
    cancelled_on: date | None = None
    cancellation_request_id: UUID | None = None

    @classmethod
    def record(
        cls,
        *,
        number: str,
        site: Site,
        products: Sequence[str],
        issuer: str,
        valid_from: date,
        valid_until: date,
        effective_on: date,
    ) -> ProductionLicence:
        """Record a licence as checked on `effective_on` (生产许可资质检查)."""
        check_validity(valid_from, valid_until)
        with refusing_invalid_input():
            licence = cls(
                number=licence_number(number),
                **site.fields(),
                products=statements(products, "products"),
                issuer=stated(issuer, "issuer"),
                valid_from=valid_from,
                valid_until=valid_until,
                recorded_on=effective_on,
                last_act_on=effective_on,
            )
        licence._record(
            LicenceRecorded(
                **licence._facts(effective_on),
                products=licence.products,
                issuer=licence.issuer,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        )
        return licence

    def in_force(self, on: date) -> bool:
        """Valid, and `on` is within its validity."""
        return self.status is LicenceStatus.VALID and self._validity_on(on) is Validity.VALID

    def covers(self, product: str, on: date) -> bool:
        """Whether the licence is in force on `on` and licenses `product`."""
        return self.in_force(on) and product.strip() in self.products

    def status_on(self, on: date) -> str:
        """The status as of a day: a valid licence is `expired` after its last day."""
        if self.status is LicenceStatus.VALID:
            return self._validity_on(on).value
        return self.status.value

    def _validity_on(self, on: date) -> Validity:
        return validity_on(on, self.valid_from, self.valid_until)

    def revoke(
        self, *, case_id: UUID, reason: RevocationReason, decision: str, effective_on: date
    ) -> None:
        """Revoke the licence (吊销) as the outcome of a spot-check case."""
        target = self.check_revocable(effective_on)
        decided = stated(decision, "decision")
        self.status, self.last_act_on, self.revoked_on = target, effective_on, effective_on
        self.revoking_case_id, self.revocation_decision = case_id, decided
        self._record(
            LicenceRevoked(
                **self._facts(effective_on),
                revoking_case_id=case_id,
                reason=reason,
                decision=decided,
            )
        )

    def check_revocable(self, effective_on: date) -> LicenceStatus:
        """The status a revocation on `effective_on` would leave, or why it is refused."""
        target = LICENCE_LIFECYCLE.move("revoke", self.status)
        self._check_date(effective_on)
        if not self.in_force(effective_on):
            raise Conflict(
                f"licence {self.number} is {self.status_on(effective_on)} on {effective_on} "
                f"(valid {self.valid_from} to {self.valid_until}): it cannot be revoked",
                field="licence_number",
                rule="quality.licence.revoke_in_force",
            )
        return target

    def cancel(self, *, request_id: UUID, effective_on: date) -> None:
        """The issuing authority cancelled the licence (注销) at samr's request."""
        target = LICENCE_LIFECYCLE.move("cancel", self.status)
        self._check_date(effective_on)
        self.status, self.last_act_on, self.cancelled_on = target, effective_on, effective_on
        self.cancellation_request_id = request_id
        self._record(
            LicenceCancelled(**self._facts(effective_on), request_id=request_id, issuer=self.issuer)
        )

    def _check_date(self, on: date) -> None:
        in_order(on, self.last_act_on, "effective_on", f"licence {self.number}'s")

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return enterprise_facts(self, effective_on, licence_number=self.number, status=self.status)


def licences_covering(
    licences: Sequence[ProductionLicence], product: str, on: date
) -> list[ProductionLicence]:
    """The licences in force on `on` that license `product` (the related licences, 相关证照)."""
    return [licence for licence in licences if licence.covers(product, on)]
