"""mee loads the figures the catalogue awaits: each amendment makes the next version."""

from datetime import date
from decimal import Decimal

import pytest
from environment_examples import CATALOGUE

from phaseout_environment.domain.amendment import apply_amendment
from phaseout_environment.domain.limits import Amendment, LimitStatus, Source
from phaseout_environment.domain.measurement import Sample, assess
from phaseout_shared.contracts.environment import AmendmentKind, MeasurementVerdict, Medium
from phaseout_shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from phaseout_shared.reference import Agency, Industry

SOURCE = Source(document="GB 28662-2012, table 3 (as published)", url="https://example.org/t3")


def amendment(**overrides: object) -> Amendment:
    fields: dict[str, object] = {
        "kind": AmendmentKind.SET_LIMIT,
        "standard": "gb28662-2012-special",
        "limit_id": "gb28662.sintering.nox",
        "limit": Decimal("300"),
        "unit": "mg/m³",
        "source": SOURCE,
        "effective_from": date(2019, 1, 1),
        "amended_by": Agency.MEE,
        "officer": "mee-city-3",
        "reason": "load the published special limit",
        **overrides,
    }
    return Amendment.model_validate(fields)


def test_setting_a_limit_makes_the_next_version_and_leaves_the_old_one_alone() -> None:
    amended, event = apply_amendment(CATALOGUE, amendment())
    assert (amended.version, event.version, event.previous_version) == (2, "2", "1")
    found = amended.find_limit("gb28662.sintering.nox")
    assert found is not None
    limit = found[1]
    assert (limit.limit, limit.status, limit.source) == (Decimal(300), LimitStatus.LOADED, SOURCE)
    assert (limit.amended_by, limit.officer) == (Agency.MEE, "mee-city-3")
    assert amended.history[-1].version == 2 and amended.history[-1].amendment.limit == 300
    old = CATALOGUE.find_limit("gb28662.sintering.nox")
    assert old is not None and old[1].limit is None
    assert (event.limit_id, event.limit, event.source) == (
        "gb28662.sintering.nox",
        Decimal(300),
        "GB 28662-2012, table 3 (as published) https://example.org/t3",
    )


def test_a_loaded_figure_judges_the_next_sample() -> None:
    amended, _ = apply_amendment(CATALOGUE, amendment())
    sample = Sample(
        industry=Industry.STEEL,
        limit_id="gb28662.sintering.nox",
        value=Decimal("301"),
        unit="mg/m³",
        sampled_on=date(2019, 6, 1),
    )
    assert assess(CATALOGUE, sample).verdict is MeasurementVerdict.NO_LIMIT_LOADED
    assert assess(amended, sample).verdict is MeasurementVerdict.OVER_LIMIT


def test_a_published_provincial_standard_gets_its_code_and_first_limit() -> None:
    amended, event = apply_amendment(
        CATALOGUE,
        amendment(
            kind=AmendmentKind.ADD_LIMIT,
            standard="gd-glass-air",
            limit_id="gd_glass.furnace.nox",
            standard_code="DB 44/0000-2020",
            medium=Medium.AIR,
            facility_zh="玻璃熔窑",
            facility_en="glass furnace",
            pollutant_zh="氮氧化物",
            pollutant_en="NOx",
            limit=Decimal("400"),
        ),
    )
    standard = amended.standard("gd-glass-air")
    assert standard is not None and not standard.pending_publication
    assert standard.code == "DB 44/0000-2020" and len(standard.limits) == 1
    assert event.kind is AmendmentKind.ADD_LIMIT


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"amended_by": Agency.MIIT}, Forbidden, "amended_by"),
        ({"standard": "gb0000"}, NotFound, "standard"),
        ({"limit_id": "gb28662.sintering.mercury"}, NotFound, "limit_id"),
        ({"unit": "mg/L"}, InvalidInput, "unit"),
        ({"kind": AmendmentKind.ADD_LIMIT, "limit_id": "gb4915.kiln.nox"}, Conflict, "limit_id"),
        ({"kind": AmendmentKind.ADD_LIMIT, "limit_id": "new.one"}, InvalidInput, "medium"),
        (
            {
                "kind": AmendmentKind.ADD_LIMIT,
                "limit_id": "new.one",
                "medium": Medium.WATER,
                "facility_zh": "总排口",
                "facility_en": "main outlet",
                "pollutant_zh": "总铅",
                "pollutant_en": "total lead",
            },
            InvalidInput,
            "unit",
        ),
    ],
)
def test_an_amendment_that_cannot_apply_is_refused_naming_the_field(
    overrides: dict[str, object], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as refused:
        apply_amendment(CATALOGUE, amendment(**overrides))
    assert refused.value.field == field  # type: ignore[attr-defined]
