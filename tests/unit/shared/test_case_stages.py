"""Every state of every dimension's cases says what it means to the city (`Stage`)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from phaseout_shared.contracts import energy, environment, quality, safety, technology
from phaseout_shared.contracts.base import Stage
from phaseout_shared.contracts.stages import STAGES, stage_of

CASE_STATES: dict[str, tuple[type[StrEnum], ...]] = {
    "energy": (energy.CaseState,),
    "environment": (environment.CaseState,),
    "quality": (quality.CaseState, quality.UnlicensedState),
    "safety": (safety.CaseState, safety.HazardState),
    "technology": (technology.CaseState,),
}


@pytest.mark.parametrize("dimension", sorted(CASE_STATES))
def test_every_state_of_a_dimension_has_a_stage(dimension: str) -> None:
    states = {str(s) for enum in CASE_STATES[dimension] for s in enum}
    superseded = {"superseded"} if dimension != "technology" else set()
    assert set(STAGES[dimension]) == states | superseded


@pytest.mark.parametrize(
    ("dimension", "state", "stage"),
    [
        ("energy", "rectifying", Stage.OPEN),
        ("energy", "shutdown_ordered", Stage.EXITING),
        ("environment", "production_restricted", Stage.RESTRICTED),
        ("environment", "closed", Stage.EXITED),
        ("quality", "revoked", Stage.CLOSED),
        ("safety", "suspended", Stage.RESTRICTED),
        ("safety", "overdue", Stage.OVERDUE),
        ("technology", "sealed", Stage.OPEN),
        ("technology", "exited", Stage.EXITED),
        ("quality", "superseded", Stage.SUPERSEDED),
    ],
)
def test_a_state_means_one_stage(dimension: str, state: str, stage: Stage) -> None:
    assert stage_of(dimension, state) is stage


def test_a_state_a_dimension_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="technology has no case state 'superseded'"):
        stage_of("technology", "superseded")


def test_only_closed_exited_and_superseded_cases_ask_nothing_more() -> None:
    assert [s for s in Stage if not s.open] == [Stage.CLOSED, Stage.EXITED, Stage.SUPERSEDED]
    restricted = sorted(
        (d, s) for d, states in STAGES.items() for s, st in states.items() if st is Stage.RESTRICTED
    )
    assert restricted == [
        ("environment", "production_restricted"),
        ("environment", "suspended_for_rectification"),
        ("safety", "suspended"),
    ]
