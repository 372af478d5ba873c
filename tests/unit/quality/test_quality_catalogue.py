"""Table 3 and the quality measures as data: every row and measure quotes the plan; bad data is
refused when the catalogue loads."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from phaseout_quality.domain.catalogue import (
    CATALOGUE_FILE,
    MEASURES_APPLIED,
    Catalogue,
    Row,
    table3,
)
from phaseout_shared.reference import Dimension, Industry

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_643c4c816dc8f849.txt"
OUTSIDE_THE_LAW = {Industry.COPPER_SMELTING, Industry.LEAD_SMELTING, Industry.SMALL_THERMAL_POWER}
PLAN_ORDER = list(Industry)
"""Table 3 lists the twelve industries in the order of the vocabulary."""


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def plan_text() -> str:
    if not SEED.exists():
        pytest.skip("the plan's text is not beside this checkout")
    return _compact(SEED.read_text(encoding="utf-8"))


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return data


def test_the_catalogue_is_versioned_and_names_its_source() -> None:
    catalogue = table3()
    assert catalogue.version == "2019.1"
    assert "表 3" in catalogue.title_zh
    assert "76 号" in catalogue.document
    assert catalogue.law_zh == "产品质量法"


@pytest.mark.parametrize("row", table3().rows, ids=lambda r: r.id)
def test_every_row_quotes_the_plan_in_its_place(row: Row) -> None:
    assert _compact(row.wording_zh) in plan_text()
    assert row.row == PLAN_ORDER.index(row.industry) + 1
    assert row.id == f"T3-{row.industry.value.replace('_', '-')}"
    assert row.wording_en


@pytest.mark.parametrize("row", table3().rows, ids=lambda r: r.id)
def test_every_row_says_whether_the_law_reaches_it(row: Row) -> None:
    if row.industry in OUTSIDE_THE_LAW:
        assert not row.applicable
        assert "不属于《产品质量法》调整的范围" in row.wording_zh
        assert set(row.covered_by) == {
            Dimension.ENERGY,
            Dimension.ENVIRONMENT,
            Dimension.SAFETY,
            Dimension.TECHNOLOGY,
        }
        assert row.products_zh is None
    else:
        assert row.applicable and row.covered_by == ()
        assert row.products_zh is not None and row.products_zh in row.wording_zh


@pytest.mark.parametrize("measure_id", MEASURES_APPLIED)
def test_every_measure_applied_quotes_the_plans_quality_section(measure_id: str) -> None:
    measure = table3().measure(measure_id)
    assert _compact(measure.wording_zh) in plan_text()
    assert measure.source == "二（三）"
    assert measure_id in table3().cite(measure_id)


def test_a_citation_names_the_rule_and_the_version() -> None:
    assert table3().cite("Q-stop-and-rectify") == (
        "对产品质量达不到强制性标准要求的企业，依法责令其停止生产并限期整改 — 二（三） "
        "(rule Q-stop-and-rectify, catalogue 2019.1)"
    )


def _drop_row(data: dict[str, Any]) -> None:
    data["rows"] = [r for r in data["rows"] if r["industry"] != "paper"]


def _twice(data: dict[str, Any]) -> None:
    data["rows"][4]["industry"] = "steel"


def _misnumbered(data: dict[str, Any]) -> None:
    data["rows"][0]["row"] = 2


def _measure_missing(data: dict[str, Any]) -> None:
    data["measures"] = [m for m in data["measures"] if m["id"] != "Q-revoke-licences"]


def _measure_twice(data: dict[str, Any]) -> None:
    data["measures"].append(data["measures"][0])


def _applicable_without_products(data: dict[str, Any]) -> None:
    data["rows"][0]["products_zh"] = None


def _outside_without_dimensions(data: dict[str, Any]) -> None:
    data["rows"][8]["covered_by"] = []


def _unknown_field(data: dict[str, Any]) -> None:
    data["rows"][0]["deadline_months"] = 6


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (_drop_row, "paper has no row"),
        (_twice, "steel has two rows"),
        (_misnumbered, "numbered"),
        (_measure_missing, "Q-revoke-licences is missing"),
        (_measure_twice, "appears twice"),
        (_applicable_without_products, "names products"),
        (_outside_without_dimensions, "names the dimensions"),
        (_unknown_field, "deadline_months"),
    ],
)
def test_bad_catalogue_data_is_refused_on_load(
    spoil: Callable[[dict[str, Any]], None], problem: str
) -> None:
    data = raw()
    spoil(data)
    with pytest.raises(ValidationError, match=problem):
        Catalogue.model_validate(data)
