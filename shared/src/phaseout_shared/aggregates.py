"""Keeping a service's aggregates (cases, tips, checks): a JSON document with indexed columns.

The domain's aggregates are pure pydantic models; here they are stored whole as `doc`, with the
columns that lists filter on beside it (enterprise, district, industry, state, due date), and a
version counting its changes. A command loads with `get` (a row lock held to the end of its
transaction), so two officers changing one case at once are served one after the other, the
second seeing the first's change; `save` writes the row back only at the version loaded (409
otherwise), and both tell the transaction's `versions` (the `ETag` and `If-Match` of the route).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.auth import Principal
from phaseout_shared.deps import Page, PageParams
from phaseout_shared.domain.errors import Conflict, NotFound
from phaseout_shared.domain.facts import Sited, site_of
from phaseout_shared.reference import CITY
from phaseout_shared.scope import authorise_read
from phaseout_shared.statements import insert_new, insert_rows
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.versions import of as versions_of
from phaseout_shared.versions import stale_write

A = TypeVar("A", bound=BaseModel)


def aggregate_table(name: str, metadata: MetaData) -> Table:
    """The table of one kind of aggregate."""
    return Table(
        name,
        metadata,
        Column("id", String(64), primary_key=True),
        Column("uscc", String(18), index=True),
        Column("district", String(20), index=True),
        Column("industry", String(40), index=True),
        Column("state", String(40), nullable=False, index=True),
        Column("due_on", Date, index=True),
        Column("effective_on", Date, nullable=False),
        Column("version", Integer, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("doc", JSONB, nullable=False),
    )


def row_columns(
    record: Sited, id_: str, state: str, effective_on: date, due_on: date | None = None
) -> dict[str, Any]:
    """The columns of an aggregate's row (`aggregate_table`) for a record at one enterprise:
    its id, where it stands, its state, the day of its last act and what is due by when."""
    return {
        "id": id_,
        **site_of(record),
        "state": state,
        "due_on": due_on,
        "effective_on": effective_on,
    }


@dataclass(frozen=True)
class Filters:
    """What a list of aggregates can be narrowed by; `overdue_as_of` needs `open_states`."""

    uscc: str | None = None
    district: str | None = None
    industry: str | None = None
    state: str | None = None
    overdue_as_of: date | None = None


class Repository(Generic[A]):
    """Loads and saves one kind of aggregate."""

    def __init__(
        self,
        table: Table,
        model: type[A],
        columns: Callable[[A], dict[str, Any]],
        open_states: Sequence[str] = (),
        *,
        noun: str | None = None,
        key_field: str = "id",
    ) -> None:
        self.table = table
        self.model = model
        self.columns = columns
        self.open_states = list(open_states)
        self.noun = noun or table.name.removesuffix("s")
        """What one aggregate is called in the audit's actions (`case.seal`)."""
        self.key_field = key_field
        """The request's name for the aggregate's id, which a 409 on a taken id names."""

    @property
    def kind(self) -> str:
        return self.table.name

    def key(self, aggregate: A) -> str:
        """The aggregate's id, as its row keeps it."""
        return str(self.columns(aggregate)["id"])

    def district_of(self, aggregate: A) -> str:
        """The district an aggregate belongs to; `city` for one that concerns no district."""
        return str(self.columns(aggregate)["district"] or CITY)

    def subject_of(self, aggregate: A) -> str:
        """The subject of its events: the enterprise, or the aggregate itself if it has none."""
        return str(self.columns(aggregate)["uscc"] or self.key(aggregate))

    def bound(self, session: AsyncSession, now: datetime) -> Store[A]:
        """This repository within one unit of work (`UnitOfWork.store`)."""
        return Store(self, session, now)

    async def get(self, session: AsyncSession, id_: str, *, for_update: bool = True) -> A:
        query = select(self.table.c.doc, self.table.c.version).where(self.table.c.id == id_)
        row = (await session.execute(query.with_for_update() if for_update else query)).first()
        if row is None:
            raise NotFound(f"no {self.table.name[:-1]} {id_}", field="id")
        versions_of(session).load(self.kind, id_, row.version)
        return self.model.model_validate(row.doc)

    async def read(self, session: AsyncSession, id_: str, principal: Principal | None) -> A:
        """One aggregate by id for a reader: Forbidden outside the reader's district."""
        found = await self.get(session, id_, for_update=False)
        authorise_read(principal, self.columns(found)["district"])
        return found

    async def add(self, session: AsyncSession, aggregate: A, now: Any) -> None:
        """Insert a new aggregate; Conflict naming `key_field` when its id is taken, even by a
        concurrent request (an id the caller chose: a permit or licence number, an enterprise
        on a year's list)."""
        row = {**self._row(aggregate, now), "version": 1}
        statement = insert_new(self.table, tuple(row), returning=("id",))
        if (await session.execute(statement, row)).first() is None:
            what = self.noun.replace("_", " ")
            raise Conflict(f"{what} {row['id']} is already recorded", field=self.key_field)
        versions_of(session).save(self.kind, row["id"], 1)

    async def add_all(self, session: AsyncSession, aggregates: Sequence[A], now: Any) -> None:
        """Insert new aggregates, all in one round trip: ids the caller has made sure are new
        (an id already taken fails the transaction, with nothing written)."""
        rows = [{**self._row(a, now), "version": 1} for a in aggregates]
        if not rows:
            return
        await session.execute(insert_rows(self.table, tuple(rows[0])), rows)
        versions = versions_of(session)
        for row in rows:
            versions.save(self.kind, row["id"], 1)

    async def add_if_absent(self, session: AsyncSession, aggregate: A, now: Any) -> bool:
        """Add the aggregate unless one with its id exists (then False, and nothing written):
        one round trip where reading first would take two."""
        row = {**self._row(aggregate, now), "version": 1}
        statement = insert_new(self.table, tuple(row), returning=("version",), conflict=("id",))
        added = await session.scalar(statement, row)
        if added is None:
            return False
        versions_of(session).save(self.kind, row["id"], 1)
        return True

    async def save(self, session: AsyncSession, aggregate: A, now: Any) -> None:
        """Write back an aggregate loaded by `get` in this transaction, at the version loaded:
        a row another writer changed in between is a 409, never overwritten."""
        row = self._row(aggregate, now)
        versions = versions_of(session)
        loaded = versions.expected(self.kind, row["id"])
        query = update(self.table).where(self.table.c.id == row["id"])
        if loaded is not None:
            query = query.where(self.table.c.version == loaded)
        result = await session.execute(
            query.values({**row, "version": self.table.c.version + 1}).returning(
                self.table.c.version
            )
        )
        saved = result.scalar()
        if saved is None:
            if loaded is not None:
                raise stale_write(self.table.name[:-1], row["id"])
            raise NotFound(f"no {self.table.name[:-1]} {row['id']}", field="id")
        versions.save(self.kind, row["id"], saved)

    def _row(self, aggregate: A, now: Any) -> dict[str, Any]:
        return {
            **self.columns(aggregate),
            "updated_at": now,
            "doc": aggregate.model_dump(mode="json"),
        }

    def query(self, filters: Filters, principal: Principal | None) -> Select[Any]:
        """The aggregates under `filters`, within the reader's district (`scope`): a reader's
        list passes the caller; only a command's own lookup, already authorised, passes None."""
        t = self.table
        q = select(t.c.doc)
        if principal is not None and not principal.city_wide:
            q = q.where(t.c.district == principal.jurisdiction)
        for name in ("uscc", "district", "industry", "state"):
            value = getattr(filters, name)
            if value is not None:
                q = q.where(t.c[name] == value)
        if filters.overdue_as_of is not None:
            q = q.where(t.c.due_on < filters.overdue_as_of, t.c.state.in_(self.open_states))
        return q

    async def find(self, session: AsyncSession, filters: Filters) -> list[A]:
        """Every aggregate under `filters`, by id, read without taking it for change: a
        command's own lookup (already authorised), such as the cases an enterprise has open
        before it opens another. Every one, not a page of them."""
        rows = await session.execute(self.query(filters, None).order_by(self.table.c.id))
        return [self.model.model_validate(row.doc) for row in rows]

    async def page(
        self, session: AsyncSession, query: Select[Any], limit: int, offset: int
    ) -> tuple[list[A], int]:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.execute(
            query.order_by(self.table.c.effective_on.desc(), self.table.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [self.model.model_validate(r.doc) for r in rows], int(total or 0)


class Store(Generic[A]):
    """A repository bound to one unit of work: its session and its time.

    Commands reach their aggregates through `work.store(REPOSITORY)`, so the application layer
    can run on a fake unit of work whose stores keep aggregates in memory (`tests/fakes.py`).
    """

    def __init__(self, repository: Repository[A], session: AsyncSession, now: datetime) -> None:
        self.repository = repository
        self._session = session
        self._now = now

    async def get(self, id_: str) -> A:
        """The aggregate, its row locked to the end of the unit of work."""
        return await self.repository.get(self._session, id_)

    async def look(self, id_: str) -> A:
        """The aggregate as it stands, not taken for change (its row not locked)."""
        return await self.repository.get(self._session, id_, for_update=False)

    async def add(self, aggregate: A) -> None:
        await self.repository.add(self._session, aggregate, self._now)

    async def save(self, aggregate: A) -> None:
        await self.repository.save(self._session, aggregate, self._now)

    async def find(self, filters: Filters) -> list[A]:
        """Every aggregate under `filters`, by id (`Repository.find`)."""
        return await self.repository.find(self._session, filters)


async def page_of(
    repo: Repository[A], work: UnitOfWork, paging: PageParams, query: Select[Any]
) -> Page[A]:
    """One page of a query over a repository (`Repository.query`, narrowed further by a list's
    own conditions), newest first, with the total."""
    async with work:
        items, total = await repo.page(work.session, query, paging.limit, paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


async def list_page(
    repo: Repository[A], work: UnitOfWork, paging: PageParams, filters: Filters
) -> Page[A]:
    """One page of a repository's aggregates under `filters`, within the caller's jurisdiction."""
    return await page_of(repo, work, paging, repo.query(filters, work.principal))
