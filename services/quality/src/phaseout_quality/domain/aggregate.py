"""What the quality aggregates accept: officials' statements, lists of them, licence numbers.

The aggregate base itself (events recorded and pulled) is `phaseout_shared.domain.aggregate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input, stated
from phaseout_shared.domain.errors import InvalidInput

__all__ = ["Aggregate", "licence_number", "refusing_invalid_input", "stated", "statements"]

LICENCE_NUMBER = re.compile(r"^[^\s/?#]{1,64}$")
"""A licence number as printed (e.g. XK05-001-00001, (粤)XK13-034-00001): no spaces or slashes."""


def statements(texts: Iterable[str], field: str) -> tuple[str, ...]:
    """A list of statements, each stripped, blanks refused naming their place, repeats dropped."""
    kept = [stated(text, f"{field}[{i}]") for i, text in enumerate(texts)]
    return tuple(dict.fromkeys(kept))


def licence_number(number: str, field: str = "licence_number") -> str:
    """A production licence number (生产许可证编号), refused naming the field when malformed."""
    found = number.strip()
    if not LICENCE_NUMBER.match(found):
        raise InvalidInput(
            f"{field} must be 1 to 64 characters without spaces or slashes, got {number!r}",
            field=field,
        )
    return found
