"""Commands on environment cases: measures, rectification, closure, re-check, overdue sweep.

Each loads the case, lets the domain decide, saves it and emits its events in one unit of work.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from phaseout_environment.adapters.tables import CASES
from phaseout_environment.app.access import authorise
from phaseout_environment.domain.case import EnvironmentCase
from phaseout_shared.aggregates import Filters
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.environment import ClosureOrderKind, ClosureScope, Measure
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.reference import CITY, District
from phaseout_shared.unit_of_work import UnitOfWork


async def act_on_case(
    work: UnitOfWork, case_id: str, action: str, effective_on: date, **details: object
) -> EnvironmentCase:
    """Load, authorise for the case's district, act (not in the future), save, emit, audit."""
    case = await CASES.get(work.session, case_id)
    authorise(work, case.district)
    refuse_future(work, effective_on=effective_on)
    with refusing_invalid_input():
        getattr(case, action)(effective_on=effective_on, **details)
    await CASES.save(work.session, case, work.now)
    await work.emit(case.pull_events(), subject=case.uscc)
    changes = {"effective_on": str(effective_on), **{k: str(v) for k, v in details.items()}}
    await work.audit(f"case.{action}", case_id, changes)
    return case


async def order_measure(
    work: UnitOfWork,
    case_id: str,
    *,
    measure: Measure,
    deadline: date,
    description: str,
    effective_on: date,
) -> EnvironmentCase:
    """限制生产 or 停产整治, with a deadline."""
    return await act_on_case(
        work,
        case_id,
        "order_measure",
        measure=measure,
        deadline=deadline,
        effective_on=effective_on,
        description=description,
    )


async def accept_rectification(
    work: UnitOfWork, case_id: str, *, note: str, effective_on: date
) -> EnvironmentCase:
    return await act_on_case(
        work, case_id, "accept_rectification", effective_on=effective_on, note=note
    )


async def propose_closure(
    work: UnitOfWork,
    case_id: str,
    *,
    government: str,
    grounds: str,
    scope: ClosureScope,
    item: str,
    capacity_amount: Decimal,
    capacity_unit: str,
    effective_on: date,
) -> EnvironmentCase:
    """情节严重: propose closure to the people's government with the power."""
    return await act_on_case(
        work,
        case_id,
        "propose_closure",
        government=government,
        grounds=grounds,
        scope=scope,
        item=item,
        capacity_amount=capacity_amount,
        capacity_unit=capacity_unit,
        effective_on=effective_on,
    )


async def approve_closure(
    work: UnitOfWork,
    case_id: str,
    *,
    government: str,
    approved_by: str,
    document: str,
    effective_on: date,
) -> EnvironmentCase:
    """Record the people's government's approval (who approved, when)."""
    return await act_on_case(
        work,
        case_id,
        "approve_closure",
        government=government,
        approved_by=approved_by,
        document=document,
        effective_on=effective_on,
    )


async def reject_closure(
    work: UnitOfWork, case_id: str, *, government: str, reason: str, effective_on: date
) -> EnvironmentCase:
    return await act_on_case(
        work,
        case_id,
        "reject_closure",
        government=government,
        reason=reason,
        effective_on=effective_on,
    )


async def order_closure(
    work: UnitOfWork,
    case_id: str,
    *,
    order: ClosureOrderKind,
    close_by: date | None,
    effective_on: date,
) -> EnvironmentCase:
    """责令停业、关闭, once the government approved."""
    return await act_on_case(
        work, case_id, "order_closure", order=order, close_by=close_by, effective_on=effective_on
    )


async def recheck(
    work: UnitOfWork, case_id: str, *, found_running: bool, findings: str, effective_on: date
) -> EnvironmentCase:
    """回头看: found running again, the case re-opens."""
    return await act_on_case(
        work,
        case_id,
        "recheck",
        found_running=found_running,
        findings=findings,
        effective_on=effective_on,
    )


async def sweep_overdue(
    work: UnitOfWork, *, as_of: date, district: District | None
) -> list[EnvironmentCase]:
    """Mark overdue every case under a measure whose deadline passed before `as_of`.

    A case already marked changes nothing and emits nothing: the sweep may run any day, twice.
    """
    authorise(work, district or CITY)
    refuse_future(work, as_of=as_of)
    query = CASES.query(Filters(district=district, overdue_as_of=as_of), work.principal)
    ids = [
        EnvironmentCase.model_validate(row.doc).case_id for row in await work.session.execute(query)
    ]
    marked = []
    for case_id in ids:
        case = await CASES.get(work.session, str(case_id))
        if case.mark_overdue(as_of):
            await CASES.save(work.session, case, work.now)
            await work.emit(case.pull_events(), subject=case.uscc)
            await work.audit("case.mark_overdue", str(case_id), {"as_of": str(as_of)})
            marked.append(case)
    return marked
