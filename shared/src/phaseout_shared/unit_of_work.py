"""The unit of work: one command = one transaction = state change + audit + outbox rows."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from phaseout_shared.auth import Principal
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.db import audit
from phaseout_shared.domain.time import Clock
from phaseout_shared.outbox import Outbox


class UnitOfWork:
    """Opens a transaction; commits it on a clean exit, rolls it back on any error."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        clock: Clock,
        principal: Principal | None = None,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self.clock = clock
        self.principal = principal
        self._session: AsyncSession | None = None
        self.emitted: list[str] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        await self._session.begin()
        self.now = self.clock()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def emit(self, payloads: Sequence[EventPayload], *, subject: str) -> None:
        """Append events to the outbox, in this transaction."""
        envelopes = await self._outbox.append(self.session, payloads, subject=subject, at=self.now)
        self.emitted += [e.id for e in envelopes]

    async def audit(self, action: str, target: str, changes: dict[str, Any]) -> None:
        """Record who did what to which target, in this transaction."""
        p = self.principal
        if p is None:
            raise RuntimeError("a write without a principal cannot be audited")
        await self.session.execute(
            insert(audit).values(
                at=self.now,
                subject=p.sub,
                agency=p.agency,
                jurisdiction=p.jurisdiction,
                action=action,
                target=target,
                changes=changes,
            )
        )
