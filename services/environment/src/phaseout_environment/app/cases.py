"""Commands on environment cases: measures, rectification, closure, re-check, overdue sweep.

Each loads the case, lets the domain decide, saves it and emits its events in one unit of work.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from phaseout_environment.adapters.tables import CASES
from phaseout_environment.app.desk import DESK
from phaseout_environment.domain.case import EnvironmentCase
from phaseout_shared.aggregates import Filters
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.environment import (
    CaseState,
    ClosureOrderKind,
    ClosureScope,
    Measure,
)
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.domain.referral import Referral
from phaseout_shared.reference import District
from phaseout_shared.unit_of_work import UnitOfWork


async def order_measure(
    work: UnitOfWork,
    case_id: UUID,
    *,
    measure: Measure,
    deadline: date,
    description: str,
    effective_on: date,
) -> EnvironmentCase:
    """限制生产 or 停产整治, with a deadline."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "order_measure",
        lambda case: case.order_measure(
            measure=measure, deadline=deadline, effective_on=effective_on, description=description
        ),
        dates={"effective_on": effective_on},
        changes={"measure": measure, "deadline": deadline, "description": description},
    )


async def accept_rectification(
    work: UnitOfWork, case_id: UUID, *, note: str, effective_on: date
) -> EnvironmentCase:
    return await DESK.act(
        work,
        CASES,
        case_id,
        "accept_rectification",
        lambda case: case.accept_rectification(effective_on=effective_on, note=note),
        dates={"effective_on": effective_on},
        changes={"note": note},
    )


async def propose_closure(
    work: UnitOfWork,
    case_id: UUID,
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
    return await DESK.act(
        work,
        CASES,
        case_id,
        "propose_closure",
        lambda case: case.propose_closure(
            government=government,
            grounds=grounds,
            scope=scope,
            item=item,
            capacity_amount=capacity_amount,
            capacity_unit=capacity_unit,
            effective_on=effective_on,
        ),
        dates={"effective_on": effective_on},
        changes={
            "government": government,
            "grounds": grounds,
            "scope": scope,
            "item": item,
            "capacity_amount": capacity_amount,
            "capacity_unit": capacity_unit,
        },
    )


async def approve_closure(
    work: UnitOfWork,
    case_id: UUID,
    *,
    government: str,
    approved_by: str,
    document: str,
    effective_on: date,
) -> EnvironmentCase:
    """Record the people's government's approval (who approved, when)."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "approve_closure",
        lambda case: case.approve_closure(
            government=government,
            approved_by=approved_by,
            document=document,
            effective_on=effective_on,
        ),
        dates={"effective_on": effective_on},
        changes={"government": government, "approved_by": approved_by, "document": document},
    )


async def reject_closure(
    work: UnitOfWork, case_id: UUID, *, government: str, reason: str, effective_on: date
) -> EnvironmentCase:
    return await DESK.act(
        work,
        CASES,
        case_id,
        "reject_closure",
        lambda case: case.reject_closure(
            government=government, reason=reason, effective_on=effective_on
        ),
        dates={"effective_on": effective_on},
        changes={"government": government, "reason": reason},
    )


async def order_closure(
    work: UnitOfWork,
    case_id: UUID,
    *,
    order: ClosureOrderKind,
    close_by: date | None,
    effective_on: date,
) -> EnvironmentCase:
    """责令停业、关闭, once the government approved."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "order_closure",
        lambda case: case.order_closure(order=order, close_by=close_by, effective_on=effective_on),
        dates={"effective_on": effective_on},
        changes={"order": order, "close_by": close_by},
    )


async def recheck(
    work: UnitOfWork, case_id: UUID, *, found_running: bool, findings: str, effective_on: date
) -> EnvironmentCase:
    """回头看: found running again, the case re-opens."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "recheck",
        lambda case: case.recheck(
            found_running=found_running, findings=findings, effective_on=effective_on
        ),
        dates={"effective_on": effective_on},
        changes={"found_running": found_running, "findings": findings},
    )


async def revival_confirmed(
    work: UnitOfWork, referral: Referral, found: str, effective_on: date
) -> None:
    """mee's on-site check of a revival-watch alert confirmed the revival: a closed case whose
    closure the readings break is re-opened as a re-check (回头看) that found it running, so the
    city's exit list shows the capacity revived from that date. Under a suspension there is no
    exit to re-open: the answer closes the alert, and mee acts on the case as it stands."""
    if referral.order_case is None:
        return
    try:
        case = await work.store(CASES).look(referral.order_case)
    except NotFound:
        return
    if case.state is not CaseState.CLOSED or case.uscc != referral.uscc:
        return
    await recheck(
        work,
        case.case_id,
        found_running=True,
        findings=f"revival watch alert {referral.alert_id}: {found}",
        effective_on=effective_on,
    )


async def sweep_overdue(
    work: UnitOfWork, *, as_of: date, district: District | None
) -> list[EnvironmentCase]:
    """Mark overdue every case under a measure whose deadline passed before `as_of`.

    A case already marked changes nothing and emits nothing: the sweep may run any day, twice.
    """
    DESK.authorise(work, district)
    refuse_future(work, as_of=as_of)
    query = CASES.query(Filters(district=district, overdue_as_of=as_of), work.principal)
    ids = [
        str(id_) for id_ in await work.session.scalars(query.with_only_columns(CASES.table.c.id))
    ]
    return await DESK.sweep(
        work, CASES, sorted(ids), lambda case: case.mark_overdue(as_of), changes={"as_of": as_of}
    )
