"""Energy's case commands on a fake unit of work: no act dated ahead of today; who may act."""

from __future__ import annotations

from datetime import date

import pytest
from energy_examples import USCC_A, open_case
from fakes import FakeWork, at_noon, officer

from phaseout_energy.adapters.tables import CASES
from phaseout_energy.app import commands
from phaseout_shared.contracts.energy import (
    CaseOverdue,
    CaseState,
    ShutdownOrdered,
    ShutdownVerified,
)
from phaseout_shared.domain.errors import Forbidden, InvalidInput


def with_a_case(agency: str = "miit", jurisdiction: str = "city") -> tuple[FakeWork, str]:
    work = FakeWork(officer(agency, jurisdiction), at_noon(2020, 4, 1))
    case = open_case()
    case.pull_events()
    work.seed(CASES, case)
    return work, str(case.case_id)


async def test_an_ordered_and_verified_shutdown_is_saved_emitted_and_audited() -> None:
    work, case_id = with_a_case("drc", "baoan")
    async with work:
        await commands.order_shutdown(
            work, case_id, ordered_on=date(2020, 3, 2), exit_by=date(2020, 6, 30)
        )
    async with work:
        await commands.verify_shutdown(work, case_id, verified_on=date(2020, 4, 1))
    assert work.stored(CASES, case_id).state is CaseState.EXITED
    overdue_then_ordered = [CaseOverdue, ShutdownOrdered, ShutdownVerified]
    assert [type(e) for _, e in work.events] == overdue_then_ordered
    assert {subject for subject, _ in work.events} == {USCC_A}
    assert [a.action for a in work.audits] == ["case.order_shutdown", "case.verify_shutdown"]
    assert work.audits[0].changes == {"ordered_on": "2020-03-02", "exit_by": "2020-06-30"}


async def test_an_extension_granted_tomorrow_is_refused_naming_the_date() -> None:
    work, case_id = with_a_case()
    with pytest.raises(InvalidInput) as refused:
        async with work:
            await commands.grant_extension(
                work,
                case_id,
                applied_on=date(2020, 2, 1),
                new_deadline=date(2020, 5, 31),
                granted_on=date(2020, 4, 2),
            )
    assert (refused.value.field, refused.value.rule) == ("granted_on", "acts_not_in_the_future")
    assert work.stored(CASES, case_id).state is CaseState.RECTIFYING
    assert work.events == []


async def test_water_may_not_order_an_energy_shutdown() -> None:
    work, case_id = with_a_case("water")
    with pytest.raises(Forbidden):
        async with work:
            await commands.order_shutdown(work, case_id, ordered_on=date(2020, 3, 2), exit_by=None)
    assert work.stored(CASES, case_id).state is CaseState.RECTIFYING
