"""Exports as the bureaus exchange them: CSV and an xlsx workbook, in Chinese or English.

The exit list is laid out as the plan's lists are: one row per line or item, with the district,
the enterprise, its code, the industry, the equipment, the capacity and its unit, the legal basis
in words, the dates and the responsible agency, every code named (Chinese first, English equal).
A workbook sheet opens with a merged title and a line naming the report's scope and date, then
the heading row, frozen and filtered, columns sized to what they hold, numbers and dates formatted
as such. Sheets are written row by row by a small streaming writer (`xlsx`), so that a list of
a hundred thousand rows is written in seconds without holding a cell object per value.

Every cell of every export goes through `neutralise` (OWASP's CSV injection rule): a text that a
spreadsheet would read as a formula — starting with `=`, `+`, `-`, `@`, a tab or a carriage
return — is prefixed with a single quote, so an enterprise named `=HYPERLINK(…)` is shown as the
text it is and never run. In a workbook, text is stored as text (never as a formula or an error
code), numbers as numbers and dates as dates. Every CSV starts with a UTF-8 byte-order mark,
without which Excel on a Chinese Windows desktop reads it in the local code page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from openpyxl.utils import get_column_letter

from phaseout_aggregator.app import xlsx
from phaseout_aggregator.app.exit_list import ExitList, ExitRow
from phaseout_shared.reference import name_of
from phaseout_shared.writes import LEADS

Language = Literal["zh", "en"]
Kind = Literal["text", "int", "number", "date", "code"]


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its headings, its width in characters, and how its cells read."""

    zh: str
    en: str
    width: float
    kind: Kind = "text"

    def heading(self, lang: Language) -> str:
        return self.zh if lang == "zh" else self.en


EXIT_COLUMNS: Sequence[Column] = (
    Column("序号", "No.", 6, "int"),
    Column("所在区", "District", 14),
    Column("企业名称", "Enterprise", 32),
    Column("统一社会信用代码", "Unified social credit code", 22, "code"),
    Column("行业", "Industry", 12),
    Column("退出生产线或设备", "Line or equipment", 26),
    Column("产能", "Capacity", 14, "number"),
    Column("单位", "Unit", 12),
    Column("依据", "Legal basis", 60),
    Column("立案日期", "Case opened", 12, "date"),
    Column("验收或核实日期", "Verified on", 14, "date"),
    Column("状态", "Status", 10),
    Column("责任单位", "Responsible agency", 26),
)
TOTAL_COLUMNS: Sequence[Column] = (
    Column("行业", "Industry", 16),
    Column("单位", "Unit", 14),
    Column("合计产能", "Total capacity", 18, "number"),
    Column("项数", "Items", 8, "int"),
)
TITLE = {"zh": "依法关闭退出的落后产能企业清单", "en": "Backward capacity closed and exited by law"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """The cell as text that no spreadsheet runs: a quote before a formula's first character."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Rows as CSV lines, every cell neutralised, after a byte-order mark: streamable."""
    yield BOM
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def csv_text(rows: Iterable[Sequence[object]], lang: Language | None = None) -> str:
    """Rows as one CSV text with its byte-order mark (whatever the language)."""
    return "".join(csv_lines(rows))


def responsible(dimension: str, lang: Language) -> str:
    """The agencies that lead a dimension's work (`writes.LEADS`), named."""
    leads = next((a for d, a in LEADS.items() if d.value == dimension), frozenset())
    return ("、" if lang == "zh" else ", ").join(name_of(a, lang) for a in sorted(leads))


def exit_cells(n: int, row: ExitRow, lang: Language) -> list[object]:
    """One exit as the bureaus' list has it, every code named."""
    return [
        n,
        name_of(row.district, lang),
        row.name,
        row.uscc,
        name_of(row.industry, lang),
        row.item_name.of(lang),
        row.capacity_amount,
        row.unit_name.of(lang),
        row.basis.of(lang),
        row.opened_on,
        row.exited_on,
        row.status_name.of(lang),
        responsible(row.dimension, lang),
    ]


def exit_rows(exits: ExitList, lang: Language) -> Iterator[list[object]]:
    for n, row in enumerate(exits.rows, 1):
        yield exit_cells(n, row, lang)


def total_rows(exits: ExitList, lang: Language) -> Iterator[list[object]]:
    for t in exits.totals:
        yield [name_of(t.industry, lang), t.unit_name.of(lang), t.capacity_amount, t.items]


def headings(columns: Sequence[Column], lang: Language) -> list[str]:
    return [c.heading(lang) for c in columns]


def table(exits: ExitList, lang: Language) -> Iterator[list[object]]:
    """The list's heading and its numbered rows."""
    yield list(headings(EXIT_COLUMNS, lang))
    yield from exit_rows(exits, lang)


def to_csv(exits: ExitList, lang: Language) -> str:
    return csv_text(table(exits, lang))


# ---------------------------------------------------------------- workbooks

STYLE_OF: dict[Kind, int] = {
    "int": xlsx.INTEGER,
    "number": xlsx.DECIMAL,
    "date": xlsx.DATE,
    "code": xlsx.TEXT,
    "text": 0,
}


class Book:
    """A workbook being written: sheets one after another, then `saved()`."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.writer = xlsx.Workbook(self.out)

    def saved(self) -> bytes:
        self.writer.close()
        return self.out.getvalue()


class Sheet:
    """A sheet in the bureaus' layout: title, scope and date, frozen heading, filter, widths."""

    def __init__(
        self,
        book: Book,
        name: str,
        columns: Sequence[Column],
        lang: Language,
        *,
        title: str | None = None,
        subtitle: str | None = None,
    ) -> None:
        self.writer = book.writer
        self.columns = columns
        last = get_column_letter(len(columns))
        lines = ((title, xlsx.TITLE), (subtitle, xlsx.SUBTITLE))
        above = [(line, style) for line, style in lines if line is not None]
        self.heading_row = len(above) + 1
        self.spec = xlsx.SheetSpec(
            name=name,
            widths=[c.width for c in columns],
            frozen_rows=self.heading_row,
            merged=[f"A{n}:{last}{n}" for n in range(1, self.heading_row)],
        )
        self.writer.sheet(self.spec)
        for line, style in above:
            self.writer.row([str(neutralise(line))], [style])
        self.writer.row(headings(columns, lang), [xlsx.HEADING] * len(columns))
        self._styles = [STYLE_OF[c.kind] for c in columns]
        self._kinds = [c.kind for c in columns]

    def append(self, values: Sequence[object]) -> None:
        """A row: text neutralised and stored as text, numbers as numbers, dates as dates."""
        self.writer.row(
            [_typed(v, k) for v, k in zip(values, self._kinds, strict=True)], self._styles
        )

    def close(self) -> None:
        """The filter over the heading and every row."""
        last = get_column_letter(len(self.columns))
        self.spec.autofilter = f"A{self.heading_row}:{last}{self.writer.rows}"


def _typed(value: object, kind: Kind) -> xlsx.Value:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float | date):
        return value
    if kind == "code":
        return str(value)
    return str(neutralise(str(value)))


