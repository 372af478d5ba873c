"""Outside the Product Quality Law (Table 3, rows 9–11): a question gets a verdict, an attempt
to act — a spot check or a case — is refused with the plan's reason, naming the row."""

from typing import Any

import pytest
from quality_examples import spot_check, unlicensed_case

from phaseout_quality.domain.applicability import applicability, applicable_row
from phaseout_shared.domain.errors import InvalidInput, NotApplicable
from phaseout_shared.reference import Industry

OUTSIDE = [Industry.COPPER_SMELTING, Industry.LEAD_SMELTING, Industry.SMALL_THERMAL_POWER]
INSIDE = [i for i in Industry if i not in OUTSIDE]
REASON = "该行业不属于《产品质量法》调整的范围"


@pytest.mark.parametrize("industry", INSIDE)
def test_the_law_reaches_nine_industries(industry: Industry) -> None:
    verdict = applicability(industry)
    assert verdict.applicable and verdict.products
    assert verdict.table3_row == f"T3-{industry.value.replace('_', '-')}"
    assert verdict.catalogue_version == "2019.1"
    assert "samr checks" in verdict.basis and "Table 3, row" in verdict.basis
    assert applicable_row(industry, "spot check").industry is industry


@pytest.mark.parametrize("industry", OUTSIDE)
def test_a_question_about_an_industry_outside_the_law_gets_a_verdict(industry: Industry) -> None:
    verdict = applicability(industry.value)
    assert not verdict.applicable and verdict.products is None
    assert REASON in verdict.basis
    assert {d.value for d in verdict.covered_by} == {
        "energy",
        "environment",
        "safety",
        "technology",
    }


def _check(industry: Industry) -> Any:
    return spot_check(industry=industry)


def _unlicensed(industry: Industry) -> Any:
    return unlicensed_case(industry=industry)


@pytest.mark.parametrize("industry", OUTSIDE)
@pytest.mark.parametrize(("act", "attempt"), [("spot check", _check), ("case", _unlicensed)])
def test_a_check_or_case_outside_the_law_is_refused_with_the_reason(
    industry: Industry, act: str, attempt: Any
) -> None:
    with pytest.raises(NotApplicable) as refused:
        attempt(industry)
    assert refused.value.field == "industry"
    assert refused.value.rule == applicability(industry).table3_row
    assert f"a quality {act} for {industry.value} is refused" in refused.value.reason
    assert REASON in refused.value.reason


@pytest.mark.parametrize("industry", INSIDE)
def test_a_check_inside_the_law_is_recorded(industry: Industry) -> None:
    assert spot_check(industry=industry).industry is industry


def test_an_unknown_industry_is_invalid_input_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        applicability("nuclear_fusion")
    assert refused.value.field == "industry"
