"""Pollutant-discharge permits (排污许可证): number, scope and validity.

The plan: 纳入排污许可证管理的所有企事业单位必须依法持证排污、按证排污，不得无证排污. A permit is
valid from its first to its last day inclusive, unless revoked before; an enterprise that
discharges on a day no permit of its own covers discharges without a valid permit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from phaseout_environment.domain.aggregate import (
    Aggregate,
    not_before,
    refusing_invalid_input,
    stated,
)
from phaseout_shared.contracts.environment import PermitRecorded, PermitRevoked
from phaseout_shared.domain.aggregate import non_blank
from phaseout_shared.domain.facts import Site, enterprise_facts
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.domain.validity import check_validity, validity_on
from phaseout_shared.reference import USCC, District, Industry


class PermitState(StrEnum):
    ISSUED = "issued"
    REVOKED = "revoked"


class PermitStatus(StrEnum):
    """A permit on a given day."""

    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


PERMIT_LIFECYCLE: Lifecycle[PermitState] = Lifecycle.of(
    {"revoke": ([PermitState.ISSUED], PermitState.REVOKED)}
)


class Permit(Aggregate):
    """One permit of one enterprise."""

    permit_no: str = Field(min_length=1, max_length=60)
    uscc: USCC
    district: District
    industry: Industry
    scope: tuple[str, ...] = Field(min_length=1)
    valid_from: date
    valid_until: date
    recorded_on: date
    state: PermitState = PermitState.ISSUED
    revoked_on: date | None = None
    reason: str | None = None

    @classmethod
    def record(
        cls,
        *,
        permit_no: str,
        site: Site,
        scope: Iterable[str],
        valid_from: date,
        valid_until: date,
        effective_on: date,
    ) -> Permit:
        """Record a permit; its scope says what it permits to discharge."""
        check_validity(valid_from, valid_until)
        with refusing_invalid_input():
            permit = cls(
                permit_no=stated(permit_no, "permit_no"),
                **site.fields(),
                scope=non_blank(scope),
                valid_from=valid_from,
                valid_until=valid_until,
                recorded_on=effective_on,
            )
        permit._record(
            PermitRecorded(
                **permit._facts(effective_on),
                scope=permit.scope,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        )
        return permit

    def revoke(self, reason: str, effective_on: date) -> None:
        """The permit stops being valid from `effective_on` (revoked, withdrawn, cancelled)."""
        target = PERMIT_LIFECYCLE.move("revoke", self.state)
        not_before(effective_on, self.recorded_on)
        why = stated(reason, "reason")
        self.state, self.revoked_on, self.reason = target, effective_on, why
        self._record(PermitRevoked(**self._facts(effective_on), reason=why))

    def status_on(self, day: date) -> PermitStatus:
        if self.revoked_on is not None and day >= self.revoked_on:
            return PermitStatus.REVOKED
        return PermitStatus(validity_on(day, self.valid_from, self.valid_until))

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return enterprise_facts(self, effective_on, permit_no=self.permit_no)


def valid_permit(permits: Iterable[Permit], day: date) -> Permit | None:
    """A permit valid on `day`, if the enterprise holds one."""
    return next((p for p in permits if p.status_on(day) is PermitStatus.VALID), None)


class Standing(BaseModel):
    """Whether an enterprise holds a valid permit on a day, and each permit's status then."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uscc: USCC
    as_of: date
    valid: bool
    permits: dict[str, PermitStatus]

    @classmethod
    def of(cls, uscc: str, permits: Iterable[Permit], day: date) -> Standing:
        statuses = {p.permit_no: p.status_on(day) for p in permits}
        return cls(
            uscc=uscc, as_of=day, valid=PermitStatus.VALID in statuses.values(), permits=statuses
        )
