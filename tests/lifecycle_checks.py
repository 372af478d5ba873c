"""Lifecycle checks alike in every dimension (docs/domain.md, sections 1 and 2).

- An order stands until something lifts it: a transition out of a state with an order in force
  either keeps the order and its deadline as they were, or is one the table says changes them.
- Overdue is a fact of the date: an act dated past a case's deadline has the same outcome
  (the same case afterwards, the same events since, or the same refusal) whether the overdue
  sweep ran before it or not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Literal, TypeVar

from phaseout_shared.domain.aggregate import Aggregate
from phaseout_shared.domain.errors import DomainError
from phaseout_shared.domain.statemachine import Lifecycle

C = TypeVar("C", bound=Aggregate)
Effect = Literal["keeps", "changes"]
"""What a transition does to the order in force: keeps it (and its deadline) as it was, or
changes it — lifts it (rectified, closed, exited), replaces it, or moves its deadline by an act
that says so (an extension, a new period set by the government)."""
Order = tuple[object, ...] | None
"""An order in force and its deadline, as the dimension records them; None when none is."""


def order_transitions(
    lifecycle: Lifecycle[Any], states: list[Any], effects: Mapping[str, Effect]
) -> list[tuple[Any, str]]:
    """Every (state, transition) out of the states with an order in force, from the table;
    each transition must be classified in `effects` (a new one cannot slip by unjudged)."""
    pairs = [(state, action) for state in states for action in lifecycle.allowed_from(state)]
    unjudged = sorted({action for _, action in pairs} - set(effects))
    assert not unjudged, f"classify what these transitions do to the order: {unjudged}"
    return pairs


def check_order_after(
    case: C, act: Callable[[C], object], order_of: Callable[[C], Order], effect: Effect
) -> None:
    """`act` on a case with an order in force keeps the order and its deadline, or changes
    them, as `effect` says."""
    before = order_of(case)
    assert before is not None, "the case has no order in force"
    act(case)
    after = order_of(case)
    if effect == "keeps":
        assert after == before, f"the order in force changed: {before} -> {after}"
    else:
        assert after != before, f"the order in force stayed: {before}"


def check_same_with_and_without_sweep(
    make: Callable[[], C],
    sweep: Callable[[C], object],
    act: Callable[[C], object],
    on: date,
    state_on: Callable[[C, date], Any],
) -> Literal["done", "refused"]:
    """`act` (dated `on`, past the deadline) behaves the same after a sweep and without one.

    Done: the two cases are then equal and have recorded the same events since `make`. Refused:
    with the same kind of error on the same field and rule, nothing changed by the act, and the
    case in the same state on `on`. Returns which, for the caller to say which it expects.
    """
    swept = make()
    swept.pull_events()
    unswept = swept.model_copy(deep=True)
    sweep(swept)
    by_sweep = swept.pull_events()
    assert by_sweep, "the sweep marked nothing: the act is not past the deadline"
    outcomes = []
    for case, earlier in ((swept, by_sweep), (unswept, [])):
        before = case.model_dump()
        try:
            act(case)
        except DomainError as refused:
            assert case.model_dump() == before and case.pull_events() == []
            outcomes.append(("refused", type(refused), refused.field, refused.rule))
            continue
        events = [*earlier, *case.pull_events()]
        outcomes.append(("done", case.model_dump(), [(type(e), e.model_dump()) for e in events]))
    assert outcomes[0] == outcomes[1], f"with the sweep {outcomes[0]}, without {outcomes[1]}"
    assert state_on(swept, on) == state_on(unswept, on)
    result: Literal["done", "refused"] = outcomes[0][0]  # type: ignore[assignment]
    return result
