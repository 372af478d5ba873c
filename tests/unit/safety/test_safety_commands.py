"""Safety's acts through its desk on a fake unit of work, as its routes make them."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import FakeWork, at_noon, officer
from test_safety_case import CASE_ID, LATER, USCC, ordered

from phaseout_safety.adapters.tables import CASES
from phaseout_safety.api.schemas import ReinspectionIn
from phaseout_safety.app.desk import DESK
from phaseout_safety.domain.case import SuspensionCase
from phaseout_shared.contracts.safety import CaseState
from phaseout_shared.domain.errors import Forbidden, InvalidInput

ID = str(CASE_ID)


def with_a_case(agency: str = "mem", jurisdiction: str = "longgang") -> FakeWork:
    work = FakeWork(officer(agency, jurisdiction), at_noon(2019, 8, 1))
    case = ordered()
    case.pull_events()
    work.seed(CASES, case)
    return work


async def reinspect(work: FakeWork, body: ReinspectionIn) -> SuspensionCase:
    async with work:
        return await DESK.act_as_requested(
            work,
            CASES,
            ID,
            "reinspect",
            lambda case: case.reinspect(
                body.effective_on, passed=body.passed, reasons=tuple(body.reasons), note=body.note
            ),
            body,
        )


async def test_a_passed_reinspection_lifts_the_suspension_and_audits_the_request() -> None:
    work = with_a_case()
    body = ReinspectionIn(passed=True, reasons=[], note="整改到位", effective_on=date(2019, 7, 1))
    await reinspect(work, body)
    assert work.stored(CASES, ID).state is CaseState.LIFTED
    assert [subject for subject, _ in work.events] == [USCC]
    [record] = work.audits
    assert (record.action, record.changes) == ("case.reinspect", body.model_dump(mode="json"))


async def test_a_reinspection_dated_tomorrow_is_refused() -> None:
    work = with_a_case()
    body = ReinspectionIn(passed=True, reasons=[], note="", effective_on=date(2019, 8, 2))
    with pytest.raises(InvalidInput) as refused:
        await reinspect(work, body)
    assert refused.value.rule == "acts_not_in_the_future"
    assert work.stored(CASES, ID).state is CaseState.SUSPENDED


async def test_another_districts_officer_is_refused() -> None:
    work = with_a_case("mem", "baoan")
    with pytest.raises(Forbidden):
        await reinspect(work, ReinspectionIn(passed=True, reasons=[], note="", effective_on=LATER))
    assert work.events == []
