from datetime import date
from decimal import Decimal

import pytest
from energy_examples import ALUMINIUM, CATALOGUE

from phaseout_energy.domain.amendment import apply_amendment
from phaseout_energy.domain.catalogue import Amendment, LimitStatus, Source
from phaseout_shared.contracts.energy import AmendmentKind
from phaseout_shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from phaseout_shared.reference import Agency, Dimension, Industry

TABLE_1 = {
    "GB 21256-2013": Industry.STEEL,
    "GB 32050-2015": Industry.STEEL,
    "GB 21341-2017": Industry.STEEL,
    "GB 16780-2012": Industry.CEMENT,
    "GB 21346-2013": Industry.ELECTROLYTIC_ALUMINIUM,
    "GB 21340-2013": Industry.FLAT_GLASS,
    "GB 31825-2015": Industry.PAPER,
    "GB 36887-2018": Industry.LEATHER,
    "GB 21248-2014": Industry.COPPER_SMELTING,
    "GB 21250-2014": Industry.LEAD_SMELTING,
    "GB 21258-2017": Industry.SMALL_THERMAL_POWER,
    "GB 21252-2013": Industry.CERAMICS,
}
SOURCE = Source(document="GB 16780-2012, table 1 (as published)", url="https://example.org/gb16780")


def amendment(**overrides: object) -> Amendment:
    fields: dict[str, object] = {
        "kind": AmendmentKind.SET_LIMIT,
        "standard": "GB 16780-2012",
        "indicator_id": "gb16780.clinker_coal",
        "limit": Decimal("112"),
        "limit_new": Decimal("108"),
        "unit": "kgce/t",
        "source": SOURCE,
        "effective_from": date(2013, 10, 1),
        "amended_by": Agency.MIIT,
        "officer": "officer-7",
        "reason": "load the published figure",
    }
    return Amendment.model_validate({**fields, **overrides})


def test_every_table_1_standard_is_in_the_catalogue_with_its_industry() -> None:
    assert {s.code: s.industry for s in CATALOGUE.standards} == TABLE_1


def test_dyeing_and_lead_acid_batteries_are_covered_by_the_other_four_dimensions() -> None:
    others = (Dimension.ENVIRONMENT, Dimension.QUALITY, Dimension.SAFETY, Dimension.TECHNOLOGY)
    assert {n.industry for n in CATALOGUE.not_covered} == {
        Industry.DYEING,
        Industry.LEAD_ACID_BATTERY,
    }
    assert all(n.covered_by == others for n in CATALOGUE.not_covered)


def test_every_shipped_figure_has_a_source_a_unit_and_the_at_most_reading() -> None:
    loaded = [row for row in CATALOGUE.listing() if row.status is LimitStatus.LOADED]
    assert {row.standard for row in loaded} == {"GB 21346-2013", "GB 31825-2015"}
    for row in loaded:
        assert row.source and row.unit and row.limit is not None
        assert row.limit_new is None or row.limit_new <= row.limit
        found = CATALOGUE.find(row.indicator_id)
        assert found is not None and found[1].source is not None and found[1].source.url


def test_the_listing_shows_which_indicators_await_the_agency() -> None:
    awaiting = CATALOGUE.awaiting_agency()
    assert awaiting and all(row.limit is None for row in awaiting)
    assert "gb21258.net_coal_consumption" in {row.indicator_id for row in awaiting}
    assert len(awaiting) + 12 == len(CATALOGUE.listing())


def test_the_shipped_aluminium_figures() -> None:
    found = CATALOGUE.find(ALUMINIUM)
    assert found is not None
    _, indicator = found
    assert (indicator.limit, indicator.limit_new, indicator.unit) == (
        Decimal("13700"),
        Decimal("12750"),
        "kWh/t",
    )


