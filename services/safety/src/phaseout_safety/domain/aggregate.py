"""What the safety aggregates accept: officials' statements, and acts in date order.

The aggregate base itself (events recorded and pulled) is `phaseout_shared.domain.aggregate`.
"""

from __future__ import annotations

from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input, stated
from phaseout_shared.domain.statemachine import in_record_order

__all__ = ["Aggregate", "in_order", "refusing_invalid_input", "stated"]


in_order = in_record_order
"""An act's date, refused when it precedes the last act already recorded."""
