"""A unit of work without a database, for the application layer's unit tests.

It keeps what the real one keeps — the aggregates (as the JSON their rows hold), the events a
command emits and the audit records — in memory, and like the real one it keeps none of a
command's changes when the command fails: a test drives a service's commands exactly as a route
does (`async with work: await commands.seal(work, …)`) in milliseconds, and the integration
suite proves the same commands on PostgreSQL and Kafka.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel

from phaseout_shared.aggregates import Filters, Repository
from phaseout_shared.auth import Principal
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.domain.errors import Conflict, NotFound
from phaseout_shared.unit_of_work import UnitOfWork

A = TypeVar("A", bound=BaseModel)
Rows = dict[str, dict[str, Any]]


class FakeStore(Generic[A]):
    """A repository's rows in memory: loaded and saved as their JSON, as the table keeps them."""

    def __init__(self, repository: Repository[A], rows: Rows) -> None:
        self.repository = repository
        self.rows = rows

    async def get(self, id_: str) -> A:
        if id_ not in self.rows:
            raise NotFound(f"no {self.repository.noun} {id_}", field="id")
        return self.repository.model.model_validate(self.rows[id_])

    async def look(self, id_: str) -> A:
        return await self.get(id_)

    async def add(self, aggregate: A) -> None:
        key = self.repository.key(aggregate)
        if key in self.rows:
            raise Conflict(f"{self.repository.noun} {key} exists", field="id")
        self.rows[key] = aggregate.model_dump(mode="json")

    async def save(self, aggregate: A) -> None:
        key = self.repository.key(aggregate)
        if key not in self.rows:
            raise NotFound(f"no {self.repository.noun} {key}", field="id")
        self.rows[key] = aggregate.model_dump(mode="json")

    async def find(self, filters: Filters) -> list[A]:
        """The rows whose columns (as the repository makes them) match the filters, by id."""
        if filters.overdue_as_of is not None:
            raise NotImplementedError("the fake store does not judge overdue cases")
        given = {
            "uscc": filters.uscc,
            "district": filters.district,
            "industry": filters.industry,
            "state": filters.state,
        }
        wanted = {name: value for name, value in given.items() if value is not None}
        found = []
        for key in sorted(self.rows):
            aggregate = self.repository.model.model_validate(self.rows[key])
            columns = self.repository.columns(aggregate)
            if all(str(columns.get(k)) == str(v) for k, v in wanted.items()):
                found.append(aggregate)
        return found


@dataclass(frozen=True)
class Audited:
    action: str
    target: str
    changes: dict[str, Any]


class FakeWork(UnitOfWork):
    """A unit of work whose tables, outbox and audit are lists and dicts."""

    def __init__(self, principal: Principal, now: datetime) -> None:
        super().__init__(cast(Any, None), cast(Any, None), lambda: now, principal)
        self.tables: dict[str, Rows] = {}
        self.events: list[tuple[str, EventPayload]] = []
        self.audits: list[Audited] = []
        self._before: tuple[dict[str, Rows], int, int] | None = None

    @property
    def session(self) -> Any:
        raise AssertionError("a command under a unit test reached for the database")

    def seed(self, repository: Repository[A], *aggregates: A) -> None:
        """Aggregates already recorded before the test's command."""
        rows = self.tables.setdefault(repository.kind, {})
        for aggregate in aggregates:
            rows[repository.key(aggregate)] = aggregate.model_dump(mode="json")

    def stored(self, repository: Repository[A], id_: str) -> A:
        return repository.model.model_validate(self.tables[repository.kind][id_])

    async def __aenter__(self) -> FakeWork:
        self._before = (copy.deepcopy(self.tables), len(self.events), len(self.audits))
        self.now = self.clock()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._before is not None
        if exc_type is not None:
            tables, events, audits = self._before
            self.tables = tables
            del self.events[events:]
            del self.audits[audits:]
        self._before = None

    def store(self, repository: Any) -> Any:
        return FakeStore(repository, self.tables.setdefault(repository.kind, {}))

    async def emit(self, payloads: Any, *, subject: str) -> None:
        self.events += [(subject, p) for p in payloads]

    async def audit(self, action: str, target: str, changes: dict[str, Any]) -> None:
        self.audits.append(Audited(action, target, changes))


def officer(agency: str, jurisdiction: str = "city") -> Principal:
    return Principal(
        sub=f"{agency}-officer",
        agency=cast(Any, agency),
        jurisdiction=jurisdiction,
        roles=["officer"],
    )


def at_noon(year: int, month: int, day: int) -> datetime:
    """A moment on that day in the city (noon in UTC+8 is 04:00 UTC)."""
    return datetime(year, month, day, 4, tzinfo=UTC)
