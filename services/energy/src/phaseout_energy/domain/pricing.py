"""Differential pricing measures (差别化能源资源价格).

The plan (二（一）3): 对能耗、电耗达不到强制性标准的产能，以及属于《产业结构调整指导目录》
淘汰类的产能，严格贯彻执行差别电价、阶梯电价、惩罚性电价和超定额超计划用水累进加价等差别化
能源资源价格。
（市发展改革委、工业和信息化局、水务局按职责分工牵头）

Who may record which kind is data (`RECORDING_AGENCIES`). The plan names drc, miit and water as
joint leads "by their division of duties" (按职责分工):
- the three electricity prices: `drc`, the price authority, and `miit` too — the plan puts
  阶梯电价执行情况 at the centre of the energy inspections that miit leads with drc (二（一）1–2;
  四（一）: 能耗方面，以能耗限额标准和阶梯电价为重点), so miit records the electricity measures
  its inspections find;
- progressive water pricing (超定额超计划用水累进加价): `water` alone, whose duty water use is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.energy import (
    PricingBasis,
    PricingKind,
    PricingMeasureEnded,
    PricingMeasureRecorded,
)
from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input
from phaseout_shared.domain.errors import Conflict, Forbidden, InvalidInput
from phaseout_shared.domain.facts import Site, enterprise_facts
from phaseout_shared.reference import USCC, Agency, District, Industry

ELECTRICITY = frozenset(
    {
        PricingKind.DIFFERENTIAL_ELECTRICITY,
        PricingKind.TIERED_ELECTRICITY,
        PricingKind.PUNITIVE_ELECTRICITY,
    }
)
RECORDING_AGENCIES: dict[PricingKind, frozenset[Agency]] = {
    **{kind: frozenset({Agency.DRC, Agency.MIIT}) for kind in ELECTRICITY},
    PricingKind.PROGRESSIVE_WATER: frozenset({Agency.WATER}),
}
RECORDED_FACTS = {
    "basis",
    "basis_reference",
    "case_id",
    "starts_on",
    "ends_on",
    "recorded_by",
    "capacity_amount",
    "capacity_unit",
}


def check_agency(kind: PricingKind, agency: Agency) -> None:
    """Forbidden unless the agency may record and end measures of this kind."""
    allowed = RECORDING_AGENCIES[kind]
    if agency not in allowed:
        names = ", ".join(sorted(a.value for a in allowed))
        raise Forbidden(
            f"{agency.value} may not record {kind.value} measures; only {names} may",
            field="agency",
            rule="energy.pricing.recording_agencies",
        )


class PricingMeasure(Aggregate):
    """A differential price applied to an enterprise's capacity from one date to another.

    `ends_on` is the last day the price applies (inclusive); none while open-ended.
    """

    measure_id: UUID
    uscc: USCC
    district: District
    industry: Industry
    kind: PricingKind
    basis: PricingBasis
    basis_reference: str = Field(min_length=1)
    case_id: UUID | None = None
    capacity_amount: Decimal | None = Field(default=None, gt=0)
    capacity_unit: str | None = Field(default=None, min_length=1, max_length=20)
    starts_on: date
    ends_on: date | None = None
    recorded_by: Agency
    ended_by: Agency | None = None

    @classmethod
    def record(
        cls,
        *,
        measure_id: UUID,
        site: Site,
        kind: PricingKind,
        basis: PricingBasis,
        basis_reference: str,
        starts_on: date,
        recorded_by: Agency,
        ends_on: date | None = None,
        case_id: UUID | None = None,
        capacity_amount: Decimal | None = None,
        capacity_unit: str | None = None,
    ) -> PricingMeasure:
        """Record a measure; Forbidden for an agency without the duty, InvalidInput for dates."""
        check_agency(kind, recorded_by)
        if ends_on is not None and ends_on < starts_on:
            raise InvalidInput(
                f"the end, {ends_on}, precedes the start, {starts_on}",
                field="ends_on",
                rule="energy.pricing.end_not_before_start",
            )
        if (capacity_amount is None) != (capacity_unit is None):
            raise InvalidInput("a capacity needs both its amount and its unit", field="capacity")
        with refusing_invalid_input():
            measure = cls(
                measure_id=measure_id,
                **site.fields(),
                kind=kind,
                basis=basis,
                basis_reference=basis_reference,
                case_id=case_id,
                capacity_amount=capacity_amount,
                capacity_unit=capacity_unit,
                starts_on=starts_on,
                ends_on=ends_on,
                recorded_by=recorded_by,
            )

        measure._record(
            PricingMeasureRecorded(
                **measure._identity(starts_on),
                **measure.model_dump(include=RECORDED_FACTS),
            )
        )
        return measure

    @property
    def ended(self) -> bool:
        return self.ended_by is not None

    def in_force(self, as_of: date) -> bool:
        return self.starts_on <= as_of and (self.ends_on is None or as_of <= self.ends_on)

    def end(self, *, ends_on: date, ended_by: Agency) -> None:
        """End the measure: `ends_on` is the last day the price applies."""
        check_agency(self.kind, ended_by)
        if self.ended:
            raise Conflict(
                f"the measure already ended on {self.ends_on}",
                field="ends_on",
                rule="energy.pricing.end_once",
            )
        if ends_on < self.starts_on:
            raise InvalidInput(
                f"the end, {ends_on}, precedes the start, {self.starts_on}",
                field="ends_on",
                rule="energy.pricing.end_not_before_start",
            )
        if self.ends_on is not None and ends_on > self.ends_on:
            raise InvalidInput(
                f"the measure is set to end on {self.ends_on}; it cannot be ended later",
                field="ends_on",
                rule="energy.pricing.end_not_later",
            )
        self.ends_on = ends_on
        self.ended_by = ended_by
        self._record(
            PricingMeasureEnded(**self._identity(ends_on), ends_on=ends_on, ended_by=ended_by)
        )

    def _identity(self, effective_on: date) -> dict[str, Any]:
        return enterprise_facts(self, effective_on, measure_id=self.measure_id, kind=self.kind)


def measures_in_force(measures: Iterable[PricingMeasure], as_of: date) -> list[PricingMeasure]:
    return [m for m in measures if m.in_force(as_of)]
