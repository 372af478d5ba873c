"""The quality service's commands: each loads state, asks the domain, saves, emits.

One command is one unit of work: the state change, the audit record and the events in the
outbox commit together or not at all. Every write is samr's (the owner of the quality
dimension), and a district officer's only for enterprises of that district.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from uuid import UUID

from phaseout_quality.adapters.tables import CASES, CHECKS, LICENCES, UNLICENSED
from phaseout_quality.app.desk import DESK
from phaseout_quality.domain.case import QualityCase, refuse_second_case
from phaseout_quality.domain.licence import ProductionLicence, licences_covering
from phaseout_quality.domain.spot_check import SpotCheck
from phaseout_quality.domain.unlicensed import (
    UnlicensedProductionCase,
    refuse_second_unlicensed_case,
)
from phaseout_shared.aggregates import Filters
from phaseout_shared.city_time import refuse_future, today
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.quality import CaseState, LicenceStatus
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.domain.facts import Site
from phaseout_shared.unit_of_work import UnitOfWork


async def record_spot_check(
    work: UnitOfWork,
    *,
    uscc: str,
    product: str,
    standard: str,
    passed: bool,
    failed_items: Sequence[str],
    effective_on: date,
    rectify_by: date | None = None,
    report_number: str | None = None,
) -> SpotCheck:
    """Record a spot check (监督抽查); a failure orders production stopped and rectified."""
    enterprise = await DESK.admit(work, uscc, effective_on=effective_on)
    check = SpotCheck.record(
        check_id=uuid.uuid4(),
        site=Site.of(enterprise),
        product=product,
        standard=standard,
        passed=passed,
        failed_items=failed_items,
        effective_on=effective_on,
        rectify_by=rectify_by,
        report_number=report_number,
    )
    events: list[EventPayload] = []
    if not check.passed:
        refuse_second_case(await work.store(CASES).find(Filters(uscc=uscc)), check)
        case = QualityCase.open(uuid.uuid4(), check)
        check = check.model_copy(update={"case_id": case.case_id})
        events = await DESK.open_beside(work, CASES, case)
    changes = check.model_dump(mode="json")
    events = [check.recorded(), *events]
    return await DESK.save(work, CHECKS, check, "record", changes, new=True, events=events)


async def reinspect(
    work: UnitOfWork,
    case_id: UUID,
    *,
    passed: bool,
    failed_items: Sequence[str],
    note: str,
    effective_on: date,
) -> QualityCase:
    """整改复查: passed by the deadline closes the case; still failing, licences to revoke."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "reinspect",
        lambda case: case.reinspect(
            passed=passed, failed_items=tuple(failed_items), note=note, effective_on=effective_on
        ),
        dates={"effective_on": effective_on},
        changes={"passed": passed, "failed_items": failed_items, "note": note},
    )


async def revoke_licences(
    work: UnitOfWork,
    case_id: UUID,
    *,
    licence_numbers: Sequence[str] | None,
    decision: str,
    effective_on: date,
    other_licences: Sequence[str] = (),
) -> QualityCase:
    """吊销相关证照: the licences named, or else every licence in force covering the product;
    and the 证照 outside the register the decision names. Refused when it names none."""
    case = await work.store(CASES).get(str(case_id))
    DESK.authorise(work, case.district)
    refuse_future(work, effective_on=effective_on)
    if licence_numbers is None:
        held = await work.store(LICENCES).find(Filters(uscc=case.uscc, state=LicenceStatus.VALID))
        licence_numbers = [x.number for x in licences_covering(held, case.product, effective_on)]
    licences = [
        await _licence(work, n, f"licence_numbers[{i}]") for i, n in enumerate(licence_numbers)
    ]
    case.revoke_licences(licences, decision, effective_on, other_licences)
    await work.store(CASES).save(case)
    events = case.pull_events()
    for licence in licences:
        await work.store(LICENCES).save(licence)
        events += licence.pull_events()
    await work.emit(events, subject=case.uscc)
    changes = {
        "licence_numbers": list(case.revoked_licences),
        "other_licences": list(case.other_licences),
        "decision": decision,
    }
    await work.audit("case.revoke_licences", str(case_id), changes)
    return case


async def _licence(work: UnitOfWork, number: str, field: str) -> ProductionLicence:
    try:
        return await work.store(LICENCES).get(number)
    except NotFound:
        raise NotFound(f"no licence {number}", field=field) from None


async def sweep_overdue(work: UnitOfWork, as_of: date | None) -> tuple[date, list[QualityCase]]:
    """Mark overdue every rectifying case in the caller's reach whose deadline passed (逾期).

    `as_of` defaults to today in the city's calendar, and may not be a day still to come.
    """
    assert work.principal is not None
    DESK.authorise(work, work.principal.jurisdiction)
    day = as_of or today(work)
    refuse_future(work, as_of=day)
    filters = Filters(state=CaseState.RECTIFYING, overdue_as_of=day)
    query = CASES.query(filters, work.principal).with_only_columns(CASES.table.c.id)
    ids = (await work.session.scalars(query.order_by(CASES.table.c.id))).all()
    marked = await DESK.sweep(
        work, CASES, ids, lambda case: case.mark_overdue(day), changes={"as_of": day}
    )
    await work.audit("case.sweep_overdue", str(day), {"marked": [str(c.case_id) for c in marked]})
    return day, marked


async def open_unlicensed_case(
    work: UnitOfWork, *, uscc: str, product: str, description: str, effective_on: date
) -> UnlicensedProductionCase:
    """Production without a licence found (无证违法生产): stop ordered at once."""

    async def make(site: Site) -> UnlicensedProductionCase:
        earlier = await work.store(UNLICENSED).find(Filters(uscc=uscc))
        refuse_second_unlicensed_case(earlier, uscc, product)
        return UnlicensedProductionCase.open(
            case_id=uuid.uuid4(),
            site=site,
            product=product,
            description=description,
            licences=await work.store(LICENCES).find(Filters(uscc=uscc, state=LicenceStatus.VALID)),
            effective_on=effective_on,
        )

    return await DESK.open(
        work, UNLICENSED, uscc, "open", make, dates={"effective_on": effective_on}
    )


async def verify_stopped(
    work: UnitOfWork, case_id: UUID, *, description: str, effective_on: date
) -> UnlicensedProductionCase:
    """The stop of unlicensed production verified on site."""
    return await DESK.act(
        work,
        UNLICENSED,
        case_id,
        "verify_stopped",
        lambda case: case.verify_stopped(description, effective_on),
        dates={"effective_on": effective_on},
        changes={"description": description},
    )


async def find_production_resumed(
    work: UnitOfWork, case_id: UUID, *, description: str, effective_on: date
) -> UnlicensedProductionCase:
    """The unlicensed production found running again."""
    return await DESK.act(
        work,
        UNLICENSED,
        case_id,
        "find_production_resumed",
        lambda case: case.find_production_resumed(description, effective_on),
        dates={"effective_on": effective_on},
        changes={"description": description},
    )
