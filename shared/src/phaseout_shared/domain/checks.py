"""A check on site after the work was due: a re-inspection (复查, 整改复查) or an on-site
acceptance (现场验收). It passed, or it failed for the reasons it gives: a passed check gives
none, a failed one at least one.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from phaseout_shared.domain.errors import InvalidInput


class OnSiteCheck(BaseModel):
    """One check on site, passed or failed, with the reasons it failed and a note."""

    passed: bool
    reasons: tuple[str, ...] = ()
    note: str = ""
    effective_on: date


def reasons_agree(
    passed: bool, reasons: tuple[str, ...], field: str, *, passed_with: str, failed_without: str
) -> tuple[str, ...]:
    """`reasons`, when they agree with the outcome; refused naming `field`, saying `passed_with`
    for a passed check that gives reasons and `failed_without` for a failed one that gives none."""
    if passed and reasons:
        raise InvalidInput(passed_with, field=field)
    if not passed and not reasons:
        raise InvalidInput(failed_without, field=field)
    return reasons
