"""The city's date, from the injected clock, and the acts it rules out.

There is one clock for the whole platform (`phaseout_shared.deps.clock`, the app's
`state.clock`), and "today" is its date in the city (UTC+8) for every agency service, the
aggregator and the dashboard alike: between 16:00 and 24:00 UTC the city is already a day ahead.

Officials record what happened after it happened: an inspection, a check, an order, a
verification, a grant or an answer takes effect today at the latest. Dates that lie ahead by
nature (a deadline, a licence's last day, a price's first day) are not checked here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.unit_of_work import UnitOfWork

CITY_TIME = timezone(timedelta(hours=8), "CST")
"""China Standard Time, without daylight saving: what "today" means in the city."""


def city_date(moment: datetime) -> date:
    """The city's date at a moment: 2019-06-30T17:00Z is already 1 July in the city."""
    return moment.astimezone(CITY_TIME).date()


def today(work: UnitOfWork) -> date:
    return city_date(work.now)


def refuse_future(work: UnitOfWork, **acts: date) -> None:
    """InvalidInput naming the first act dated after the city's today."""
    for field, on in acts.items():
        if on > today(work):
            raise InvalidInput(
                f"{field} {on} is after today, {today(work)}: record an act once it has happened",
                field=field,
                rule="acts_not_in_the_future",
            )
