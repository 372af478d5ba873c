"""The unit of work: one command = one transaction = state change + audit + outbox rows.

The events a command emits are written to the outbox when it commits, each numbered in its
subject's stream (`outbox.flush`): the streams' counters are the last rows the transaction locks,
so two commands on one enterprise number their events in the order they commit, and no command
waits for a lock while holding a counter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from phaseout_shared.auth import Principal
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.domain.time import Clock
from phaseout_shared.outbox import Outbox, flush, record_audit
from phaseout_shared.versions import Versions, bind

S = TypeVar("S", covariant=True)


class Bindable(Protocol[S]):
    """What a unit of work binds to its session: a repository (`aggregates.Repository`)."""

    def bound(self, session: AsyncSession, now: datetime) -> S: ...


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
        self.versions = Versions()
        """The versions this command loads and writes, and the caller's `If-Match`."""

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        bind(self._session, self.versions)
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
                await self._commit(session)
            else:
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def _commit(self, session: AsyncSession) -> None:
        try:
            self.versions.check_done()
            written = await flush(session)
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
        for box in written:
            box.committed()

    def store(self, repository: Bindable[S]) -> S:
        """A repository bound to this unit of work (`aggregates.Store`)."""
        return repository.bound(self.session, self.now)

    async def emit(self, payloads: Sequence[EventPayload], *, subject: str) -> None:
        """Append events to the outbox, in this transaction (written when it commits), each
        naming the agency the principal acts for (`actingagency`), if any."""
        acting = None if self.principal is None else self.principal.agency
        envelopes = await self._outbox.append(
            self.session,
            payloads,
            subject=subject,
            at=self.now,
            acting_agency=None if acting is None else acting.value,
        )
        self.emitted += [e.id for e in envelopes]

    async def audit(self, action: str, target: str, changes: dict[str, Any]) -> None:
        """Record who did what to which target, in this transaction (written with its events)."""
        p = self.principal
        if p is None:
            raise RuntimeError("a write without a principal cannot be audited")
        record_audit(
            self.session,
            {
                "at": self.now,
                "subject": p.sub,
                "agency": p.agency,
                "jurisdiction": p.jurisdiction,
                "action": action,
                "target": target,
                "changes": changes,
            },
        )
