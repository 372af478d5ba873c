"""Reading the projections as of a date: the latest state of each case and each exit.

A case's acts never precede its last one, so its latest row is its latest effective date; of
two rows on one day, the one with the greater sequence (committed later by the agency).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Subquery,
    Table,
    any_,
    bindparam,
    case,
    func,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import case_current, case_events, exit_current, exit_events
from phaseout_aggregator.app.access import Scope
from phaseout_shared.contracts.base import Stage
from phaseout_shared.contracts.stages import stage_of

AS_OF = bindparam("as_of", type_=Date())
FIRST_DAY = bindparam("first_day", type_=Date())
LAST_DAY = bindparam("last_day", type_=Date())
STATUS = bindparam("status", type_=String())
LIMIT = bindparam("limit", type_=Integer())
OFFSET = bindparam("offset", type_=Integer())
"""The values a read changes from call to call, bound when it runs. Its statements are built
once for each shape (which filters it has, and the caller's scope, of which there are a few
dozen) and kept: building a statement of subqueries anew cost SQLAlchemy more than running it
(it derives every subquery's columns and the statement's cache key each time)."""


@dataclass(frozen=True)
class Where:
    """Filters shared by the city-wide lists."""

    uscc: str | None = None
    district: str | None = None
    industry: str | None = None
    dimension: str | None = None


def latest_first(
    table: Table, partition: list[ColumnElement[Any]], on: ColumnElement[Any]
) -> ColumnElement[int]:
    """Each row's place among its partition's rows, latest first: the latest date `on`, then of
    one day the greatest sequence (committed later by its agency; rows without one, older,
    after), then the one recorded last. The row numbered 1 is the partition's state."""
    return func.row_number().over(
        partition_by=partition,
        order_by=[on.desc(), table.c.sequence.desc().nulls_last(), table.c.recorded_at.desc()],
    )


class Bound(NamedTuple):
    """A read's statement, built once for its shape, and this call's values."""

    query: Subquery
    params: dict[str, Any]


def _filters(as_of: date, scope: Scope, where: Where) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Which of the rows' columns a read filters on, and the values: `where`'s, the district
    the caller's scope confines it to, and the day."""
    values = {
        "uscc": where.uscc,
        "district": where.district or scope.district,
        "industry": where.industry,
        "dimension": where.dimension,
    }
    given = {name: str(value) for name, value in values.items() if value is not None}
    return tuple(given), {"as_of": as_of, **given}


def _in_scope(
    q: Select[Any], table: Table, dimensions: frozenset[str] | None, filters: tuple[str, ...]
) -> Select[Any]:
    """`q` narrowed to the dimensions given (None: all) and to the bound filters' values."""
    if dimensions is not None:
        q = q.where(table.c.dimension.in_(sorted(dimensions)))
    for name in filters:
        q = q.where(table.c[name] == bindparam(name, type_=String()))
    return q


@functools.cache
def _latest(
    table: Table,
    dimensions: frozenset[str] | None,
    filters: tuple[str, ...],
    exited_in_year: bool = False,
    later_than_kept: bool = False,
) -> Subquery:
    """Each case's rows up to the day, ranked latest first, with the day it opened; with
    `exited_in_year`, only the cases with an exit in the year (a case's every row is kept, so
    its rank and opening day are as without it); with `later_than_kept`, only the cases whose
    kept latest row (`KEPT`) took effect after the day."""
    rank = latest_first(table, [table.c.dimension, table.c.case_id], table.c.effective_on)
    first = func.min(table.c.effective_on).over(partition_by=[table.c.dimension, table.c.case_id])
    q = select(table, rank.label("rank"), first.label("opened_on")).where(
        table.c.effective_on <= AS_OF
    )
    q = _in_scope(q, table, dimensions, filters)
    if exited_in_year:
        q = q.where(tuple_(table.c.dimension, table.c.case_id).in_(_exited_in_year(q, table)))
    if later_than_kept:
        kept = KEPT[table]
        later = _in_scope(select(kept.c.dimension, kept.c.case_id), kept, dimensions, filters)
        q = q.where(
            tuple_(table.c.dimension, table.c.case_id).in_(later.where(kept.c.effective_on > AS_OF))
        )
    return q.subquery()


KEPT = {case_events: case_current, exit_events: exit_current}
"""Each history's table of its cases' latest rows, kept by a trigger as the rows are written."""


