"""The year's calendar (工作进度): what is due from whom, by when, and what has come in.

- end of June: the half-year summary, drc, mee, samr, mem and water sending their enterprise
  lists to miit (6月底 … 报送市工业和信息化局);
- 31 December: every district and agency reports its year: summary, the list of backward
  capacity closed and exited by law, and what was disclosed;
- 15 January of the next year: miit sends the city-wide result to the provincial department.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from phaseout_shared.reference import Agency, District

Kind = Literal["half_year", "annual", "city_report"]
Status = Literal["in", "in_late", "overdue", "pending"]

HALF_YEAR_SENDERS = (Agency.DRC, Agency.MEE, Agency.SAMR, Agency.MEM, Agency.WATER)


class Due(BaseModel):
    kind: Kind
    submitter: str
    due_on: date


class CalendarEntry(Due):
    submitted_on: date | None
    status: Status


def dues(year: int) -> list[Due]:
    """Everything the plan asks to be sent in `year`'s campaign."""
    half = [
        Due(kind="half_year", submitter=a.value, due_on=date(year, 6, 30))
        for a in HALF_YEAR_SENDERS
    ]
    annual = [
        Due(kind="annual", submitter=s, due_on=date(year, 12, 31))
        for s in [*(d.value for d in District), *(a.value for a in Agency)]
    ]
    city = [Due(kind="city_report", submitter=Agency.MIIT.value, due_on=date(year + 1, 1, 15))]
    return [*half, *annual, *city]


def status_of(due: Due, submitted_on: date | None, as_of: date) -> Status:
    if submitted_on is not None and submitted_on <= as_of:
        return "in" if submitted_on <= due.due_on else "in_late"
    return "overdue" if as_of > due.due_on else "pending"


def calendar(year: int, submitted: dict[tuple[str, str], date], as_of: date) -> list[CalendarEntry]:
    entries = []
    for due in dues(year):
        on = submitted.get((due.kind, due.submitter))
        shown = on if on is not None and on <= as_of else None
        entries.append(
            CalendarEntry(**due.model_dump(), submitted_on=shown, status=status_of(due, on, as_of))
        )
    return entries


def submitter_of(agency: str | None, jurisdiction: str) -> str:
    """A district government submits for its district; a city-level bureau for its agency."""
    return jurisdiction if agency is None else agency
