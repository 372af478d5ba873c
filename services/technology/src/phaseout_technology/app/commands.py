"""The technology service's commands: each loads state, asks the domain, saves, emits.

One command is one unit of work: the state change, the audit record and the events in the
outbox commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.technology import SealingMeasures
from phaseout_shared.domain.facts import Site, site_of
from phaseout_shared.reference import District
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_technology.adapters.tables import CASES, CHECKS, ITEMS, TIPS
from phaseout_technology.app.desk import DESK, MARKET_ACCESS
from phaseout_technology.domain.case import EliminationCase
from phaseout_technology.domain.evaluate import evaluate
from phaseout_technology.domain.market_access import ProposedProject, check_project
from phaseout_technology.domain.survey import RecordedCheck, SurveyedItem, item_key
from phaseout_technology.domain.tips import Tip


async def survey_item(
    work: UnitOfWork,
    *,
    uscc: str,
    item_id: str,
    equipment: Mapping[str, object],
    capacity_amount: Decimal,
    capacity_unit: str,
    effective_on: date,
) -> SurveyedItem:
    """Record an item of an enterprise's site; an eliminated item opens its case at once."""
    enterprise = await DESK.admit(work, uscc, effective_on=effective_on)
    verdict = evaluate(enterprise.industry, equipment)
    item = SurveyedItem(
        **site_of(enterprise),
        item_id=item_id,
        parameters=dict(equipment),
        capacity_amount=capacity_amount,
        capacity_unit=capacity_unit,
        effective_on=effective_on,
        verdict=verdict,
    )
    events: list[EventPayload] = [
        verdict.surveyed(
            uscc=uscc, district=enterprise.district, item_id=item_id, effective_on=effective_on
        )
    ]
    if verdict.eliminated:
        case = EliminationCase.open(
            case_id=uuid.uuid4(),
            site=Site(uscc=uscc, district=enterprise.district),
            item_id=item_id,
            verdict=verdict,
            capacity_amount=capacity_amount,
            capacity_unit=capacity_unit,
            effective_on=effective_on,
        )
        item = item.model_copy(update={"case_id": case.case_id})
        events += await DESK.open_beside(work, CASES, case)
    await _save_item(work, item)
    await work.emit(events, subject=uscc)
    await work.audit("equipment.survey", item.id, item.model_dump(mode="json", exclude={"verdict"}))
    return item


async def _save_item(work: UnitOfWork, item: SurveyedItem) -> None:
    """A new item is added; an item surveyed before is surveyed again."""
    if await ITEMS.add_if_absent(work.session, item, work.now):
        return
    earlier = await work.store(ITEMS).get(item_key(item.uscc, item.item_id))
    await work.store(ITEMS).save(earlier.resurvey(item))


async def dismantle(
    work: UnitOfWork, case_id: UUID, description: str, effective_on: date
) -> EliminationCase:
    """拆除相应主体设备."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "dismantle",
        lambda case: case.dismantle(description=description, effective_on=effective_on),
        dates={"effective_on": effective_on},
        changes={"description": description, "effective_on": effective_on},
    )


async def seal(
    work: UnitOfWork, case_id: UUID, measures: SealingMeasures, description: str, effective_on: date
) -> EliminationCase:
    """Sealed with all five measures (封存)."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "seal",
        lambda case: case.seal(measures, effective_on, description),
        dates={"effective_on": effective_on},
        changes={"measures": measures, "description": description, "effective_on": effective_on},
    )


async def accept_on_site(
    work: UnitOfWork,
    case_id: UUID,
    *,
    passed: bool,
    reasons: Sequence[str],
    note: str,
    effective_on: date,
) -> EliminationCase:
    """现场验收: passed, the capacity has exited."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "accept_on_site",
        lambda case: case.accept_on_site(
            effective_on, passed=passed, reasons=tuple(reasons), note=note
        ),
        dates={"effective_on": effective_on},
        changes={"passed": passed, "reasons": reasons, "note": note, "effective_on": effective_on},
    )


async def reopen_revival(
    work: UnitOfWork, case_id: UUID, description: str, effective_on: date
) -> EliminationCase:
    """死灰复燃: a sealed or accepted line found running again."""
    return await DESK.act(
        work,
        CASES,
        case_id,
        "reopen_revival",
        lambda case: case.reopen_revival(description, effective_on),
        dates={"effective_on": effective_on},
        changes={"description": description, "effective_on": effective_on},
    )


async def receive_tip(
    work: UnitOfWork,
    *,
    summary: str,
    effective_on: date,
    reporter_contact: str | None,
    uscc: str | None,
    district: District | None,
) -> Tip:
    """A tip from the 地条钢 reporting hotline (举报); the reporter's contact stays here."""
    return await DESK.record(
        work,
        TIPS,
        district,
        "receive",
        lambda: Tip.receive(
            tip_id=uuid.uuid4(),
            summary=summary,
            effective_on=effective_on,
            reporter_contact=reporter_contact,
            uscc=uscc,
            district=district,
        ),
        dates={"effective_on": effective_on},
        changes={"summary": summary, "uscc": uscc},
    )


async def assign_tip(
    work: UnitOfWork, tip_id: UUID, *, assignee: str, due_on: date, effective_on: date
) -> Tip:
    """Assign the tip for checking (举报核查) by a date."""
    return await DESK.act(
        work,
        TIPS,
        tip_id,
        "assign",
        lambda tip: tip.assign(assignee, due_on, effective_on),
        dates={"effective_on": effective_on},
        changes={"assignee": assignee, "due_on": due_on, "effective_on": effective_on},
    )


async def close_tip_as_confirmed(
    work: UnitOfWork, tip_id: UUID, *, findings: str, uscc: str | None, effective_on: date
) -> Tip:
    return await DESK.act(
        work,
        TIPS,
        tip_id,
        "close_as_confirmed",
        lambda tip: tip.close_as_confirmed(findings, effective_on, uscc),
        dates={"effective_on": effective_on},
        changes={"findings": findings, "uscc": uscc, "effective_on": effective_on},
    )


async def close_tip_as_unfounded(
    work: UnitOfWork, tip_id: UUID, *, reason: str, effective_on: date
) -> Tip:
    return await DESK.act(
        work,
        TIPS,
        tip_id,
        "close_as_unfounded",
        lambda tip: tip.close_as_unfounded(reason, effective_on),
        dates={"effective_on": effective_on},
        changes={"reason": reason, "effective_on": effective_on},
    )


async def record_project_check(
    work: UnitOfWork, project: ProposedProject, *, uscc: str | None, effective_on: date
) -> RecordedCheck:
    """drc's market-access check of a proposed project: no new backward capacity."""
    DESK.authorise(work, project.district, MARKET_ACCESS)
    refuse_future(work, effective_on=effective_on)
    result = check_project(project)
    recorded = RecordedCheck(
        check_id=uuid.uuid4(), uscc=uscc, effective_on=effective_on, result=result
    )
    event = result.recorded(check_id=recorded.check_id, effective_on=effective_on, uscc=uscc)
    changes = {"outcome": result.outcome}
    return await DESK.save(work, CHECKS, recorded, "record", changes, new=True, events=[event])
