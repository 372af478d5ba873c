"""The validity of a document an authority issues to an enterprise (a pollutant-discharge permit,
a production licence): in force from its first day to its last, both included.

Expiry is not a state the register records: a document is judged as of a day, not yet valid
before its first day and expired after its last. Whether it was revoked or cancelled before
is the register's own state, judged first.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from phaseout_shared.domain.errors import InvalidInput


class Validity(StrEnum):
    """Where a day falls in a document's validity."""

    NOT_YET_VALID = "not_yet_valid"
    VALID = "valid"
    EXPIRED = "expired"


def check_validity(valid_from: date, valid_until: date) -> None:
    """Refuse a validity that ends before it begins, naming `valid_until`."""
    if valid_until < valid_from:
        raise InvalidInput(
            f"valid_until {valid_until} is before valid_from {valid_from}", field="valid_until"
        )


def validity_on(day: date, valid_from: date, valid_until: date) -> Validity:
    """Whether a document valid from `valid_from` to `valid_until` is in force on `day`."""
    if day < valid_from:
        return Validity.NOT_YET_VALID
    return Validity.VALID if day <= valid_until else Validity.EXPIRED
