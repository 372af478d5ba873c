from decimal import Decimal

import pytest
from energy_examples import ALUMINIUM, CATALOGUE

from phaseout_energy.domain.assess import assess, not_applicable, refuse_if_not_applicable
from phaseout_shared.contracts.energy import Verdict
from phaseout_shared.domain.errors import InvalidInput, NotApplicable
from phaseout_shared.reference import Dimension, Industry

AL = Industry.ELECTROLYTIC_ALUMINIUM


@pytest.mark.parametrize(
    ("measured", "verdict"),
    [
        ("13699.9", Verdict.WITHIN_LIMIT),
        ("13700", Verdict.WITHIN_LIMIT),
        ("13700.01", Verdict.OVER_LIMIT),
    ],
)
def test_consumption_at_most_the_limit_is_within_it(measured: str, verdict: Verdict) -> None:
    result = assess(AL, ALUMINIUM, Decimal(measured), "kWh/t", CATALOGUE)
    assert result.verdict is verdict
    assert (result.standard, result.limit, result.unit) == (
        "GB 21346-2013",
        Decimal("13700"),
        "kWh/t",
    )
    assert result.catalogue_version == 1
    assert "GB 21346-2013" in result.basis and "13700" in result.basis and measured in result.basis


def test_new_plants_are_held_to_the_entry_value() -> None:
    result = assess(AL, ALUMINIUM, Decimal("13000"), "kWh/t", CATALOGUE, new_plant=True)
    assert result.verdict is Verdict.OVER_LIMIT and result.limit == Decimal("12750")
    assert "准入值" in result.basis


def test_an_indicator_without_a_figure_says_no_limit_is_loaded() -> None:
    result = assess(Industry.CEMENT, "gb16780.clinker_coal", Decimal("120"), "kgce/t", CATALOGUE)
    assert result.verdict is Verdict.NO_LIMIT_LOADED and result.limit is None
    assert "awaits the energy agency" in result.basis


@pytest.mark.parametrize("industry", [Industry.DYEING, Industry.LEAD_ACID_BATTERY])
def test_dyeing_and_lead_acid_batteries_are_not_applicable(industry: Industry) -> None:
    result = assess(industry, "anything", Decimal("1"), "kgce/t", CATALOGUE)
    assert result.verdict is Verdict.NOT_APPLICABLE
    assert result.covered_by == (
        Dimension.ENVIRONMENT,
        Dimension.QUALITY,
        Dimension.SAFETY,
        Dimension.TECHNOLOGY,
    )
    assert "目前尚未出台国家强制性能耗限额标准" in result.basis
    with pytest.raises(NotApplicable) as raised:
        refuse_if_not_applicable(industry, CATALOGUE)
    assert raised.value.field == "industry"
    assert raised.value.rule == f"energy.table1.{industry.value}.no_national_limit"


@pytest.mark.parametrize(
    "industry", [i for i in Industry if i not in (Industry.DYEING, Industry.LEAD_ACID_BATTERY)]
)
def test_the_other_ten_industries_have_energy_limits(industry: Industry) -> None:
    assert not_applicable(industry, CATALOGUE) is None
    refuse_if_not_applicable(industry, CATALOGUE)


@pytest.mark.parametrize(
    ("industry", "indicator", "value", "unit", "field"),
    [
        (AL, ALUMINIUM, "13800", "kgce/t", "unit"),
        (AL, "gb21346.nothing", "13800", "kWh/t", "indicator_id"),
        (Industry.STEEL, ALUMINIUM, "13800", "kWh/t", "indicator_id"),
        (AL, ALUMINIUM, "-1", "kWh/t", "measured_value"),
        (AL, ALUMINIUM, "NaN", "kWh/t", "measured_value"),
        (Industry.CEMENT, "gb16780.clinker_coal", "-0.5", "kgce/t", "measured_value"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    industry: Industry, indicator: str, value: str, unit: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        assess(industry, indicator, Decimal(value), unit, CATALOGUE)
    assert raised.value.field == field


def test_an_indicator_of_another_industry_names_its_own() -> None:
    with pytest.raises(InvalidInput, match="belongs to GB 21346-2013 of electrolytic_aluminium"):
        assess(Industry.STEEL, ALUMINIUM, Decimal("1"), "kWh/t", CATALOGUE)


def test_converter_consumption_may_be_negative() -> None:
    result = assess(Industry.STEEL, "gb21256.converter", Decimal("-12"), "kgce/t", CATALOGUE)
    assert result.verdict is Verdict.NO_LIMIT_LOADED
