"""The safety service's commands: each loads state, asks the domain, saves, emits.

One command is one unit of work: the state change, the audit record and the events in the
outbox commit together or not at all. Writes are mem's (市应急管理局), and a district officer's
only for enterprises of that district.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select

from phaseout_safety.adapters.tables import CASES, HAZARDS, INSPECTIONS, LISTINGS
from phaseout_safety.app.desk import DESK
from phaseout_safety.domain.acts import SuspensionOrder
from phaseout_safety.domain.case import LIFECYCLE as CASE_LIFECYCLE
from phaseout_safety.domain.case import SuspensionCase, refuse_second_case
from phaseout_safety.domain.hazard import LIFECYCLE as HAZARD_LIFECYCLE
from phaseout_safety.domain.hazard import Hazard
from phaseout_safety.domain.inspection import Finding, Inspected, Subject, inspect
from phaseout_safety.domain.listing import Listing
from phaseout_shared.aggregates import Filters, Repository
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.safety import ListName
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.facts import Site
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.unit_of_work import UnitOfWork

Due = TypeVar("Due", Hazard, SuspensionCase)


async def enter_listing(
    work: UnitOfWork,
    *,
    uscc: str,
    list_name: ListName,
    requirements: Sequence[str],
    due_on: date,
    reason: str,
    effective_on: date,
) -> Listing:
    """Put a registered enterprise on the ledger (台账) and on the key or the patrol list."""

    async def make(site: Site) -> Listing:
        if await _listing_where(work, LISTINGS.table.c.id == uscc):
            raise Conflict(f"{uscc} is already on the ledger: move it instead", field="uscc")
        return Listing.enter(
            site=site,
            list_name=list_name,
            requirements=requirements,
            due_on=due_on,
            reason=reason,
            effective_on=effective_on,
        )

    return await DESK.open(
        work, LISTINGS, uscc, "enter", make, dates={"effective_on": effective_on}
    )


async def record_inspection(
    work: UnitOfWork,
    *,
    uscc: str,
    inspectors: str,
    findings: Sequence[Finding],
    suspension: SuspensionOrder | None,
    effective_on: date,
) -> Inspected:
    """Record an inspection; hazards open their rectification, conditions their suspension."""
    enterprise = await DESK.admit(work, uscc, effective_on=effective_on)
    subject = Subject(uscc, enterprise.district, enterprise.industry, effective_on, inspectors)
    inspected = inspect(
        subject, findings, inspection_id=uuid.uuid4(), suspension=suspension, new_id=uuid.uuid4
    )
    if inspected.case is not None:
        refuse_second_case(await work.store(CASES).find(Filters(uscc=uscc)), uscc)
        await work.store(CASES).add(inspected.case)
    for hazard in inspected.hazards:
        await work.store(HAZARDS).add(hazard)
    await _meet_timetable(work, uscc, effective_on)
    changes = inspected.inspection.model_dump(mode="json")
    events = inspected.pull_events()
    await DESK.save(
        work, INSPECTIONS, inspected.inspection, "record", changes, new=True, events=events
    )
    return inspected


async def _meet_timetable(work: UnitOfWork, uscc: str, inspected_on: date) -> None:
    """The inspection meets the timetable (时间表) of a ledger entry awaiting one since listed."""
    t = LISTINGS.table
    awaiting = (t.c.id == uscc) & t.c.due_on.is_not(None) & (t.c.effective_on <= inspected_on)
    if await _listing_where(work, awaiting):
        listing = await work.store(LISTINGS).get(uscc)
        listing.inspected(inspected_on)
        await work.store(LISTINGS).save(listing)


async def _listing_where(work: UnitOfWork, condition: ColumnElement[bool]) -> bool:
    found = await work.session.scalar(select(LISTINGS.table.c.id).where(condition))
    return found is not None


async def sweep_overdue(work: UnitOfWork, as_of: date) -> dict[str, list[str]]:
    """Mark overdue, once each, the hazards and cases whose deadline passed before `as_of`.

    A city officer sweeps the city; a district officer the district.
    """
    assert work.principal is not None
    DESK.authorise(work, work.principal.jurisdiction)
    refuse_future(work, as_of=as_of)
    return {
        "hazards": await _sweep(work, HAZARDS, HAZARD_LIFECYCLE, as_of),
        "cases": await _sweep(work, CASES, CASE_LIFECYCLE, as_of),
    }


async def _sweep(
    work: UnitOfWork, repo: Repository[Due], lifecycle: Lifecycle[Any], as_of: date
) -> list[str]:
    markable, _ = lifecycle.transitions["mark_overdue"]
    table = repo.table
    query = (
        repo.query(Filters(overdue_as_of=as_of), work.principal)
        .where(table.c.state.in_([str(s) for s in markable]))
        .with_only_columns(table.c.id)
        .order_by(table.c.id)
    )
    ids = (await work.session.scalars(query)).all()
    changes = {"as_of": as_of}
    marked = await DESK.sweep(
        work, repo, ids, lambda found: found.mark_overdue(as_of), changes=changes
    )
    return [repo.key(found) for found in marked]
