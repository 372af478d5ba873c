"""What the technology aggregates accept: officials' statements and enterprise codes.

The aggregate base itself (events recorded and pulled) is `phaseout_shared.domain.aggregate`.
"""

from __future__ import annotations

from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input, stated
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import InvalidUSCC, validate_uscc

__all__ = ["Aggregate", "enterprise", "refusing_invalid_input", "stated"]


def enterprise(code: str) -> str:
    """A unified social credit code, refused naming the field `uscc` when it fails its check."""
    try:
        return validate_uscc(code)
    except InvalidUSCC as error:
        raise InvalidInput(f"uscc {error}", field="uscc") from None
