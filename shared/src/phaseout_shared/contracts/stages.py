"""What each dimension's case states mean to the city, in one table (`base.Stage`).

Each dimension's contracts say what its own states mean (`STAGES` beside its `CaseState`); a case
superseded by another agency's shutdown is superseded in every dimension that can be. The
aggregator reads a case's stage here — open, restricted, on its way out, overdue, closed,
exited or superseded — instead of guessing from the words in a state's name.
"""

from __future__ import annotations

from collections.abc import Mapping

from phaseout_shared.contracts import energy, environment, quality, safety, technology
from phaseout_shared.contracts.base import Stage
from phaseout_shared.contracts.supersession import SUPERSEDING, Superseded

_OWN: Mapping[str, Mapping[str, Stage]] = {
    "energy": energy.STAGES,
    "environment": environment.STAGES,
    "quality": quality.STAGES,
    "safety": safety.STAGES,
    "technology": technology.STAGES,
}

STAGES: Mapping[str, Mapping[str, Stage]] = {
    dimension: {
        **{str(state): stage for state, stage in own.items()},
        **({Superseded.SUPERSEDED.value: Stage.SUPERSEDED} if dimension in SUPERSEDING else {}),
    }
    for dimension, own in _OWN.items()
}


def stage_of(dimension: str, state: str) -> Stage:
    """The stage of a dimension's case in `state`; ValueError for a state the dimension lacks."""
    try:
        return STAGES[dimension][state]
    except KeyError:
        raise ValueError(f"{dimension} has no case state {state!r}") from None
