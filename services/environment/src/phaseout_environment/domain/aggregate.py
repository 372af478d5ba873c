"""What the environment aggregates accept: officials' statements, and acts in date order.

The aggregate base itself (events recorded and pulled) is `phaseout_shared.domain.aggregate`.
"""

from __future__ import annotations

from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input, stated
from phaseout_shared.domain.statemachine import in_record_order

__all__ = ["Aggregate", "not_before", "refusing_invalid_input", "stated", "take_over"]


not_before = in_record_order
"""Officials record acts after the fact, but never one before the last act recorded."""


def take_over(current: Aggregate, newer: Aggregate) -> None:
    """`current` takes every fact of `newer`, a later finding of the same thing: the record
    stays the one loaded (and versioned), its content becomes the newer finding's."""
    for name in type(current).model_fields:
        setattr(current, name, getattr(newer, name))
