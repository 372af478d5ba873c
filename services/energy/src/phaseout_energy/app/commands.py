"""The energy service's commands on inspections and cases: load, authorise, ask the domain,
save, emit, audit — one unit of work each, all of it or nothing.

Extensions are decided before the overdue sweep. The plan lets an enterprise apply for its one
extension by the deadline; the official may grant it after the deadline (the application date is
what counts), but only while the case is still rectifying. A sweep marks every rectifying case
whose deadline has passed, whether or not an application is pending: once the case is overdue
(逾期未整改) an extension is refused (409, `lifecycle.grant_extension`). So officials decide the
applications they hold before running the sweep for a day, and the sweep stays a plain,
repeatable reading of the deadlines.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from phaseout_energy.adapters import catalogue_versions as versions
from phaseout_energy.adapters.tables import (
    CASES,
    INSPECTIONS,
    past_their_deadline,
    unresolved_cases,
)
from phaseout_energy.app.desk import DESK
from phaseout_energy.domain.assess import assess, refuse_if_not_applicable
from phaseout_energy.domain.case import EnergyCase, refuse_second_case
from phaseout_energy.domain.inspection import Inspection, RecordedInspection, record_inspection
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.energy import Verdict
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.domain.facts import site_of
from phaseout_shared.reference import CITY
from phaseout_shared.unit_of_work import UnitOfWork


class Measurement(BaseModel):
    """What an inspector measured on a line, and the date it took effect."""

    model_config = ConfigDict(frozen=True)

    indicator_id: str
    measured_value: Decimal
    unit: str
    effective_on: date
    capacity_amount: Decimal
    capacity_unit: str
    new_plant: bool = False


class OverdueSweep(BaseModel):
    """What a sweep marked overdue: only cases it changed, each once."""

    as_of: date
    marked: list[EnergyCase]


async def inspect(work: UnitOfWork, uscc: str, measured: Measurement) -> RecordedInspection:
    """Record an inspection (节能监察); over the limit, it opens a case (限期整改)."""
    enterprise = await DESK.admit(work, uscc, effective_on=measured.effective_on)
    catalogue = await versions.in_force(work.session, measured.indicator_id, measured.effective_on)
    refuse_if_not_applicable(enterprise.industry, catalogue)
    with refusing_invalid_input():
        inspection = Inspection(
            inspection_id=uuid.uuid4(),
            **site_of(enterprise),
            **measured.model_dump(),
        )
    assessment, recorded = record_inspection(inspection, catalogue)
    events: list[EventPayload] = [recorded]
    case_id = None
    if assessment.verdict is Verdict.OVER_LIMIT:
        refuse_second_case(await unresolved_cases(work.session, uscc), inspection)
        case = EnergyCase.open(uuid.uuid4(), inspection, assessment)
        events += await DESK.open_beside(work, CASES, case)
        case_id = case.case_id
    kept = RecordedInspection(inspection=inspection, assessment=assessment, case_id=case_id)
    return await DESK.save(
        work, INSPECTIONS, kept, "record", _changes(kept), new=True, events=events
    )


def _changes(kept: RecordedInspection) -> dict[str, object]:
    return {
        **kept.inspection.model_dump(mode="json"),
        "verdict": kept.assessment.verdict.value,
        "catalogue_version": kept.assessment.catalogue_version,
        "case_id": str(kept.case_id) if kept.case_id else None,
    }


async def grant_extension(
    work: UnitOfWork, case_id: uuid.UUID, *, applied_on: date, new_deadline: date, granted_on: date
) -> EnergyCase:
    """The one extension of at most 3 months (延期), decided before the case is overdue."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "grant_extension",
        lambda case: case.grant_extension(
            applied_on=applied_on, new_deadline=new_deadline, granted_on=granted_on
        ),
        dates={"applied_on": applied_on, "granted_on": granted_on},
        changes={"new_deadline": new_deadline},
    )


async def reinspect(
    work: UnitOfWork, case_id: uuid.UUID, *, inspected_on: date, measured_value: Decimal, unit: str
) -> EnergyCase:
    """The re-inspection (复查), against the limit and catalogue version the case opened under."""

    async def record(case: EnergyCase) -> None:
        catalogue = await versions.version(work.session, case.finding.catalogue_version)
        reading = assess(case.industry, case.finding.indicator_id, measured_value, unit, catalogue)
        case.record_reinspection(inspected_on=inspected_on, assessment=reading)

    return await DESK.act(
        work,
        CASES,
        case_id,
        "reinspect",
        record,
        dates={"inspected_on": inspected_on},
        changes={"measured_value": measured_value, "unit": unit},
    )


async def order_shutdown(
    work: UnitOfWork, case_id: uuid.UUID, *, ordered_on: date, exit_by: date | None
) -> EnergyCase:
    """The official orders the capacity shut down and out by law (依法关停退出)."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "order_shutdown",
        lambda case: case.order_shutdown(ordered_on=ordered_on, exit_by=exit_by),
        dates={"ordered_on": ordered_on},
        changes={"exit_by": exit_by},
    )


async def verify_shutdown(work: UnitOfWork, case_id: uuid.UUID, *, verified_on: date) -> EnergyCase:
    """The shutdown is verified: the capacity has exited (关停退出)."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "verify_shutdown",
        lambda case: case.verify_shutdown(verified_on=verified_on),
        dates={"verified_on": verified_on},
    )


async def sweep_overdue(work: UnitOfWork, as_of: date) -> OverdueSweep:
    """Mark overdue every rectifying case whose deadline passed before `as_of`, each once.

    A city officer of miit or drc runs it; `as_of` cannot be later than the city's today, or a
    case would be marked overdue before its deadline has passed.
    """
    DESK.authorise(work, CITY)
    refuse_future(work, as_of=as_of)
    marked = await DESK.sweep(
        work,
        CASES,
        await past_their_deadline(work.session, as_of),
        lambda case: case.mark_overdue(as_of),
        changes={"as_of": as_of},
    )
    return OverdueSweep(as_of=as_of, marked=marked)
