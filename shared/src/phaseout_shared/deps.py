"""FastAPI dependencies shared by every service: the unit of work and paging."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.unit_of_work import UnitOfWork

T = TypeVar("T")


def _work(request: Request, principal: CurrentPrincipal) -> UnitOfWork:
    state = request.app.state
    return UnitOfWork(state.db.sessions, state.outbox, state.clock, principal)


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
