"""Supersession (被替代), checked alike in every dimension whose cases it applies to."""

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

import pytest

from phaseout_shared.contracts.supersession import RESUMED, SUPERSEDED
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.supersession import SUPERSEDED as SUPERSEDED_STATE
from phaseout_shared.domain.supersession import Supersedable, Trigger

SHUTDOWN = Trigger(
    event_id="2f7b3c1e-0000-4000-8000-0000000000a1",
    event_type="phaseout.technology.shutdown.ordered.v1",
    dimension="technology",
    effective_on=date(2019, 1, 2),
    sequence=5,
)
"""A shutdown elsewhere dated before any example case's last act: it takes effect on that act."""

CheckSupersession = Callable[[Supersedable, StrEnum, bool, Callable[[Any], date | None]], None]


def check_supersession(
    case: Supersedable, state: StrEnum, supersedable: bool, deadline: Callable[[Any], date | None]
) -> None:
    """A case in `state` is superseded, once, exactly when `supersedable`, and resumes in it."""
    last_act, due = case.last_act_on, deadline(case)
    if not supersedable:
        assert case.supersede(SHUTDOWN) is False
        assert case.state is state and case.pull_events() == [] and case.supersessions == []
        with pytest.raises(Conflict):
            case.resume("the shutdown was withdrawn", last_act)
        return
    assert case.supersede(SHUTDOWN) is True
    (event,) = case.pull_events()
    assert type(event) is SUPERSEDED[case.DIMENSION]
    assert case.state is SUPERSEDED_STATE and case.superseded_by == SHUTDOWN
    assert deadline(case) is None and case.last_act_on == last_act
    facts = event.model_dump(include={"state", "previous_state", "deadline", "effective_on"})
    assert facts == {
        "state": "superseded",
        "previous_state": str(state),
        "deadline": None,
        "effective_on": last_act,
    }
    assert (event.trigger_event_id, event.trigger_type, event.trigger_dimension) == (  # type: ignore[attr-defined]
        SHUTDOWN.event_id,
        SHUTDOWN.event_type,
        "technology",
    )
    assert case.supersede(SHUTDOWN) is False and case.pull_events() == []
    case.resume("the enterprise was found running again (回头看)", last_act)
    (resumed,) = case.pull_events()
    assert type(resumed) is RESUMED[case.DIMENSION]
    assert case.state is state and deadline(case) == due
    assert (resumed.state, resumed.deadline) == (state, due)  # type: ignore[attr-defined]
    assert case.supersessions[-1].resumed_on == last_act and case.superseded_by is None
    replayed = SHUTDOWN.model_copy(update={"event_id": "2f7b3c1e-0000-4000-8000-0000000000a0"})
    earlier = replayed.model_copy(update={"sequence": 4})
    assert case.supersede(SHUTDOWN) is False and case.supersede(earlier) is False
    assert case.state is state and case.pull_events() == []
    later = replayed.model_copy(update={"sequence": 6})
    assert case.supersede(later) is True and case.superseded_by == later
