"""What the environment aggregates accept: officials' statements, and acts in date order.

The aggregate base itself (events recorded and pulled) is `phaseout_shared.domain.aggregate`.
"""

from __future__ import annotations

from datetime import date

from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.statemachine import in_order

__all__ = ["Aggregate", "not_before", "refusing_invalid_input", "stated", "take_over"]


def stated(text: str, field: str) -> str:
    """An official's statement (findings, a reason), refused when blank."""
    if not text.strip():
        raise InvalidInput(f"{field} must not be blank", field=field)
    return text.strip()


def not_before(on: date, last: date, field: str = "effective_on") -> None:
    """Officials record acts after the fact, but never one before the last act recorded."""
    in_order(on, last, field, "the record's")


def take_over(current: Aggregate, newer: Aggregate) -> None:
    """`current` takes every fact of `newer`, a later finding of the same thing: the record
    stays the one loaded (and versioned), its content becomes the newer finding's."""
    for name in type(current).model_fields:
        setattr(current, name, getattr(newer, name))
