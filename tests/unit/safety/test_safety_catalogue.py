"""The safety catalogue as data: every row quotes the plan, leads where the plan says, and
the catalogue refuses data that does not hold together."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from phaseout_safety.domain.catalogue import (
    CATALOGUE_FILE,
    CLOSE,
    FIVE_IN_PLACE,
    LISTS,
    REVOKE,
    SUSPEND,
    Catalogue,
    table4,
)
from phaseout_shared.contracts.safety import FiveInPlace, Outcome
from phaseout_shared.domain.errors import InvalidInput, NotApplicable
from phaseout_shared.reference import Industry

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_643c4c816dc8f849.txt"

FINDINGS = {
    "hidden_hazard": (Outcome.RECTIFY_HAZARD, FIVE_IN_PLACE, False),
    "conditions_below_law": (Outcome.SUSPEND, SUSPEND, True),
    "conditions_below_administrative_regulation": (Outcome.SUSPEND, SUSPEND, True),
    "conditions_below_national_standard": (Outcome.SUSPEND, SUSPEND, True),
    "conditions_below_industry_standard": (Outcome.SUSPEND, SUSPEND, True),
}
"""Each kind of finding: its outcome, its rule, whether it must name the law or standard."""

PARTS = {
    "measures": "措施",
    "responsibility": "责任",
    "funds": "资金",
    "time_limit": "时限",
    "plan": "预案",
}
SOURCES = {
    LISTS: ("二（四）1", None),
    FIVE_IN_PLACE: ("二（四）2", None),
    SUSPEND: ("二（四）2", 4),
    CLOSE: ("二（四）2", 4),
    REVOKE: ("二（四）2", 4),
}


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return data


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def plan_text() -> str:
    if not SEED.exists():
        pytest.skip("the plan's text is not beside this checkout")
    return _compact(SEED.read_text(encoding="utf-8"))


def test_the_catalogue_is_versioned_and_names_its_document() -> None:
    assert table4().version == "2019.1"
    assert "表 4" in table4().title_zh
    assert "深工信优势字〔2019〕76 号" in table4().document


def test_table_4_covers_all_twelve_industries_in_one_row() -> None:
    assert set(table4().industries) == set(Industry)
    assert _compact(table4().industries_wording_zh) in plan_text()


@pytest.mark.parametrize("kind", FINDINGS)
def test_every_finding_kind_leads_where_the_plan_says(kind: str) -> None:
    spec = table4().finding(kind)
    assert (spec.outcome, spec.rule, spec.reference_required) == FINDINGS[kind]
    assert spec.name_zh and spec.name_en


def test_no_other_finding_kinds() -> None:
    assert [f.kind for f in table4().findings] == list(FINDINGS)


@pytest.mark.parametrize("rule", table4().rules, ids=lambda r: r.id)
def test_each_rule_quotes_the_plan_and_says_where(rule: Any) -> None:
    plan = plan_text()
    assert _compact(rule.wording_zh) in plan
    if rule.table_wording_zh is not None:
        assert _compact(rule.table_wording_zh) in plan
    assert rule.wording_en
    assert (rule.source.section, rule.source.table) == SOURCES[rule.id]


@pytest.mark.parametrize(("part", "name_zh"), PARTS.items())
def test_the_five_in_place_are_the_plans_five(part: str, name_zh: str) -> None:
    spec = next(p for p in table4().five_in_place if p.part == part)
    assert spec.name_zh == name_zh
    assert name_zh in table4().rule(FIVE_IN_PLACE).wording_zh
    assert table4().part_name(part) == f"{spec.name_en} ({name_zh})"


def test_the_five_parts_are_in_the_plans_order_and_match_the_contract() -> None:
    assert [p.part for p in table4().five_in_place] == list(PARTS) == list(FiveInPlace.model_fields)


def test_an_unknown_kind_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        table4().finding("fire", field="findings.2.kind")
    assert error.value.field == "findings.2.kind"
    assert "hidden_hazard" in error.value.reason


def test_an_industry_outside_the_table_is_not_applicable() -> None:
    data = raw() | {"industries": ["steel"]}
    catalogue = Catalogue.model_validate(data)
    assert catalogue.covering(Industry.STEEL) is Industry.STEEL
    with pytest.raises(NotApplicable) as error:
        catalogue.covering(Industry.PAPER)
    assert error.value.field == "industry"


def test_the_basis_names_the_law_the_wording_and_the_place() -> None:
    basis = table4().basis(CLOSE)
    assert basis.startswith("安全生产法")
    assert "提请政府予以关闭" in basis and "二（四）2" in basis and "2019.1" in basis


def _without_rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return data | {"rules": [r for r in data["rules"] if r["id"] != rule_id]}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d | {"rules": [*d["rules"], d["rules"][0]]}, "appears twice"),
        (lambda d: d | {"findings": [*d["findings"], d["findings"][0]]}, "appears twice"),
        (lambda d: _without_rule(d, REVOKE), f"rule {REVOKE} is missing"),
        (lambda d: _without_rule(d, FIVE_IN_PLACE), "unknown rule"),
        (lambda d: d | {"five_in_place": d["five_in_place"][:4]}, "the five in place are"),
        (lambda d: d | {"five_in_place": d["five_in_place"][::-1]}, "the five in place are"),
        (lambda d: d | {"findings": []}, "at least 1"),
    ],
)
def test_inconsistent_data_is_refused_when_it_loads(change: Any, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Catalogue.model_validate(change(raw()))


def test_an_unknown_outcome_is_refused() -> None:
    data = raw()
    data["findings"][0]["outcome"] = "fine"
    with pytest.raises(ValidationError):
        Catalogue.model_validate(data)
