"""FastAPI dependencies shared by every service: the clock, the city's today, the unit of
work and paging."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field

from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.city_time import city_date
from phaseout_shared.domain.time import Clock
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.versions import IF_MATCH_DESCRIPTION, Versions

T = TypeVar("T")


async def clock(request: Request) -> Clock:
    """The platform's one clock, injected into the app (`create_app(..., clock=)`); a test
    overrides this dependency to run at any moment."""
    injected: Clock = request.app.state.clock
    return injected


InjectedClock = Annotated[Clock, Depends(clock)]


async def _city_today(now: InjectedClock) -> date:
    return city_date(now())


CityToday = Annotated[date, Depends(_city_today)]
"""Today in the city (UTC+8), by the injected clock: the default of every `as_of`."""


async def _work(request: Request, principal: CurrentPrincipal, now: InjectedClock) -> UnitOfWork:
    state = request.app.state
    work = UnitOfWork(state.db.sessions, state.outbox, now, principal)
    work.versions = Versions(if_match=request.headers.get("If-Match"))
    work.versions.check_done()
    return work


Work = Annotated[UnitOfWork, Depends(_work)]
"""A unit of work for the authenticated caller (open it with `async with`); a route that reads
or changes one resource named in its path takes `Versioned(kind)` instead."""

IfMatch = Annotated[
    str | None, Header(alias="If-Match", description=IF_MATCH_DESCRIPTION, max_length=200)
]


def versioned(kind: str) -> Any:
    """The unit of work of a route that reads or changes the one `kind` resource (table) named
    in its path: it answers the resource's `ETag` and holds the request to its `If-Match`
    (`phaseout_shared.versions`). Use as `Annotated[UnitOfWork, versioned("cases")]`."""

    async def work(
        request: Request, response: Response, principal: CurrentPrincipal, if_match: IfMatch = None
    ) -> UnitOfWork:
        state = request.app.state
        built = UnitOfWork(state.db.sessions, state.outbox, state.clock, principal)
        built.versions = Versions(target=kind, if_match=if_match, response=response)
        return built

    return Depends(work)


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
