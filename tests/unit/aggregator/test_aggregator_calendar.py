from datetime import date

import pytest

from phaseout_aggregator.app.calendar import calendar, dues, status_of, submitter_of
from phaseout_aggregator.app.progress import Counts, OversightRule, flag


def test_the_plans_deadlines() -> None:
    due = {(d.kind, d.submitter): d.due_on for d in dues(2019)}
    assert due[("half_year", "mee")] == date(2019, 6, 30)
    assert ("half_year", "miit") not in due, "miit receives the half-year lists"
    assert due[("annual", "dapeng")] == date(2019, 12, 31)
    assert due[("annual", "water")] == date(2019, 12, 31)
    assert due[("city_report", "miit")] == date(2020, 1, 15)
    assert len([k for k, _ in due if k == "annual"]) == 11 + 6


@pytest.mark.parametrize(
    ("submitted", "as_of", "status"),
    [
        (date(2019, 12, 30), date(2020, 1, 2), "in"),
        (date(2019, 12, 31), date(2020, 1, 2), "in"),
        (date(2020, 1, 3), date(2020, 1, 5), "in_late"),
        (None, date(2019, 12, 31), "pending"),
        (None, date(2020, 1, 1), "overdue"),
        (date(2020, 1, 3), date(2020, 1, 2), "overdue"),
    ],
)
def test_status_as_of_a_day(submitted: date | None, as_of: date, status: str) -> None:
    annual = next(d for d in dues(2019) if d.kind == "annual" and d.submitter == "futian")
    assert status_of(annual, submitted, as_of) == status


def test_a_submission_after_the_day_asked_about_is_not_shown() -> None:
    entries = calendar(2019, {("annual", "futian"): date(2020, 1, 3)}, date(2020, 1, 2))
    futian = next(e for e in entries if e.submitter == "futian")
    assert (futian.submitted_on, futian.status) == (None, "overdue")


def test_who_submits() -> None:
    assert submitter_of(None, "baoan") == "baoan"
    assert submitter_of("mee", "city") == "mee"


RULE = OversightRule(circular_overdue_share="0.2", talk_overdue_share="0.4", min_cases=5)


@pytest.mark.parametrize(
    ("open_cases", "overdue", "expected"),
    [
        (4, 4, None),
        (5, 0, None),
        (10, 1, None),
        (10, 2, "circular"),
        (10, 3, "circular"),
        (10, 4, "talk"),
        (5, 5, "talk"),
    ],
)
def test_oversight_flags(open_cases: int, overdue: int, expected: str | None) -> None:
    assert flag(Counts(open_cases=open_cases, overdue=overdue), RULE) == expected


def test_a_talk_is_never_milder_than_a_circular() -> None:
    with pytest.raises(ValueError, match="at least"):
        OversightRule(circular_overdue_share="0.5", talk_overdue_share="0.4")
