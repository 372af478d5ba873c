"""The aggregator's request dependencies: the caller's scope, the day asked about, a snapshot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.app.access import Scope, scope_of
from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.deps import CityToday
from phaseout_shared.limits import Day


async def _scope(principal: CurrentPrincipal) -> Scope:
    return scope_of(principal)


async def _as_of(
    today: CityToday,
    as_of: Annotated[
        Day | None, Query(description="Answer as of this date (default: today in the city)")
    ] = None,
) -> date:
    return as_of or today


SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
"""A read sees one snapshot: an enterprise's cases and exits can never disagree because an
event was applied between two of the queries that answer one request."""


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.db.sessions() as session:
        await session.connection(execution_options=SNAPSHOT)
        yield session


CallerScope = Annotated[Scope, Depends(_scope)]
AsOf = Annotated[date, Depends(_as_of)]
Session = Annotated[AsyncSession, Depends(_session)]
