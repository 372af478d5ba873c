from datetime import date

import pytest

from phaseout_energy.domain.deadline import RectificationDeadline
from phaseout_shared.domain.errors import Conflict, InvalidInput


@pytest.mark.parametrize(
    ("inspected_on", "due_on"),
    [
        (date(2019, 8, 31), date(2020, 2, 29)),
        (date(2018, 8, 31), date(2019, 2, 28)),
        (date(2020, 2, 29), date(2020, 8, 29)),
        (date(2019, 3, 31), date(2019, 9, 30)),
        (date(2019, 7, 15), date(2020, 1, 15)),
        (date(2019, 12, 31), date(2020, 6, 30)),
    ],
)
def test_six_calendar_months_clipped_to_the_month_end(inspected_on: date, due_on: date) -> None:
    deadline = RectificationDeadline.from_inspection(inspected_on)
    assert deadline.due_on == deadline.original_due_on == due_on
    assert not deadline.extended


@pytest.mark.parametrize(
    ("inspected_on", "latest"),
    [
        (date(2019, 8, 31), date(2020, 5, 29)),
        (date(2019, 5, 30), date(2020, 2, 29)),
        (date(2019, 3, 31), date(2019, 12, 30)),
    ],
)
def test_an_extension_reaches_at_most_three_calendar_months(
    inspected_on: date, latest: date
) -> None:
    assert RectificationDeadline.from_inspection(inspected_on).latest_extension() == latest


def deadline() -> RectificationDeadline:
    return RectificationDeadline.from_inspection(date(2019, 3, 31))


def test_exactly_three_months_is_granted() -> None:
    extended = deadline().extend(date(2019, 9, 1), date(2019, 12, 30))
    assert extended.due_on == date(2019, 12, 30)
    assert extended.original_due_on == date(2019, 9, 30)
    assert extended.extended and extended.extension_applied_on == date(2019, 9, 1)


def test_three_months_and_a_day_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        deadline().extend(date(2019, 9, 1), date(2019, 12, 31))
    assert raised.value.field == "new_deadline"
    assert raised.value.rule == "energy.case.extension_at_most_3_months"
    assert "2019-12-30" in raised.value.reason


def test_applying_on_the_deadline_day_is_in_time() -> None:
    assert deadline().extend(date(2019, 9, 30), date(2019, 10, 31)).due_on == date(2019, 10, 31)


def test_applying_after_the_deadline_is_refused() -> None:
    with pytest.raises(Conflict) as raised:
        deadline().extend(date(2019, 10, 1), date(2019, 10, 31))
    assert raised.value.field == "applied_on"
    assert raised.value.rule == "energy.case.extension_applied_by_deadline"


def test_only_one_extension() -> None:
    once = deadline().extend(date(2019, 9, 1), date(2019, 10, 31))
    with pytest.raises(Conflict) as raised:
        once.extend(date(2019, 10, 1), date(2019, 11, 30))
    assert raised.value.field == "extension"
    assert raised.value.rule == "energy.case.extension_once"


@pytest.mark.parametrize("new_due_on", [date(2019, 9, 30), date(2019, 9, 1)])
def test_the_new_deadline_must_be_later(new_due_on: date) -> None:
    with pytest.raises(InvalidInput) as raised:
        deadline().extend(date(2019, 9, 1), new_due_on)
    assert raised.value.field == "new_deadline"


def test_the_deadline_day_is_still_within_the_deadline() -> None:
    d = deadline()
    assert not d.has_passed(date(2019, 9, 29))
    assert not d.has_passed(date(2019, 9, 30))
    assert d.has_passed(date(2019, 10, 1))