def test_an_amendment_makes_the_next_version_and_leaves_the_old_one_alone() -> None:
    amended, event = apply_amendment(CATALOGUE, amendment())
    assert amended.version == CATALOGUE.version + 1
    found = amended.find("gb16780.clinker_coal")
    assert found is not None and found[1].limit == Decimal("112")
    assert found[1].status is LimitStatus.LOADED and found[1].amended_by is Agency.MIIT
    old = CATALOGUE.find("gb16780.clinker_coal")
    assert old is not None and old[1].limit is None
    assert [r.version for r in amended.history] == [2]
    assert event.version == 2 and event.previous_version == 1
    assert event.industry is Industry.CEMENT and event.effective_on == date(2013, 10, 1)
    assert event.source == "GB 16780-2012, table 1 (as published) https://example.org/gb16780"


def test_amendments_chain_versions_and_keep_the_trail() -> None:
    v2, _ = apply_amendment(CATALOGUE, amendment())
    v3, event = apply_amendment(v2, amendment(limit=Decimal("110"), amended_by=Agency.DRC))
    assert v3.version == 3 and [r.version for r in v3.history] == [2, 3]
    assert event.previous_version == 2 and event.amended_by is Agency.DRC


def test_adding_an_indicator() -> None:
    added, event = apply_amendment(
        CATALOGUE,
        amendment(
            kind=AmendmentKind.ADD_INDICATOR,
            standard="GB 21258-2017",
            indicator_id="gb21258.net_coal_300mw_subcritical_wet",
            limit=None,
            limit_new=None,
            unit="gce/kWh",
            product_zh="300MW 亚临界湿冷机组",
            product_en="300 MW subcritical wet-cooled unit",
            measure="net coal consumption (供电煤耗)",
        ),
    )
    found = added.find("gb21258.net_coal_300mw_subcritical_wet")
    assert found is not None and found[1].status is LimitStatus.AWAITING_AGENCY
    assert event.kind is AmendmentKind.ADD_INDICATOR and event.limit is None


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"amended_by": Agency.WATER}, Forbidden, "amended_by"),
        ({"amended_by": Agency.MEE}, Forbidden, "amended_by"),
        ({"standard": "GB 99999-2019"}, NotFound, "standard"),
        ({"indicator_id": "gb16780.nothing"}, NotFound, "indicator_id"),
        ({"limit": None, "limit_new": None}, InvalidInput, "limit"),
        ({"unit": None}, InvalidInput, "unit"),
        ({"limit_new": Decimal("113")}, InvalidInput, "limit_new"),
        ({"limit": Decimal("-1"), "limit_new": None}, InvalidInput, "limit"),
        (
            {"kind": AmendmentKind.ADD_INDICATOR, "indicator_id": ALUMINIUM},
            Conflict,
            "indicator_id",
        ),
        (
            {"kind": AmendmentKind.ADD_INDICATOR, "indicator_id": "gb16780.new"},
            InvalidInput,
            "product_zh",
        ),
    ],
)
def test_amendments_refused_name_the_field(
    overrides: dict[str, object], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as raised:
        apply_amendment(CATALOGUE, amendment(**overrides))
    assert getattr(raised.value, "field", None) == field


def test_a_loaded_figure_keeps_its_unit() -> None:
    with pytest.raises(InvalidInput) as raised:
        apply_amendment(
            CATALOGUE,
            amendment(
                standard="GB 21346-2013",
                indicator_id=ALUMINIUM,
                limit=Decimal("13600"),
                limit_new=None,
                unit="MWh/t",
            ),
        )
    assert raised.value.field == "unit"


def test_a_converter_limit_may_be_negative() -> None:
    amended, _ = apply_amendment(
        CATALOGUE,
        amendment(
            standard="GB 21256-2013",
            indicator_id="gb21256.converter",
            limit=Decimal("-10"),
            limit_new=Decimal("-25"),
        ),
    )
    found = amended.find("gb21256.converter")
    assert found is not None and found[1].limit == Decimal("-10")


def test_a_catalogue_version_is_immutable() -> None:
    with pytest.raises(ValueError):
        CATALOGUE.version = 5
