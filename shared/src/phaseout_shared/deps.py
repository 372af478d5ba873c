"""FastAPI dependencies shared by every service: the clock, the city's today, the unit of
work and paging."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.city_time import city_date
from phaseout_shared.domain.time import Clock
from phaseout_shared.unit_of_work import UnitOfWork

T = TypeVar("T")


def clock(request: Request) -> Clock:
    """The platform's one clock, injected into the app (`create_app(..., clock=)`); a test
    overrides this dependency to run at any moment."""
    injected: Clock = request.app.state.clock
    return injected


InjectedClock = Annotated[Clock, Depends(clock)]


def _city_today(now: InjectedClock) -> date:
    return city_date(now())


CityToday = Annotated[date, Depends(_city_today)]
"""Today in the city (UTC+8), by the injected clock: the default of every `as_of`."""


def _work(request: Request, principal: CurrentPrincipal, now: InjectedClock) -> UnitOfWork:
    state = request.app.state
    return UnitOfWork(state.db.sessions, state.outbox, now, principal)


Work = Annotated[UnitOfWork, Depends(_work)]
"""A unit of work for the authenticated caller (open it with `async with`)."""


class PageParams(BaseModel):
    limit: int = Field(50, ge=1, le=500, description="Items per page")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="Items to skip")


Paging = Annotated[PageParams, Query()]


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total count under the same filters."""

    items: list[T]
    total: int
    limit: int
    offset: int