def _kept(table: Table, dimensions: frozenset[str] | None, filters: tuple[str, ...]) -> Select[Any]:
    """The cases' kept latest rows that took effect by the day, in the columns of the ranked
    rows (`_latest`, rank 1)."""
    kept = KEPT[table].c
    q = select(
        *(kept[c.name] for c in table.columns), literal(1).label("rank"), kept.opened_on
    ).where(kept.effective_on <= AS_OF)
    return _in_scope(q, KEPT[table], dimensions, filters)


@functools.cache
def _current_cases(dimensions: frozenset[str] | None, filters: tuple[str, ...]) -> Subquery:
    """Each case in scope at its state on the day: its kept latest row when that row took
    effect by then, else its rows ranked (only the cases with a later row: none, as of
    today)."""
    ranked = _latest(case_events, dimensions, filters, later_than_kept=True)
    return union_all(
        _kept(case_events, dimensions, filters), select(ranked).where(ranked.c.rank == 1)
    ).subquery("current_cases")


def _exited_in_year(cases: Select[Any], table: Table) -> Select[Any]:
    """The cases, among those `cases` reads, with an exit in the year: only they can be on the
    year's list (an item's exit date is an exit's), and the other years' cases need not be
    ranked (at a million enterprises, two thirds of a district's)."""
    exited = table.c.status == "exited"
    in_year = table.c.effective_on.between(FIRST_DAY, LAST_DAY)
    found = cases.with_only_columns(table.c.dimension, table.c.case_id).where(exited, in_year)
    return found.correlate(None)


@functools.cache
def _cases(dimensions: frozenset[str] | None, filters: tuple[str, ...]) -> Select[Any]:
    current = _current_cases(dimensions, filters)
    return select(current).order_by(current.c.opened_on, current.c.case_id)


async def cases_as_of(
    session: AsyncSession, as_of: date, scope: Scope, where: Where = Where()
) -> list[dict[str, Any]]:
    """Every case in scope at its state on `as_of`, with `overdue` judged on that day."""
    filters, params = _filters(as_of, scope, where)
    rows = await session.execute(_cases(scope.dimensions, filters), params)
    return [_with_overdue(dict(r._mapping), as_of) for r in rows]


