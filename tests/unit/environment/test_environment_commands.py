"""Environment's case commands on a fake unit of work: the command step without a database."""

from __future__ import annotations

from datetime import date

import pytest
from environment_examples import CASE_ID, FOUND, USCC, open_case
from fakes import FakeWork, at_noon, officer

from phaseout_environment.adapters.tables import CASES, MONITORING
from phaseout_environment.app import cases
from phaseout_environment.app.desk import DESK
from phaseout_environment.domain.monitoring import OnlineMonitoring
from phaseout_shared.contracts.environment import (
    CaseState,
    Measure,
    MeasureOrdered,
    MonitoringRecorded,
)
from phaseout_shared.domain.errors import Conflict, Forbidden, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

ID = str(CASE_ID)


def with_a_case(agency: str = "mee", jurisdiction: str = "baoan") -> FakeWork:
    work = FakeWork(officer(agency, jurisdiction), at_noon(2019, 6, 10))
    case = open_case()
    case.pull_events()
    work.seed(CASES, case)
    return work


async def test_a_measure_ordered_is_saved_emitted_and_audited_with_its_date() -> None:
    work = with_a_case()
    async with work:
        await cases.order_measure(
            work,
            ID,
            measure=Measure.RESTRICT_PRODUCTION,
            deadline=date(2019, 9, 3),
            description="限制生产",
            effective_on=FOUND,
        )
    assert work.stored(CASES, ID).state is CaseState.PRODUCTION_RESTRICTED
    assert [(s, type(e)) for s, e in work.events] == [(USCC, MeasureOrdered)]
    [record] = work.audits
    assert record.action == "case.order_measure"
    assert record.changes["effective_on"] == FOUND.isoformat()
    assert record.changes["deadline"] == "2019-09-03"


async def test_a_measure_ordered_for_a_day_to_come_is_refused() -> None:
    work = with_a_case()
    with pytest.raises(InvalidInput) as refused:
        async with work:
            await cases.order_measure(
                work,
                ID,
                measure=Measure.RESTRICT_PRODUCTION,
                deadline=date(2019, 9, 3),
                description="",
                effective_on=date(2019, 6, 11),
            )
    assert refused.value.rule == "acts_not_in_the_future"
    assert (work.events, work.audits) == ([], [])


async def test_a_district_officer_of_another_district_is_refused() -> None:
    work = with_a_case("mee", "futian")
    with pytest.raises(Forbidden):
        async with work:
            await cases.accept_rectification(work, ID, note="", effective_on=FOUND)
    assert work.stored(CASES, ID).state is CaseState.OPEN


CHECKED_AGAIN = date(2019, 6, 5)


def monitoring(on: date, *, connected: bool) -> OnlineMonitoring:
    return OnlineMonitoring.found(
        site=Site(USCC, District.BAOAN, Industry.CEMENT),
        installable=True,
        installed=True,
        connected=connected,
        effective_on=on,
    )


async def test_monitoring_found_first_is_added_and_found_again_supersedes_the_earlier() -> None:
    work = FakeWork(officer("mee", "baoan"), at_noon(2019, 6, 10))
    for on, connected in [(FOUND, False), (CHECKED_AGAIN, True)]:
        async with work:
            found = monitoring(on, connected=connected)
            await DESK.keep_latest(
                work,
                MONITORING,
                found,
                "record",
                {"state": found.state},
                OnlineMonitoring.supersede,
            )
    kept = work.stored(MONITORING, USCC)
    assert (kept.connected, kept.effective_on) == (True, CHECKED_AGAIN)
    assert [(s, type(e)) for s, e in work.events] == [(USCC, MonitoringRecorded)] * 2
    assert [(a.action, a.target) for a in work.audits] == [("monitoring.record", USCC)] * 2


async def test_monitoring_found_before_the_earlier_finding_is_refused_and_leaves_it() -> None:
    work = FakeWork(officer("mee", "baoan"), at_noon(2019, 6, 10))
    work.seed(MONITORING, monitoring(CHECKED_AGAIN, connected=True))
    with pytest.raises(Conflict):
        async with work:
            older = monitoring(FOUND, connected=False)
            await DESK.keep_latest(
                work,
                MONITORING,
                older,
                "record",
                {"state": older.state},
                OnlineMonitoring.supersede,
            )
    assert work.stored(MONITORING, USCC).effective_on == CHECKED_AGAIN
    assert (work.events, work.audits) == ([], [])
