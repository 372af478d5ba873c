"""The two feeds as files: the grid company's electricity readings and the tax bureau's invoices.

A file is CSV (UTF-8, with or without a byte-order mark, or GB 18030 as Chinese desktop software
writes it) or an xlsx workbook (its first sheet), with a header row naming the columns. Every
row is checked here, and every problem is reported with its line (the header is line 1) and
column: a file with one bad row loads nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, NamedTuple

from phaseout_shared.reference import District, InvalidUSCC, validate_uscc


class Feed(StrEnum):
    ELECTRICITY = "electricity"
    INVOICES = "invoices"


COLUMNS: dict[Feed, tuple[str, ...]] = {
    Feed.ELECTRICITY: ("uscc", "account", "address", "district", "period", "kwh", "max_demand_kw"),
    Feed.INVOICES: ("uscc", "district", "period", "category", "amount_yuan", "tonnes"),
}
"""The columns each feed's file must have, in any order; `correction_reason` is optional."""
OPTIONAL = ("correction_reason",)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_AMOUNT = Decimal("1e13")
CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
PERIOD = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
DISTRICTS = frozenset(d.value for d in District)


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def item(self) -> dict[str, Any]:
        """As a 4xx body's item: the field names the line and the column."""
        return {
            "field": f"line {self.line}, column {self.column}",
            "reason": self.reason,
            "rule": "feed.row",
            "line": self.line,
            "column": self.column,
        }


class Rejected(Exception):
    """The file has problems: nothing of it is loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


class Reading(NamedTuple):
    """A checked row of the grid company's file; its fields in the order of its checks
    (`CHECKS`), so that a row is made from its checked cells as they come."""

    line: int
    uscc: str
    district: str
    period: date
    correction_reason: str | None
    account: str
    address: str
    kwh: Decimal
    max_demand_kw: Decimal


class Invoice(NamedTuple):
    """A checked row of the tax bureau's file, its fields in the order of `CHECKS`."""

    line: int
    uscc: str
    district: str
    period: date
    correction_reason: str | None
    category: str
    amount_yuan: Decimal
    tonnes: Decimal


Row = Reading | Invoice


def parse(feed: Feed, content: bytes, content_type: str) -> list[Row]:
    """The file's rows, checked; `Rejected` with every problem found (line and column)."""
    if not content:
        raise Rejected([Problem(1, "body", "the file is empty")])
    if content_type.split(";")[0].strip().lower() == XLSX or content[:2] == b"PK":
        table = _xlsx(content)
    else:
        table = _csv(content)
    header = next(table, None)
    if header is None:
        raise Rejected([Problem(1, "header", "the file has no header row")])
    names = [str(c or "").strip().lower() for c in header[1]]
    problems = _check_header(feed, names)
    if problems:
        raise Rejected(problems)
    rows: list[Row] = []
    check = _Checker(feed, names)
    width = len(names)
    for line, cells in table:
        if (not cells or cells[0] in (None, "")) and all(c in (None, "") for c in cells):
            continue
        if len(cells) > width:
            problems.append(
                Problem(line, "row", f"{len(cells)} cells, the header has {len(names)}")
            )
            continue
        row, found = check.row(line, cells)
        problems += found
        if row is not None:
            rows.append(row)
    if problems:
        raise Rejected(problems)
    if not rows:
        raise Rejected([Problem(2, "row", "the file has a header but no rows")])
    return rows


def _check_header(feed: Feed, names: list[str]) -> list[Problem]:
    problems = [
        Problem(1, name, "unknown column")
        for name in names
        if name not in COLUMNS[feed] and name not in OPTIONAL
    ]
    problems += [
        Problem(1, name, "required column missing") for name in COLUMNS[feed] if name not in names
    ]
    problems += [
        Problem(1, n, "column named twice")
        for n in sorted({n for n in names if names.count(n) > 1})
    ]
    return problems


