"""Commands that find violations: a measurement, a surveyed item, a violation stated.

Each is one unit of work: the finding, the case it opens and their events commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from phaseout_environment.adapters.tables import (
    CASES,
    EQUIPMENT,
    MEASUREMENTS,
    PERMITS,
    current_catalogue,
)
from phaseout_environment.app.desk import DESK
from phaseout_environment.domain.case import EnvironmentCase
from phaseout_environment.domain.equipment import judge_equipment
from phaseout_environment.domain.measurement import RecordedMeasurement, Sample, assess
from phaseout_environment.domain.permits import Permit
from phaseout_environment.domain.survey import SurveyedEquipment, item_key
from phaseout_environment.domain.violation import (
    Violation,
    banned_equipment,
    over_the_limit,
    stated_violation,
)
from phaseout_shared.aggregates import Filters
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.environment import Basin, EquipmentOutcome, ViolationKind
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.domain.facts import Site, site_of
from phaseout_shared.register import EnterpriseOut
from phaseout_shared.unit_of_work import UnitOfWork


async def _open_case(
    work: UnitOfWork, enterprise: EnterpriseOut, violation: Violation
) -> tuple[EnvironmentCase, list[EventPayload]]:
    case = EnvironmentCase.open(case_id=uuid.uuid4(), site=Site.of(enterprise), violation=violation)
    return case, await DESK.open_beside(work, CASES, case)


async def record_measurement(
    work: UnitOfWork,
    *,
    uscc: str,
    facility: str,
    limit_id: str,
    value: Decimal,
    unit: str,
    basin: Basin | None,
    findings: str,
    effective_on: date,
) -> RecordedMeasurement:
    """Judge a sample against its limit; over the limit, a case opens at once."""
    enterprise = await DESK.admit(work, uscc, effective_on=effective_on)
    with refusing_invalid_input():
        sample = Sample(
            industry=enterprise.industry,
            limit_id=limit_id,
            value=value,
            unit=unit,
            sampled_on=effective_on,
            basin=basin,
        )
    recorded = await _judged(work, enterprise, facility, sample)
    events: list[EventPayload] = [recorded.recorded()]
    if recorded.assessment.over:
        recorded, opened = await _over_the_limit(work, enterprise, recorded, findings)
        events += opened
    changes = sample.model_dump(mode="json")
    return await DESK.save(work, MEASUREMENTS, recorded, "record", changes, new=True, events=events)


async def _judged(
    work: UnitOfWork, enterprise: EnterpriseOut, facility: str, sample: Sample
) -> RecordedMeasurement:
    """The sample judged against the current catalogue, as recorded for the enterprise."""
    assessment = assess(await current_catalogue(work.session), sample)
    with refusing_invalid_input():
        return RecordedMeasurement(
            measurement_id=uuid.uuid4(),
            **site_of(enterprise),
            facility=facility,
            sampled_on=sample.sampled_on,
            assessment=assessment,
        )


async def _over_the_limit(
    work: UnitOfWork, enterprise: EnterpriseOut, recorded: RecordedMeasurement, findings: str
) -> tuple[RecordedMeasurement, list[EventPayload]]:
    """The case a measurement over its limit opens, and the measurement naming it."""
    assessment, reference = recorded.assessment, str(recorded.measurement_id)
    said = findings.strip() or f"{recorded.facility}: {assessment.basis}"
    found = over_the_limit(assessment, said, recorded.sampled_on, reference)
    case, opened = await _open_case(work, enterprise, found)
    return recorded.model_copy(update={"case_id": case.case_id}), opened


async def survey_equipment(
    work: UnitOfWork,
    *,
    uscc: str,
    item_id: str,
    equipment: Mapping[str, object],
    findings: str,
    effective_on: date,
) -> SurveyedEquipment:
    """Judge an item against Table 2; an eliminated one opens a case at once."""
    enterprise = await DESK.admit(work, uscc, effective_on=effective_on)
    verdict = judge_equipment(await current_catalogue(work.session), enterprise.industry, equipment)
    item = SurveyedEquipment.survey(
        site=Site(uscc=uscc, district=enterprise.district),
        item_id=item_id,
        verdict=verdict,
        effective_on=effective_on,
    )
    events = item.pull_events()
    if verdict.outcome is EquipmentOutcome.ELIMINATE:
        said = findings.strip() or f"{item_id} found in use: {verdict.basis}"
        violation = banned_equipment(verdict, said, effective_on, item_id)
        case, opened = await _open_case(work, enterprise, violation)
        item.case_id = case.case_id
        events += opened
    changes = {"equipment": dict(equipment)}
    return await DESK.keep_latest(
        work, EQUIPMENT, item, "survey", changes, SurveyedEquipment.resurvey, events=events
    )


async def record_conversion(
    work: UnitOfWork, *, uscc: str, item_id: str, fuel: str, effective_on: date
) -> SurveyedEquipment:
    """A coal-fired item now runs on clean energy (清洁能源改造 / 煤改气)."""
    return await DESK.act(
        work,
        EQUIPMENT,
        item_key(uscc, item_id),
        "convert",
        lambda item: item.record_conversion(fuel, effective_on),
        dates={"effective_on": effective_on},
        changes={"fuel": fuel},
    )


async def record_violation(
    work: UnitOfWork, *, uscc: str, kind: ViolationKind, findings: str, effective_on: date
) -> EnvironmentCase:
    """A violation the officer found: solid waste, total quantity, or the permit grounds."""
    enterprise = await DESK.admit(work, uscc, effective_on=effective_on)
    catalogue = await current_catalogue(work.session)
    held = await permits_of(work, uscc)
    violation = stated_violation(catalogue, kind, findings, effective_on, held)
    case = EnvironmentCase.open(case_id=uuid.uuid4(), site=Site.of(enterprise), violation=violation)
    changes = {"violation": kind, "findings": findings}
    return await DESK.save(work, CASES, case, "open", changes, new=True)


async def permits_of(work: UnitOfWork, uscc: str) -> list[Permit]:
    """Every permit recorded for an enterprise."""
    return await work.store(PERMITS).find(Filters(uscc=uscc))
