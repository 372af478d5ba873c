"""What the safety aggregates accept: officials' statements, and acts in date order.

The aggregate base itself (events recorded and pulled) is `phaseout_shared.domain.aggregate`.
"""

from __future__ import annotations

from datetime import date

from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.statemachine import in_order as _in_order

__all__ = ["Aggregate", "in_order", "refusing_invalid_input", "stated"]


def stated(text: str, field: str) -> str:
    """An official's statement (a description, a reason), refused when blank."""
    if not text.strip():
        raise InvalidInput(f"{field} must not be blank", field=field)
    return text.strip()


def in_order(on: date, last: date, field: str = "effective_on") -> date:
    """An act's date, refused when it precedes the last act already recorded."""
    return _in_order(on, last, field, "the record's")
