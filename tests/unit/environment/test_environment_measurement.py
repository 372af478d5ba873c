"""A measured concentration against its limit: every shipped figure at and over the limit,
limits awaiting mee, dates before the special limits, basins, units and industries."""

from datetime import date
from decimal import Decimal

import pytest
from environment_examples import CATALOGUE

from phaseout_environment.domain.limits import LimitStatus
from phaseout_environment.domain.measurement import Sample, assess
from phaseout_shared.contracts.environment import Basin, MeasurementVerdict
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import Industry

ON = date(2019, 6, 3)
V = MeasurementVerdict


def sample(limit_id: str, value: str, /, **over: object) -> Sample:
    found = CATALOGUE.find_limit(limit_id)
    assert found is not None
    standard, limit = found
    fields: dict[str, object] = {
        "industry": standard.industries[0],
        "limit_id": limit_id,
        "value": Decimal(value),
        "unit": limit.unit,
        "sampled_on": ON,
        "basin": standard.basins[0] if standard.basins else None,
        **over,
    }
    return Sample.model_validate(fields)


LOADED = [r for r in CATALOGUE.listing() if r.status is LimitStatus.LOADED]
AWAITING = [r for r in CATALOGUE.listing() if r.status is LimitStatus.AWAITING_AGENCY]


@pytest.mark.parametrize("row", LOADED, ids=lambda r: r.limit_id)
def test_at_the_limit_is_within_it_and_above_it_is_over(row: object) -> None:
    limit_id, figure = row.limit_id, row.limit  # type: ignore[attr-defined]
    at = assess(CATALOGUE, sample(limit_id, str(figure)))
    assert at.verdict is V.WITHIN_LIMIT and "≤" in at.basis and not at.over
    over = assess(CATALOGUE, sample(limit_id, str(figure + Decimal("0.01"))))
    assert over.verdict is V.OVER_LIMIT and over.over
    assert f"limit {figure} mg/m³" in over.basis and "catalogue v1" in over.basis
    assert over.limit == figure and over.catalogue_version == "1"


@pytest.mark.parametrize("row", AWAITING, ids=lambda r: r.limit_id)
def test_a_limit_awaiting_mee_is_never_judged_on_an_invented_figure(row: object) -> None:
    result = assess(CATALOGUE, sample(row.limit_id, "99999"))  # type: ignore[attr-defined]
    assert result.verdict is V.NO_LIMIT_LOADED and result.limit is None
    assert "awaits the environment agency (mee)" in result.basis


@pytest.mark.parametrize(
    ("limit_id", "industry"),
    [("gb4915.kiln.nox", Industry.CEMENT), ("gb28662.sintering.so2", Industry.STEEL)],
)
def test_the_special_limits_apply_to_samples_from_2019_01_01(
    limit_id: str, industry: Industry
) -> None:
    before = assess(CATALOGUE, sample(limit_id, "999", sampled_on=date(2018, 12, 31)))
    assert before.verdict is V.NOT_IN_FORCE and "2019-01-01" in before.basis
    first_day = assess(CATALOGUE, sample(limit_id, "999", sampled_on=date(2019, 1, 1)))
    assert first_day.verdict is V.OVER_LIMIT


def test_ultra_low_emission_has_no_start_date_in_the_plan() -> None:
    old = assess(CATALOGUE, sample("ultra_low.coal_unit.so2", "36", sampled_on=date(2015, 1, 1)))
    assert old.verdict is V.OVER_LIMIT


@pytest.mark.parametrize(
    ("limit_id", "over", "field"),
    [
        ("gb4915.kiln.nox", {"industry": Industry.STEEL}, "limit_id"),
        ("gb4915.kiln.nox", {"limit_id": "gb4915.kiln.mercury"}, "limit_id"),
        ("gb4915.kiln.nox", {"unit": "mg/L"}, "unit"),
        ("gb4915.kiln.nox", {"value": Decimal(-1)}, "value"),
        ("db44_2130.maozhou.cod", {"basin": None}, "basin"),
        ("db44_2130.maozhou.cod", {"basin": Basin.SHIMA}, "basin"),
        ("db44_2130.shima_danshui.cod", {"basin": Basin.MAOZHOU}, "basin"),
    ],
)
def test_a_sample_that_cannot_be_judged_is_refused_naming_the_field(
    limit_id: str, over: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        assess(CATALOGUE, sample(limit_id, "10", **over))
    assert refused.value.field == field


def test_an_industry_awaiting_its_provincial_standard_is_told_so() -> None:
    with pytest.raises(InvalidInput, match="awaiting publication") as refused:
        assess(CATALOGUE, sample("gb4915.kiln.nox", "10", industry=Industry.FLAT_GLASS))
    assert "玻璃工业大气污染物排放标准" in refused.value.reason


@pytest.mark.parametrize("basin", [Basin.SHIMA, Basin.DANSHUI])
def test_either_river_of_the_shima_danshui_standard_is_judged(basin: Basin) -> None:
    result = assess(CATALOGUE, sample("db44_2130.shima_danshui.cod", "50", basin=basin))
    assert result.verdict is V.NO_LIMIT_LOADED and result.basin is basin
