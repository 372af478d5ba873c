"""Exports as a bureau files them: CSV and an xlsx workbook, headed in Chinese or English."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font

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


def to_csv(exits: ExitList, lang: Language) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号" if lang == "zh" else "No.", *_headings(lang)])
    for n, cells in enumerate(_cells(exits, lang), 1):
        writer.writerow([n, *cells])
    return out.getvalue()


def to_xlsx(exits: ExitList, lang: Language) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "退出清单" if lang == "zh" else "Exit list"
    sheet.append([f"{TITLE[lang]} ({exits.as_of.isoformat()})"])
    sheet.append(["序号" if lang == "zh" else "No.", *_headings(lang)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for n, cells in enumerate(_cells(exits, lang), 1):
        sheet.append([n, *(float(c) if isinstance(c, Decimal) else c for c in cells)])
    totals = book.create_sheet("合计" if lang == "zh" else "Totals")
    totals.append(list(TOTALS[lang]))
    for t in exits.totals:
        industry = NAMES_ZH[t.industry] if lang == "zh" else t.industry
        totals.append([industry, t.capacity_unit, float(t.capacity_amount), t.items])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
