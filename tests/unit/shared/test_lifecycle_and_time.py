from datetime import date
from enum import StrEnum

import pytest

from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.domain.time import add_months


class S(StrEnum):
    OPEN = "open"
    DONE = "done"


LIFE = Lifecycle.of({"finish": ([S.OPEN], S.DONE), "reopen": ([S.DONE], S.OPEN)})


def test_allowed_transition_moves() -> None:
    assert LIFE.move("finish", S.OPEN) is S.DONE
    assert LIFE.allowed_from(S.DONE) == ["reopen"]


def test_illegal_transition_says_why() -> None:
    with pytest.raises(
        Conflict, match="cannot finish a case that is done; allowed only from: open"
    ):
        LIFE.move("finish", S.DONE)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2019, 8, 31), 6, date(2020, 2, 29)),
        (date(2018, 8, 31), 6, date(2019, 2, 28)),
        (date(2019, 3, 31), 6, date(2019, 9, 30)),
        (date(2019, 7, 15), 6, date(2020, 1, 15)),
        (date(2019, 11, 30), 3, date(2020, 2, 29)),
    ],
)
def test_calendar_months_clip_to_the_month_end(start: date, months: int, due: date) -> None:
    assert add_months(start, months) == due


class W(StrEnum):
    WORKING = "working"
    LATE = "late"
    PAUSED = "paused"
    DONE = "done"


PAUSABLE = Lifecycle.of(
    {"finish": ([W.WORKING], W.DONE), "pause": ([W.WORKING, W.LATE], W.PAUSED)},
    returns={"resume": ([W.PAUSED], "pause")},
)


@pytest.mark.parametrize("previous", [W.WORKING, W.LATE])
def test_a_return_goes_back_to_the_state_left(previous: W) -> None:
    assert PAUSABLE.move_back("resume", W.PAUSED, previous) is previous
    assert PAUSABLE.allowed_from(W.PAUSED) == ["resume"]
    assert PAUSABLE.sources("pause") == {W.WORKING, W.LATE}


def test_a_return_is_refused_from_elsewhere_or_to_a_state_never_left() -> None:
    with pytest.raises(Conflict, match="cannot resume a case that is working"):
        PAUSABLE.move_back("resume", W.WORKING, W.LATE)
    with pytest.raises(Conflict, match="cannot resume to done: pause leaves no case"):
        PAUSABLE.move_back("resume", W.PAUSED, W.DONE)
