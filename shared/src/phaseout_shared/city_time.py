"""The city's date, from the unit of work's injected clock, and the acts it rules out.

Officials record what happened after it happened: an inspection, a check, an order, a
verification, a grant or an answer takes effect today at the latest. Dates that lie ahead by
nature (a deadline, a licence's last day, a price's first day) are not checked here.
"""

from __future__ import annotations

from datetime import date, timedelta, timezone

from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.unit_of_work import UnitOfWork

CITY_TIME = timezone(timedelta(hours=8), "CST")
"""China Standard Time, without daylight saving: what "today" means in the city."""


def today(work: UnitOfWork) -> date:
    return work.now.astimezone(CITY_TIME).date()


def refuse_future(work: UnitOfWork, **acts: date) -> None:
    """InvalidInput naming the first act dated after the city's today."""
    for field, on in acts.items():
        if on > today(work):
            raise InvalidInput(
                f"{field} {on} is after today, {today(work)}: record an act once it has happened",
                field=field,
                rule="acts_not_in_the_future",
            )
