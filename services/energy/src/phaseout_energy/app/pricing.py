"""Differential pricing measures (差别化能源资源价格): record one, end one.

drc and miit record the electricity prices, water the progressive water price; each in the
district it covers (`pricing.RECORDING_AGENCIES`, `authority`).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from phaseout_energy.adapters.tables import CASES, PRICING_MEASURES
from phaseout_energy.app.desk import DESK
from phaseout_energy.domain.pricing import RECORDING_AGENCIES, PricingMeasure, check_agency
from phaseout_shared import register
from phaseout_shared.contracts.energy import PricingBasis, PricingKind
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import Agency
from phaseout_shared.unit_of_work import UnitOfWork


class PricingTerms(BaseModel):
    """Which price applies to which capacity, on what basis, from when to when."""

    model_config = ConfigDict(frozen=True)

    kind: PricingKind
    basis: PricingBasis
    basis_reference: str
    starts_on: date
    ends_on: date | None = None
    case_id: uuid.UUID | None = None
    capacity_amount: Decimal | None = None
    capacity_unit: str | None = None


def _authorise(work: UnitOfWork, kind: PricingKind, district: str) -> Agency:
    """The caller's agency, if it may record this kind of price in this district."""
    assert work.principal is not None
    if work.principal.agency is not None:
        check_agency(kind, work.principal.agency)
    return DESK.authorise(work, district, RECORDING_AGENCIES[kind])


async def record_measure(work: UnitOfWork, uscc: str, terms: PricingTerms) -> PricingMeasure:
    enterprise = await register.get(work.session, uscc)
    agency = _authorise(work, terms.kind, enterprise.district)
    if terms.case_id is not None:
        case = await work.store(CASES).look(str(terms.case_id))
        if case.uscc != uscc:
            raise InvalidInput(
                f"case {terms.case_id} concerns {case.uscc}, not {uscc}", field="case_id"
            )
    measure = PricingMeasure.record(
        measure_id=uuid.uuid4(),
        site=Site.of(enterprise),
        recorded_by=agency,
        **terms.model_dump(),
    )
    changes = terms.model_dump(mode="json")
    return await DESK.save(work, PRICING_MEASURES, measure, "record", changes, new=True)


async def end_measure(work: UnitOfWork, measure_id: uuid.UUID, ends_on: date) -> PricingMeasure:
    """The price stops applying after `ends_on`."""
    measure = await work.store(PRICING_MEASURES).get(str(measure_id))
    agency = _authorise(work, measure.kind, measure.district)
    measure.end(ends_on=ends_on, ended_by=agency)
    return await DESK.save(work, PRICING_MEASURES, measure, "end", {"ends_on": ends_on})