def _csv(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise Rejected([Problem(1, "body", "neither UTF-8 nor GB 18030 text")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        start = 1
        for cells in reader:
            yield start, list(cells)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise Rejected([Problem(reader.line_num, "row", f"not CSV: {exc}")]) from None


def _xlsx(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Rejected([Problem(1, "body", f"not an xlsx workbook: {exc}")]) from None
    sheet = book.worksheets[0]
    for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield index, list(row)


class _Checker:
    """Checks a file's rows cell by cell, in the columns' order of `CHECKS`, every problem with
    its line and column. A text cell of a column whose values repeat down a file (an account's
    code, district, address, month) is checked once per distinct value: the check is a function
    of the text alone, so its next occurrences take the same result (a refused value is checked
    again each time, so that each of its lines is reported)."""

    def __init__(self, feed: Feed, names: list[str]) -> None:
        self.kind: Callable[..., Row] = Reading if feed is Feed.ELECTRICITY else Invoice
        self.checks: list[tuple[str, int | None, Callable[[Any], Any], dict[str, Any] | None]] = [
            (
                column,
                names.index(column) if column in names else None,
                convert,
                {} if column in REPEAT else None,
            )
            for column, convert in CHECKS[feed]
        ]

    def row(self, line: int, cells: list[Any]) -> tuple[Row | None, list[Problem]]:
        values: list[Any] = [line]
        problems: list[Problem] = []
        width = len(cells)
        for column, at, convert, seen in self.checks:
            value = cells[at] if at is not None and at < width else None
            if seen is not None and type(value) is str:
                found = seen.get(value, _UNSEEN)
                if found is _UNSEEN:
                    try:
                        seen[value] = found = convert(value)
                    except ValueError as exc:
                        problems.append(Problem(line, column, str(exc)))
                        continue
                values.append(found)
                continue
            try:
                values.append(convert(value))
            except ValueError as exc:
                problems.append(Problem(line, column, str(exc)))
        if problems:
            return None, problems
        return self.kind(*values), []


_UNSEEN = object()


def _present(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValueError("required, and empty")
    return text


def _uscc(value: Any) -> str:
    try:
        return validate_uscc(_present(value))
    except InvalidUSCC as exc:
        raise ValueError(f"not a unified social credit code: {exc}") from None


def _district(value: Any) -> str:
    text = _present(value)
    if text not in DISTRICTS:
        raise ValueError(f"{text[:40]!r} is not a district of the city")
    return text


def _period(value: Any) -> date:
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        if day.day != 1:
            raise ValueError("a monthly period is the first day of its month")
        found = day
    else:
        text = _present(value)
        matched = PERIOD.match(text)
        if matched is None:
            raise ValueError(f"{text[:40]!r} is not a month (YYYY-MM)")
        year, mon = int(matched[1]), int(matched[2])
        if not 1 <= mon <= 12:
            raise ValueError(f"{text[:40]!r} is not a month (YYYY-MM)")
        found = date(year, mon, 1)
    if not date(2000, 1, 1) <= found <= date(2100, 12, 1):
        raise ValueError("the period must lie between 2000-01 and 2100-12")
    return found


def _amount(value: Any) -> Decimal:
    text = _present(value)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{text[:40]!r} is not a number") from None
    if not number.is_finite() or number < 0 or number >= MAX_AMOUNT:
        raise ValueError(f"{text[:40]!r} must be a number from 0 to under 10^13")
    return number


def _text(limit: int) -> Any:
    def convert(value: Any) -> str:
        text = _present(value)
        if len(text) > limit or "\x00" in text:
            raise ValueError(f"at most {limit} characters, no NUL")
        return text

    return convert


def _category(value: Any) -> str:
    text = _present(value)
    if not CATEGORY.match(text):
        raise ValueError(f"{text[:40]!r} is not a product category code (e.g. steel_rebar)")
    return text


def _optional_text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    if len(text) > 2000 or "\x00" in text:
        raise ValueError("at most 2,000 characters, no NUL")
    return text or None


CHECKS: dict[Feed, tuple[tuple[str, Callable[[Any], Any]], ...]] = {
    Feed.ELECTRICITY: (
        ("uscc", _uscc),
        ("district", _district),
        ("period", _period),
        ("correction_reason", _optional_text),
        ("account", _text(64)),
        ("address", _text(200)),
        ("kwh", _amount),
        ("max_demand_kw", _amount),
    ),
    Feed.INVOICES: (
        ("uscc", _uscc),
        ("district", _district),
        ("period", _period),
        ("correction_reason", _optional_text),
        ("category", _category),
        ("amount_yuan", _amount),
        ("tonnes", _amount),
    ),
}
"""Each feed's checks, in the order a row's problems are reported."""
REPEAT = frozenset({"uscc", "district", "period", "correction_reason", "account", "address"})
"""The columns whose values repeat down a file: each distinct text is checked once."""