def workbook() -> Book:
    return Book()


def saved(book: Book) -> bytes:
    return book.saved()


def scope_line(lang: Language, as_of: date, scope: Sequence[str]) -> str:
    """The line under a title: what the report covers and the date it is as of."""
    covered = ("、" if lang == "zh" else ", ").join(scope) or (
        "全市" if lang == "zh" else "City-wide"
    )
    if lang == "zh":
        return f"范围：{covered}    截至：{as_of.isoformat()}"
    return f"Scope: {covered}    As of: {as_of.isoformat()}"


def fill(sheet: Sheet, rows: Iterable[Sequence[object]]) -> Sheet:
    for row in rows:
        sheet.append(row)
    sheet.close()
    return sheet


def exit_sheets(
    book: Book, exits: ExitList, lang: Language, scope: Sequence[str], title: str | None = None
) -> None:
    """The exit list and its totals per industry and unit, each a sheet of its own."""
    line = scope_line(lang, exits.as_of, scope)
    listed = Sheet(
        book,
        "退出清单" if lang == "zh" else "Exit list",
        EXIT_COLUMNS,
        lang,
        title=title or TITLE[lang],
        subtitle=line,
    )
    fill(listed, exit_rows(exits, lang))
    totals = Sheet(
        book,
        "合计" if lang == "zh" else "Totals",
        TOTAL_COLUMNS,
        lang,
        title=("按行业合计（仅已退出）" if lang == "zh" else "Totals per industry (exited only)"),
        subtitle=line,
    )
    fill(totals, total_rows(exits, lang))


def to_xlsx(exits: ExitList, lang: Language, scope: Sequence[str] = ()) -> bytes:
    book = workbook()
    exit_sheets(book, exits, lang, scope)
    return saved(book)
