from datetime import date

import pytest
from energy_examples import USCC_A, USCC_B, open_case, reinspect, uscc

from phaseout_energy.domain.inspection_list import (
    InspectionList,
    ListEntry,
    build_inspection_list,
    carried_over,
)
from phaseout_shared.contracts.energy import InspectionListEntryAdded
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.reference import District, Industry

USCC_C = uscc("3")


def planned(code: str, due_on: date = date(2019, 11, 30)) -> ListEntry:
    return ListEntry(
        uscc=code,
        district=District.BAOAN,
        industry=Industry.ELECTROLYTIC_ALUMINIUM,
        requirements=("能耗限额标准执行情况 (unit consumption against GB 21346-2013)",),
        due_on=due_on,
    )


def test_unresolved_failures_of_earlier_years_are_carried_over() -> None:
    rectifying = open_case(date(2018, 11, 15), code=USCC_A)
    overdue = open_case(date(2018, 3, 1), code=USCC_B)
    overdue.mark_overdue(date(2018, 9, 2))
    rectified = open_case(date(2018, 3, 1), code=USCC_C)
    reinspect(rectified, date(2018, 8, 1), "13000")
    this_year = open_case(date(2019, 1, 5), code=uscc("4"))
    entries = carried_over(
        2019, [rectifying, overdue, rectified, this_year], due_on=date(2019, 12, 31)
    )
    by_code = {e.uscc: e for e in entries}
    assert set(by_code) == {USCC_A, USCC_B}
    assert all(e.carried_over and e.carried_from_year == 2018 for e in entries)
    assert by_code[USCC_A].due_on == date(2019, 5, 15)
    assert by_code[USCC_A].case_ids == (rectifying.case_id,)
    assert by_code[USCC_B].due_on == date(2019, 12, 31)
    assert "依法关停退出" in by_code[USCC_B].requirements[0]
    assert "2018" in by_code[USCC_B].requirements[0]


def test_several_failures_of_one_enterprise_make_one_entry() -> None:
    first = open_case(date(2017, 5, 2))
    first.mark_overdue(date(2018, 1, 1))
    second = open_case(date(2018, 6, 1))
    [entry] = carried_over(2019, [second, first], due_on=date(2019, 12, 31))
    assert entry.case_ids == (first.case_id, second.case_id)
    assert entry.carried_from_year == 2017 and len(entry.requirements) == 2


def test_building_the_list_merges_planned_and_carried_entries() -> None:
    failure = open_case(date(2018, 11, 15), code=USCC_A)
    result = build_inspection_list(
        2019,
        [planned(USCC_A, date(2019, 10, 31)), planned(USCC_B)],
        [failure],
        published_on=date(2019, 5, 21),
    )
    a, b = result.entries
    assert a.carried_over and a.due_on == date(2019, 5, 15) and len(a.requirements) == 2
    assert not b.carried_over and b.case_ids == ()
    events = result.pull_events()
    assert [type(e) for e in events] == [InspectionListEntryAdded] * 2
    first = events[0]
    assert isinstance(first, InspectionListEntryAdded)
    assert (first.uscc, first.year, first.effective_on, first.carried_over) == (
        USCC_A,
        2019,
        date(2019, 5, 21),
        True,
    )


def test_carried_entries_not_planned_are_added_after_the_planned_ones() -> None:
    failure = open_case(date(2018, 12, 1), code=USCC_C)
    failure.mark_overdue(date(2019, 6, 2))
    result = build_inspection_list(
        2019,
        [planned(USCC_A)],
        [failure],
        published_on=date(2019, 5, 21),
        follow_up_due_on=date(2019, 6, 30),
    )
    assert [e.uscc for e in result.entries] == [USCC_A, USCC_C]
    assert result.entries[1].due_on == date(2019, 6, 30)


def test_one_entry_per_enterprise_and_a_timetable_within_the_year() -> None:
    inspection_list = InspectionList(year=2019)
    inspection_list.add(planned(USCC_A), effective_on=date(2019, 5, 21))
    with pytest.raises(Conflict) as twice:
        inspection_list.add(planned(USCC_A), effective_on=date(2019, 5, 22))
    assert twice.value.field == "uscc"
    with pytest.raises(InvalidInput) as too_early:
        inspection_list.add(planned(USCC_B, date(2018, 12, 31)), effective_on=date(2019, 5, 22))
    assert too_early.value.field == "due_on"


def test_coverage_of_the_twelve_industries() -> None:
    inspection_list = InspectionList(year=2019)
    inspection_list.add(planned(USCC_A), effective_on=date(2019, 5, 21))
    uncovered = inspection_list.uncovered_industries()
    assert len(uncovered) == 11 and Industry.ELECTROLYTIC_ALUMINIUM not in uncovered


def test_a_year_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        build_inspection_list(1999, [], [], published_on=date(1999, 5, 1))
    assert raised.value.field == "year"
