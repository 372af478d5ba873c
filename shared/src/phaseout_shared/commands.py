"""The command step every write of every service goes through, written once.

A command loads an aggregate through its unit of work's store, authorises the caller for the
aggregate's district, refuses an act dated after the city's today, applies one typed domain
call, saves the aggregate, emits the events it recorded and audits who did what — all in the
caller's unit of work, so all of it commits or none of it does:

    DESK = Desk(Dimension.TECHNOLOGY)
    case = await DESK.act(
        work, CASES, case_id, "seal",
        lambda case: case.seal(measures=m, description=d, effective_on=on),
        dates={"effective_on": on},
    )

A record new at a registered enterprise goes through `open` (admit the enterprise, build the
record at its site, add, emit, audit), one of a district through `record`; the case a finding
opens at once is added beside it by `open_beside`; a finding made again at the same key supersedes
the earlier record through `keep_latest`.

The domain call is a function of the loaded aggregate, so mypy checks it against the aggregate's
own methods (a coroutine function when the call needs something read first, such as the catalogue
version a case opened under); a domain model's validation error on the way becomes a 422 naming
the field.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from phaseout_shared import register
from phaseout_shared.aggregates import Repository
from phaseout_shared.auth import authorise_write
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import CITY, Agency, Dimension
from phaseout_shared.unit_of_work import UnitOfWork

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R", bound=BaseModel)


class DatedRequest(Protocol):
    """A request body that dates the act it asks for (every act on a case carries its date)."""

    @property
    def effective_on(self) -> date: ...

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Desk:
    """One dimension's command step: who may write (the write table's leads unless narrowed),
    and the load → authorise → refuse future dates → act → save → emit → audit of its acts."""

    dimension: Dimension
    writers: frozenset[Agency] | None = None
    """The agencies that write this dimension's aggregates; None: its owners (`auth.OWNERS`)."""

    def authorise(
        self, work: UnitOfWork, district: str | None, agencies: frozenset[Agency] | None = None
    ) -> Agency:
        """The caller's agency; Forbidden unless one of the writers, covering `district`
        (`city` or None: an act that concerns no district, for city officers only)."""
        principal = work.principal
        if principal is None:
            raise RuntimeError("a write without a principal cannot be authorised")
        allowed = agencies if agencies is not None else self.writers
        authorise_write(principal, self.dimension, district or CITY, agencies=allowed)
        assert principal.agency is not None, "authorise_write admits only the agencies named"
        return principal.agency

    async def admit(
        self,
        work: UnitOfWork,
        uscc: str,
        *,
        agencies: frozenset[Agency] | None = None,
        **dates: date,
    ) -> register.EnterpriseOut:
        """The command step of an act that finds or opens something at an enterprise: the
        enterprise from the dimension's register (404 when it is not there), the caller
        authorised for its district, and `dates` refused after today.

        The enterprise's register row is held to the end of the transaction, so that one
        enterprise's acts go one by one: an act that may not repeat what is open there (a
        second case, a second pending request) sees what a concurrent act has just opened,
        rather than both reading "nothing open" and both opening."""
        enterprise = await register.get(work.session, uscc, for_update=True)
        self.authorise(work, enterprise.district, agencies)
        refuse_future(work, **dates)
        return enterprise

    async def open(
        self,
        work: UnitOfWork,
        repository: Repository[R],
        uscc: str,
        action: str,
        build: Callable[[Site], R | Awaitable[R]],
        *,
        dates: Mapping[str, date],
        changes: Mapping[str, object] | None = None,
    ) -> R:
        """The command step of an act that opens a record at an enterprise on the register:
        `admit` the enterprise, `build` the record at its site (a coroutine function when it
        reads something first, such as an earlier record it may not repeat), add it, emit what
        it recorded and audit `action` with `changes` (None: the whole record as opened)."""
        site = Site.of(await self.admit(work, uscc))
        refuse_future(work, **dates)
        return await self._add(work, repository, action, lambda: build(site), changes)

    async def record(
        self,
        work: UnitOfWork,
        repository: Repository[R],
        district: str | None,
        action: str,
        build: Callable[[], R | Awaitable[R]],
        *,
        dates: Mapping[str, date],
        changes: Mapping[str, object] | None = None,
    ) -> R:
        """The command step of an act that records something new of a district, not (or not
        yet) of an enterprise on the register: the caller authorised for `district`, `dates`
        refused after today, then as `open`."""
        self.authorise(work, district)
        refuse_future(work, **dates)
        return await self._add(work, repository, action, build, changes)

    async def _add(
        self,
        work: UnitOfWork,
        repository: Repository[R],
        action: str,
        build: Callable[[], R | Awaitable[R]],
        changes: Mapping[str, object] | None,
    ) -> R:
        with refusing_invalid_input():
            built = build()
            target = await built if isinstance(built, Awaitable) else built
        kept = target.model_dump(mode="json") if changes is None else changes
        return await self.save(work, repository, target, action, kept, new=True)

    async def open_beside(
        self, work: UnitOfWork, repository: Repository[A], opened: A
    ) -> list[EventPayload]:
        """Add an aggregate a command opens beside the record it keeps (the case a failed
        inspection or check opens at once); the events it recorded, for the command to emit
        after the record's own (`save`'s `events`)."""
        await work.store(repository).add(opened)
        return opened.pull_events()

    async def keep_latest(
        self,
        work: UnitOfWork,
        repository: Repository[A],
        found: A,
        action: str,
        changes: Mapping[str, object],
        supersede: Callable[[A, A], object],
        *,
        events: Sequence[EventPayload] = (),
    ) -> A:
        """Keep what was found at a key found before or not (an item surveyed again, online
        monitoring checked again): `found` added where its key is new, else the earlier record
        superseded by it (`supersede(earlier, found)`) and saved; `events`, then what `found`
        recorded, then what the earlier record recorded, emitted; `action` audited."""
        try:
            earlier = await work.store(repository).get(repository.key(found))
        except NotFound:
            return await self.save(
                work, repository, found, action, changes, new=True, events=events
            )
        recorded = [*events, *found.pull_events()]
        supersede(earlier, found)
        await self.save(work, repository, earlier, action, changes, events=recorded)
        return found

    async def act(
        self,
        work: UnitOfWork,
        repository: Repository[A],
        id_: str | UUID,
        action: str,
        apply: Callable[[A], object],
        *,
        dates: Mapping[str, date],
        changes: Mapping[str, object] | None = None,
        agencies: frozenset[Agency] | Callable[[A], frozenset[Agency]] | None = None,
    ) -> A:
        """Load the aggregate, authorise for its district, refuse `dates` after today, `apply`
        the domain's call, save, emit and audit the dates with `changes`.

        `agencies` narrows the writers for this act, or names them from the aggregate itself
        (a referral is answered by its receiver)."""
        target = await work.store(repository).get(str(id_))
        writers = agencies(target) if callable(agencies) else agencies
        self.authorise(work, repository.district_of(target), writers)
        refuse_future(work, **dates)
        with refusing_invalid_input():
            done = apply(target)
            if inspect.isawaitable(done):
                await done
        await self.save(work, repository, target, action, {**dates, **(changes or {})})
        return target

    async def act_as_requested(
        self,
        work: UnitOfWork,
        repository: Repository[A],
        id_: str | UUID,
        action: str,
        apply: Callable[[A], object],
        request: DatedRequest,
    ) -> A:
        """`act` for a request that dates the act (`effective_on`) and is what the audit keeps."""
        return await self.act(
            work,
            repository,
            id_,
            action,
            apply,
            dates={"effective_on": request.effective_on},
            changes=request.model_dump(mode="json"),
        )

    async def save(
        self,
        work: UnitOfWork,
        repository: Repository[R],
        target: R,
        action: str,
        changes: Mapping[str, object],
        *,
        new: bool = False,
        events: Sequence[EventPayload] = (),
    ) -> R:
        """Add (`new`) or save an aggregate already authorised and changed, emit what it
        recorded after `events` (what the command recorded beside it) and audit `action`.

        A record that is no `Aggregate` (an inspection, a spot check: facts kept as found)
        records no events of its own; its command names them in `events`."""
        store = work.store(repository)
        await (store.add(target) if new else store.save(target))
        recorded = target.pull_events() if isinstance(target, Aggregate) else []
        await work.emit([*events, *recorded], subject=repository.subject_of(target))
        await work.audit(f"{repository.noun}.{action}", repository.key(target), audited(changes))
        return target

    async def sweep(
        self,
        work: UnitOfWork,
        repository: Repository[A],
        ids: Iterable[str],
        mark: Callable[[A], bool],
        *,
        changes: Mapping[str, object],
    ) -> list[A]:
        """Mark each aggregate `mark` changes (overdue, once): saved, emitted and audited one
        by one; the others are left as they are and emit nothing."""
        marked = []
        for id_ in ids:
            found = await work.store(repository).get(id_)
            if mark(found):
                marked.append(await self.save(work, repository, found, "mark_overdue", changes))
        return marked


def audited(changes: Mapping[str, object]) -> dict[str, Any]:
    """What the audit keeps of an act's details: JSON, dates as ISO text, amounts as text."""
    kept: dict[str, Any] = to_jsonable_python(dict(changes))
    return kept