def _with_overdue(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    late = row["deadline"] is not None and row["deadline"] < as_of
    row["open"], row["overdue"] = _judged(row["dimension"], row["state"], late)
    return row


def _judged(dimension: str, state: str, late: bool) -> tuple[bool, bool]:
    """Whether a case in `state` is open, and overdue (its stage says so, or it is open and
    its deadline has passed)."""
    stage = stage_of(dimension, state)
    return stage.open, stage.open and (stage is Stage.OVERDUE or late)


def current_exits(
    as_of: date,
    scope: Scope,
    where: Where = Where(),
    *,
    year: int | None = None,
    status: str | None = None,
) -> Bound:
    """Capacity on the exit list on `as_of`, one row per exit with its `exited_on` (a revived
    item's is its last exit before the revival), narrowed to the exits of `year` (by
    `exited_on`) and to `status`: the query a count and the totals are taken of."""
    shape, params = _exits_shape(as_of, scope, where, year, status)
    return Bound(_current_exits(shape), params)


ExitsShape = tuple[frozenset[str] | None, tuple[str, ...], bool, bool]
"""The dimensions in scope, the filters given, whether narrowed to a year, and to a status."""


def _exits_shape(
    as_of: date, scope: Scope, where: Where, year: int | None, status: str | None
) -> tuple[ExitsShape, dict[str, Any]]:
    filters, params = _filters(as_of, scope, where)
    if year is not None:
        params.update(first_day=date(year, 1, 1), last_day=date(year, 12, 31))
    if status is not None:
        params["status"] = status
    return (scope.dimensions, filters, year is not None, status is not None), params


@functools.cache
def _sources(shape: ExitsShape) -> tuple[Select[Any], ...]:
    """Where an exit's state on the day comes from: its kept latest row (`exit_current`) when
    that row took effect by then, else its rows ranked (only the exits with a later row: none,
    as of today); each narrowed to the year's exits and to the status."""
    dimensions, filters, of_year, of_status = shape
    sources = []
    for source in (_kept_exits(dimensions, filters), _ranked_exits(dimensions, filters, of_year)):
        sub = source.subquery()
        q = select(sub)
        if of_year:
            # The state's day is never before its last exit: the range an index on the day
            # is read from.
            q = q.where(
                sub.c.exited_on.between(FIRST_DAY, LAST_DAY), sub.c.effective_on >= FIRST_DAY
            )
        if of_status:
            q = q.where(sub.c.status == STATUS)
        sources.append(q)
    return tuple(sources)


@functools.cache
def _current_exits(shape: ExitsShape) -> Subquery:
    return union_all(*_sources(shape)).subquery("current_exits")


@functools.cache
def _exit_page(shape: ExitsShape, paged: bool) -> Select[Any]:
    """The list's rows in its order, from `OFFSET`, with `paged` `LIMIT` of them: each source's
    first rows up to the page's end in that order, then the page of those, so that a source
    is read in the list's order (an index on the day) and stops at the page's end rather than
    have all its rows sorted."""
    if not paged:
        current = _current_exits(shape)
        return select(current).order_by(current.c.effective_on, current.c.case_id).offset(OFFSET)
    tops = [
        q.order_by(q.selected_columns.effective_on, q.selected_columns.case_id).limit(
            LIMIT + OFFSET
        )
        for q in _sources(shape)
    ]
    page = union_all(*tops).subquery("exit_page")
    return select(page).order_by(page.c.effective_on, page.c.case_id).limit(LIMIT).offset(OFFSET)


def _kept_exits(dimensions: frozenset[str] | None, filters: tuple[str, ...]) -> Select[Any]:
    return _kept(exit_events, dimensions, filters).add_columns(exit_current.c.exited_on)


def _ranked_exits(
    dimensions: frozenset[str] | None, filters: tuple[str, ...], of_year: bool
) -> Select[Any]:
    sub = _latest(exit_events, dimensions, filters, exited_in_year=of_year, later_than_kept=True)
    before = exit_events.alias("before")
    last_exit = (
        select(func.max(before.c.effective_on))
        .where(
            before.c.dimension == sub.c.dimension,
            before.c.case_id == sub.c.case_id,
            before.c.status == "exited",
            before.c.effective_on <= AS_OF,
        )
        .scalar_subquery()
    )
    exited_on = case((sub.c.status == "exited", sub.c.effective_on), else_=last_exit)
    q = select(sub, exited_on.label("exited_on")).where(sub.c.rank == 1)
    if of_year:
        # an exit of another year is left out before its exit date is looked up
        q = q.where((sub.c.status != "exited") | sub.c.effective_on.between(FIRST_DAY, LAST_DAY))
    return q


@functools.cache
def _case_counts(dimensions: frozenset[str] | None, filters: tuple[str, ...]) -> Select[Any]:
    current = _current_cases(dimensions, filters)
    late = func.coalesce(current.c.deadline < AS_OF, False)
    return select(
        current.c.district, current.c.dimension, current.c.state, late, func.count()
    ).group_by(current.c.district, current.c.dimension, current.c.state, late)


async def case_counts(
    session: AsyncSession, as_of: date, scope: Scope
) -> dict[tuple[str, str], tuple[int, int]]:
    """Per district and dimension, the cases open on `as_of` and those of them overdue, judged
    as `cases_as_of` judges each case, counted in SQL by state (and whether the deadline is
    past) rather than case by case."""
    filters, params = _filters(as_of, scope, Where())
    found = await session.execute(_case_counts(scope.dimensions, filters), params)
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for district, dimension, state, past, n in found.tuples():
        is_open, is_overdue = _judged(dimension, state, past)
        opened, overdue = counts.get((district, dimension), (0, 0))
        counts[(district, dimension)] = (opened + n * is_open, overdue + n * is_overdue)
    return counts


@functools.cache
def _exit_counts(current: Subquery) -> Select[Any]:
    return select(current.c.district, current.c.dimension, func.count()).group_by(
        current.c.district, current.c.dimension
    )


async def exit_counts(
    session: AsyncSession, as_of: date, scope: Scope
) -> dict[tuple[str, str], int]:
    """Per district and dimension, the items on the exit list on `as_of` that have exited (not
    revived)."""
    current, params = current_exits(as_of, scope, status="exited")
    found = await session.execute(_exit_counts(current), params)
    return {(d, dim): n for d, dim, n in found.tuples()}


async def exits_as_of(
    session: AsyncSession,
    as_of: date,
    scope: Scope,
    where: Where = Where(),
    *,
    year: int | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The rows of `current_exits` in the list's order (by date, then case), each with the day
    its case opened."""
    page = await page_of_exits(session, as_of, scope, where, year=year, status=status)
    return page.rows


Sum = tuple[str, str, Decimal, int]
"""Capacity that exited (revived items left out) per industry and capacity unit: the industry,
the unit, the amount and the number of items."""


class Page(NamedTuple):
    """A page of the exit list, how many rows the whole list has, and, if asked for, the whole
    list's sums."""

    rows: list[dict[str, Any]]
    listed: int
    sums: list[Sum]


@functools.cache
def _totals(shape: ExitsShape) -> Select[Any]:
    """The whole list's rows and its sums, per industry and capacity unit (a group's count of
    rows, then its exited items' amount and count): of each source only the columns summed,
    which an index can give without the rows."""
    columns = ("industry", "capacity_unit", "status", "capacity_amount")
    narrow = [
        q.with_only_columns(*(q.selected_columns[c] for c in columns)) for q in _sources(shape)
    ]
    listed = union_all(*narrow).subquery("listed")
    exited = listed.c.status == "exited"
    return select(
        listed.c.industry,
        listed.c.capacity_unit,
        func.count(),
        func.coalesce(func.sum(listed.c.capacity_amount).filter(exited), 0),
        func.count().filter(exited),
    ).group_by(listed.c.industry, listed.c.capacity_unit)


def _summed(rows: list[dict[str, Any]]) -> list[Sum]:
    """The sums of a whole list read: its exited items per industry and capacity unit."""
    sums: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for row in rows:
        if row["status"] == "exited":
            key = (row["industry"], row["capacity_unit"])
            amount, n = sums.get(key, (Decimal(0), 0))
            sums[key] = (amount + row["capacity_amount"], n + 1)
    return [(i, u, amount, n) for (i, u), (amount, n) in sums.items()]


async def page_of_exits(
    session: AsyncSession,
    as_of: date,
    scope: Scope,
    where: Where = Where(),
    *,
    year: int | None = None,
    status: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    with_sums: bool = False,
) -> Page:
    """A page of `exits_as_of` (from `offset`, `limit` rows), how many rows the whole list has,
    and with `with_sums` its sums. The page is read in the list's order and stops at its
    last row; the whole list's length and sums are one grouped count, not its rows (unless
    the rows read are the whole list)."""
    shape, params = _exits_shape(as_of, scope, where, year, status)
    found = await session.execute(
        _exit_page(shape, limit is not None), {**params, "limit": limit, "offset": offset}
    )
    exits = [dict(r._mapping) for r in found]
    sums: list[Sum] = []
    if limit is None and offset == 0:
        listed, sums = len(exits), _summed(exits) if with_sums else []
    else:
        groups = (await session.execute(_totals(shape), params)).tuples().all()
        listed = sum(n for _, _, n, _, _ in groups)
        if with_sums:
            sums = [(i, u, Decimal(amount), n) for i, u, _, amount, n in groups if n]
    opened = await _opened_on(session, {(row["dimension"], row["case_id"]) for row in exits})
    for row in exits:
        row["opened_on"] = opened.get((row["dimension"], row["case_id"]))
    return Page(exits, listed, sorted(sums))


OPENED_ON = (
    select(case_events.c.dimension, case_events.c.case_id, func.min(case_events.c.effective_on))
    .where(
        case_events.c.dimension == any_(bindparam("dimensions", type_=ARRAY(String))),
        case_events.c.case_id == any_(bindparam("case_ids", type_=ARRAY(String))),
    )
    .group_by(case_events.c.dimension, case_events.c.case_id)
)
"""Built once, with two array parameters however many cases (not one parameter per case). The
dimensions come first, as in the index on (dimension, case_id, effective_on): by the case id
alone, the index cannot be used and every call read the whole table."""


async def _opened_on(
    session: AsyncSession, cases: set[tuple[str, str]]
) -> dict[tuple[str, str], date]:
    """When each case (dimension, case id) opened: its first event in the case history."""
    if not cases:
        return {}
    dimensions, case_ids = sorted({d for d, _ in cases}), sorted({c for _, c in cases})
    rows = await session.execute(OPENED_ON, {"dimensions": dimensions, "case_ids": case_ids})
    return {(d, c): on for d, c, on in rows.tuples()}
