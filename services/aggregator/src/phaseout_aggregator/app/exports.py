"""Exports as a bureau files them: CSV and an xlsx workbook, headed in Chinese or English.

Every cell of every export goes through `neutralise` (OWASP's CSV injection rule): a text that a
spreadsheet would read as a formula — starting with `=`, `+`, `-`, `@`, a tab or a carriage
return — is prefixed with a single quote, so an enterprise named `=HYPERLINK(…)` is shown as the
text it is and never run. In a workbook, text is stored as text (never as a formula or an error
code), numbers as numbers and dates as dates. The Chinese CSV starts with a UTF-8 byte-order mark,
without which Excel on a Chinese Windows desktop reads it in the local code page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from phaseout_aggregator.app.exit_list import ExitList
from phaseout_shared.reference import NAMES_ZH

Language = Literal["zh", "en"]

COLUMNS: Sequence[tuple[str, str, str]] = (
    ("uscc", "统一社会信用代码", "Unified social credit code"),
    ("name", "企业名称", "Enterprise"),
    ("district", "所在区", "District"),
    ("industry", "行业", "Industry"),
    ("dimension", "监管领域", "Dimension"),
    ("item", "退出生产线或设备", "Line or equipment"),
    ("capacity_amount", "产能", "Capacity"),
    ("capacity_unit", "单位", "Unit"),
    ("legal_basis", "依据", "Legal basis"),
    ("opened_on", "立案日期", "Case opened"),
    ("exited_on", "验收或核实日期", "Verified on"),
    ("status", "状态", "Status"),
)
TITLE = {"zh": "依法关闭退出的落后产能企业清单", "en": "Backward capacity closed and exited by law"}
TOTALS = {
    "zh": ("行业", "单位", "合计产能", "项数"),
    "en": ("Industry", "Unit", "Total capacity", "Items"),
}
CODED = {"district", "industry", "dimension"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """The cell as text that no spreadsheet runs: a quote before a formula's first character."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]], lang: Language) -> str:
    """Rows as CSV, every cell neutralised; the Chinese one with a byte-order mark."""
    out = io.StringIO()
    if lang == "zh":
        out.write(BOM)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def append(sheet: Worksheet, row: Sequence[object]) -> None:
    """A row at the end of the sheet: text neutralised and stored as text, numbers as numbers."""
    sheet.append([float(v) if isinstance(v, Decimal) else neutralise(v) for v in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _cells(exits: ExitList, lang: Language) -> list[list[object]]:
    rows = []
    for row in exits.rows:
        values = row.model_dump()
        rows.append(
            [
                NAMES_ZH.get(values[key], values[key])
                if lang == "zh" and key in CODED
                else values[key]
                for key, _, _ in COLUMNS
            ]
        )
    return rows


def _headings(lang: Language) -> list[str]:
    return [zh if lang == "zh" else en for _, zh, en in COLUMNS]


def table(exits: ExitList, lang: Language) -> list[list[object]]:
    """The list's heading and its numbered rows."""
    return [
        ["序号" if lang == "zh" else "No.", *_headings(lang)],
        *([n, *cells] for n, cells in enumerate(_cells(exits, lang), 1)),
    ]


def to_csv(exits: ExitList, lang: Language) -> str:
    return csv_text(table(exits, lang), lang)


def to_xlsx(exits: ExitList, lang: Language) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "退出清单" if lang == "zh" else "Exit list"
    append(sheet, [f"{TITLE[lang]} ({exits.as_of.isoformat()})"])
    for row in table(exits, lang):
        append(sheet, row)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    totals = book.create_sheet("合计" if lang == "zh" else "Totals")
    append(totals, TOTALS[lang])
    for t in exits.totals:
        industry = NAMES_ZH[t.industry] if lang == "zh" else t.industry
        append(totals, [industry, t.capacity_unit, t.capacity_amount, t.items])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
