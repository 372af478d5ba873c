"""Technology's commands on a fake unit of work: the command step without a database."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest
from fakes import FakeWork, at_noon, officer
from test_technology_case import ALL_FIVE, CASE_ID, LATER, OPENED, USCC, open_case

from phaseout_shared.contracts.technology import AcceptancePassed, CaseSealed, TipReceived
from phaseout_shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from phaseout_shared.reference import District
from phaseout_technology.adapters.tables import CASES, TIPS
from phaseout_technology.app import commands
from phaseout_technology.domain.case import CaseState

ID = str(CASE_ID)


def desk_of(agency: str, jurisdiction: str = "city") -> FakeWork:
    work = FakeWork(officer(agency, jurisdiction), at_noon(2019, 7, 2))
    case = open_case()
    case.pull_events()
    work.seed(CASES, case)
    return work


async def test_sealing_saves_the_case_emits_its_event_and_audits_the_act() -> None:
    work = desk_of("miit", "baoan")
    async with work:
        sealed = await commands.seal(work, ID, ALL_FIVE, "two furnaces sealed", LATER)
    assert sealed.state is CaseState.SEALED
    assert work.stored(CASES, ID).state is CaseState.SEALED
    assert [(subject, type(e)) for subject, e in work.events] == [(USCC, CaseSealed)]
    [record] = work.audits
    assert (record.action, record.target) == ("case.seal", ID)
    assert record.changes["effective_on"] == LATER.isoformat()
    assert record.changes["measures"]["power_cut"] is True


async def test_acceptance_after_sealing_exits_the_capacity() -> None:
    work = desk_of("miit")
    async with work:
        await commands.seal(work, ID, ALL_FIVE, "sealed", LATER)
    async with work:
        await commands.accept_on_site(
            work, ID, passed=True, reasons=(), note="", effective_on=LATER
        )
    assert work.stored(CASES, ID).state is CaseState.EXITED
    assert isinstance(work.events[-1][1], AcceptancePassed)


async def test_an_act_dated_after_the_citys_today_is_refused_and_changes_nothing() -> None:
    work = desk_of("miit")
    with pytest.raises(InvalidInput) as refused:
        async with work:
            await commands.dismantle(work, ID, "dismantled", at_noon(2019, 7, 3).date())
    assert (refused.value.field, refused.value.rule) == ("effective_on", "acts_not_in_the_future")
    assert work.stored(CASES, ID).state is CaseState.OPEN
    assert (work.events, work.audits) == ([], [])


@pytest.mark.parametrize(
    ("agency", "jurisdiction", "field"),
    [("drc", "city", "agency"), ("samr", "city", "agency"), ("miit", "futian", "district")],
)
async def test_only_miit_of_the_cases_district_acts_on_it(
    agency: str, jurisdiction: str, field: str
) -> None:
    work = desk_of(agency, jurisdiction)
    with pytest.raises(Forbidden) as refused:
        async with work:
            await commands.dismantle(work, ID, "dismantled", LATER)
    assert refused.value.field == field
    assert work.stored(CASES, ID).state is CaseState.OPEN


async def test_an_illegal_step_is_a_conflict_and_leaves_no_trace() -> None:
    work = desk_of("miit")
    with pytest.raises(Conflict):
        async with work:
            await commands.accept_on_site(
                work, ID, passed=True, reasons=(), note="", effective_on=OPENED
            )
    assert (work.events, work.audits) == ([], [])


async def test_a_case_that_does_not_exist_is_not_found() -> None:
    work = desk_of("miit")
    with pytest.raises(NotFound, match="no case"):
        async with work:
            await commands.dismantle(work, "00000000-0000-4000-8000-00000000ffff", "x", LATER)


async def test_each_case_event_carries_the_state_it_leaves_the_case_in() -> None:
    work = desk_of("miit")
    steps = [
        lambda: commands.seal(work, ID, ALL_FIVE, "sealed", LATER),
        lambda: commands.accept_on_site(
            work, ID, passed=True, reasons=(), note="", effective_on=LATER
        ),
        lambda: commands.reopen_revival(work, ID, "running again", LATER),
        lambda: commands.dismantle(work, ID, "dismantled", LATER),
    ]
    for step in steps:
        async with work:
            case = await step()
        assert work.events[-1][1].state is case.state  # type: ignore[attr-defined]
    assert [e.state for _, e in work.events] == ["sealed", "exited", "open", "dismantled"]  # type: ignore[attr-defined]


async def test_a_received_tip_is_kept_emitted_on_its_enterprise_and_audited() -> None:
    work = desk_of("miit", "baoan")
    async with work:
        tip = await commands.receive_tip(
            work,
            summary=" a furnace runs at night ",
            effective_on=LATER,
            reporter_contact="138 0000 0000",
            uscc=USCC,
            district=cast(District, "baoan"),
        )
    kept = work.stored(TIPS, str(tip.tip_id))
    assert (kept.summary, kept.reporter_contact) == ("a furnace runs at night", "138 0000 0000")
    assert [(subject, type(e)) for subject, e in work.events] == [(USCC, TipReceived)]
    [record] = work.audits
    assert (record.action, record.target) == ("tip.receive", str(tip.tip_id))
    assert record.changes == {"summary": " a furnace runs at night ", "uscc": USCC}


@pytest.mark.parametrize(
    ("jurisdiction", "district", "on", "refusal"),
    [
        ("futian", "baoan", LATER, Forbidden),
        ("baoan", None, LATER, Forbidden),
        ("city", None, at_noon(2019, 7, 3).date(), InvalidInput),
    ],
)
async def test_a_tip_outside_the_officers_reach_or_dated_after_today_is_refused(
    jurisdiction: str, district: str | None, on: date, refusal: type[Exception]
) -> None:
    work = desk_of("miit", jurisdiction)
    with pytest.raises(refusal):
        async with work:
            await commands.receive_tip(
                work,
                summary="a furnace runs at night",
                effective_on=on,
                reporter_contact=None,
                uscc=None,
                district=cast(District | None, district),
            )
    assert (work.events, work.audits, work.tables.get(TIPS.kind, {})) == ([], [], {})
