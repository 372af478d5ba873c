"""The technology service's commands: each loads state, asks the domain, saves, emits.

One command is one unit of work: the state change, the audit record and the events in the
outbox commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from phaseout_shared import register, writes
from phaseout_shared.auth import authorise_write
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.technology import SealingMeasures
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.reference import Agency, Dimension, District
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_technology.adapters.tables import CASES, CHECKS, ITEMS, TIPS
from phaseout_technology.domain.case import EliminationCase
from phaseout_technology.domain.evaluate import evaluate
from phaseout_technology.domain.market_access import ProposedProject, check_project
from phaseout_technology.domain.survey import RecordedCheck, SurveyedItem, item_key
from phaseout_technology.domain.tips import Tip

SURVEYORS = writes.LEADS[Dimension.TECHNOLOGY]
"""Surveys, cases and tips are miit's; market-access checks are drc's (DOMAIN.md §5)."""
MARKET_ACCESS = writes.allowed(Dimension.TECHNOLOGY, "POST", "/v1/project-checks")


def _authorise(work: UnitOfWork, district: str, agencies: frozenset[Agency] = SURVEYORS) -> None:
    assert work.principal is not None
    authorise_write(work.principal, Dimension.TECHNOLOGY, district, agencies=agencies)


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
    enterprise = await register.get(work.session, uscc)
    _authorise(work, enterprise.district)
    refuse_future(work, effective_on=effective_on)
    verdict = evaluate(enterprise.industry, equipment)
    item = SurveyedItem(
        uscc=uscc,
        district=enterprise.district,
        industry=enterprise.industry,
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
            uscc=uscc,
            district=enterprise.district,
            item_id=item_id,
            verdict=verdict,
            capacity_amount=capacity_amount,
            capacity_unit=capacity_unit,
            effective_on=effective_on,
        )
        item = item.model_copy(update={"case_id": case.case_id})
        await CASES.add(work.session, case, work.now)
        events += case.pull_events()
    await _save_item(work, item)
    await work.emit(events, subject=uscc)
    await work.audit("equipment.survey", item.id, item.model_dump(mode="json", exclude={"verdict"}))
    return item


async def _save_item(work: UnitOfWork, item: SurveyedItem) -> None:
    try:
        earlier = await ITEMS.get(work.session, item_key(item.uscc, item.item_id))
    except NotFound:
        await ITEMS.add(work.session, item, work.now)
        return
    await ITEMS.save(work.session, earlier.resurvey(item), work.now)


def _dated(details: Mapping[str, object]) -> date:
    """The act's date (`effective_on`), which every act on a case or a tip carries."""
    on = details["effective_on"]
    assert isinstance(on, date)
    return on


async def _act_on_case(
    work: UnitOfWork, case_id: str, action: str, **details: object
) -> EliminationCase:
    case = await CASES.get(work.session, case_id)
    _authorise(work, case.district)
    refuse_future(work, effective_on=_dated(details))
    getattr(case, action)(**details)
    await CASES.save(work.session, case, work.now)
    await work.emit(case.pull_events(), subject=case.uscc)
    await work.audit(f"case.{action}", case_id, {k: str(v) for k, v in details.items()})
    return case


async def dismantle(
    work: UnitOfWork, case_id: str, description: str, effective_on: date
) -> EliminationCase:
    return await _act_on_case(
        work, case_id, "dismantle", description=description, effective_on=effective_on
    )


async def seal(
    work: UnitOfWork, case_id: str, measures: SealingMeasures, description: str, effective_on: date
) -> EliminationCase:
    return await _act_on_case(
        work, case_id, "seal", measures=measures, description=description, effective_on=effective_on
    )


async def accept_on_site(
    work: UnitOfWork,
    case_id: str,
    *,
    passed: bool,
    reasons: Sequence[str],
    note: str,
    effective_on: date,
) -> EliminationCase:
    return await _act_on_case(
        work,
        case_id,
        "accept_on_site",
        passed=passed,
        reasons=tuple(reasons),
        note=note,
        effective_on=effective_on,
    )


async def reopen_revival(
    work: UnitOfWork, case_id: str, description: str, effective_on: date
) -> EliminationCase:
    return await _act_on_case(
        work, case_id, "reopen_revival", description=description, effective_on=effective_on
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
    _authorise(work, district or "city")
    refuse_future(work, effective_on=effective_on)
    tip = Tip.receive(
        tip_id=uuid.uuid4(),
        summary=summary,
        effective_on=effective_on,
        reporter_contact=reporter_contact,
        uscc=uscc,
        district=district,
    )
    await TIPS.add(work.session, tip, work.now)
    await work.emit(tip.pull_events(), subject=uscc or str(tip.tip_id))
    await work.audit("tip.receive", str(tip.tip_id), {"summary": summary, "uscc": uscc})
    return tip


async def act_on_tip(work: UnitOfWork, tip_id: str, action: str, **details: object) -> Tip:
    tip = await TIPS.get(work.session, tip_id)
    _authorise(work, tip.district or "city")
    refuse_future(work, effective_on=_dated(details))
    getattr(tip, action)(**details)
    await TIPS.save(work.session, tip, work.now)
    await work.emit(tip.pull_events(), subject=tip.uscc or tip_id)
    await work.audit(f"tip.{action}", tip_id, {k: str(v) for k, v in details.items()})
    return tip


async def record_project_check(
    work: UnitOfWork, project: ProposedProject, *, uscc: str | None, effective_on: date
) -> RecordedCheck:
    """drc's market-access check of a proposed project: no new backward capacity."""
    _authorise(work, project.district, MARKET_ACCESS)
    refuse_future(work, effective_on=effective_on)
    result = check_project(project)
    recorded = RecordedCheck(
        check_id=uuid.uuid4(), uscc=uscc, effective_on=effective_on, result=result
    )
    await CHECKS.add(work.session, recorded, work.now)
    event = result.recorded(check_id=recorded.check_id, effective_on=effective_on, uscc=uscc)
    await work.emit([event], subject=uscc or str(recorded.check_id))
    await work.audit("project_check.record", str(recorded.check_id), {"outcome": result.outcome})
    return recorded
