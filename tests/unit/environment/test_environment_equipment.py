"""Table 2's equipment rules: every kind in every industry, the thresholds as the plan reads them,
and items that cannot be judged refused naming the field."""

from datetime import date
from typing import Any

import pytest
from environment_examples import CATALOGUE

from phaseout_environment.domain.equipment import judge_equipment
from phaseout_shared.contracts.environment import EquipmentOutcome
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import Industry

BANS = {"steel", "cement", "electrolytic_aluminium", "flat_glass"}
BANS |= {"lead_acid_battery", "copper_smelting", "lead_smelting"}
BOILER_BANS = {"paper", "dyeing", "leather"}
SMALL_GENERATOR = {
    "kind": "coal_gas_generator",
    "hearth_diameter_m": 2.5,
    "purpose": "fuel",
    "scale": "small",
}

EXPECTED: dict[tuple[str, str], tuple[EquipmentOutcome, str] | None] = {}
for _industry in Industry:
    _i = _industry.value
    EXPECTED[("coal_gas_generator", _i)] = (
        (EquipmentOutcome.ELIMINATE, "T2-gas-generator") if _i in BANS else None
    )
    EXPECTED[("coal_fired_hot_air_furnace", _i)] = (
        (EquipmentOutcome.ELIMINATE, "T2-hot-air-furnace") if _i in BANS else None
    )
    EXPECTED[("coal_fired_boiler", _i)] = (
        (EquipmentOutcome.ELIMINATE, "T2-coal-boiler-elimination")
        if _i in BOILER_BANS
        else (EquipmentOutcome.CONVERT, "S2-2-coal-boiler-conversion")
    )
    EXPECTED[("coal_fired_kiln", _i)] = (
        (EquipmentOutcome.CONVERT, "T2-ceramics-coal-to-gas") if _i == "ceramics" else None
    )
"""Every kind in every industry: the outcome and rule, or None where Table 2 has no rule."""


def item_of(kind: str) -> dict[str, Any]:
    return SMALL_GENERATOR if kind == "coal_gas_generator" else {"kind": kind}


@pytest.mark.parametrize(("kind", "industry"), list(EXPECTED), ids=lambda v: str(v))
def test_every_kind_in_every_industry(kind: str, industry: str) -> None:
    expected = EXPECTED[(kind, industry)]
    if expected is None:
        with pytest.raises(InvalidInput, match="Table 2 has no rule") as refused:
            judge_equipment(CATALOGUE, Industry(industry), item_of(kind))
        assert refused.value.field == "equipment.kind"
        return
    verdict = judge_equipment(CATALOGUE, Industry(industry), item_of(kind))
    assert (verdict.outcome, verdict.rule) == expected
    assert verdict.rule in verdict.basis and "catalogue v1" in verdict.basis
    assert verdict.catalogue_version == "1"


def test_the_coal_boiler_conversion_is_due_by_the_end_of_2019() -> None:
    verdict = judge_equipment(CATALOGUE, Industry.STEEL, {"kind": "coal_fired_boiler"})
    assert verdict.due_on == date(2019, 12, 31)
    assert "二（二）2" in verdict.basis


def test_coal_to_gas_in_ceramics_has_no_date_in_the_plan() -> None:
    verdict = judge_equipment(CATALOGUE, Industry.CERAMICS, {"kind": "coal_fired_kiln"})
    assert verdict.outcome is EquipmentOutcome.CONVERT and verdict.due_on is None


@pytest.mark.parametrize(
    ("diameter", "purpose", "scale", "outcome"),
    [
        (2.99, "fuel", "large", EquipmentOutcome.ELIMINATE),
        (3, "fuel", "large", EquipmentOutcome.ALLOWED),
        (3.5, "fuel", "large", EquipmentOutcome.ALLOWED),
        (2.0, "feedstock", "large", EquipmentOutcome.ALLOWED),
        (3.5, "feedstock", "medium", EquipmentOutcome.ELIMINATE),
        (4.0, "fuel", "small", EquipmentOutcome.ELIMINATE),
        (0, "fuel", "large", EquipmentOutcome.ELIMINATE),
    ],
)
def test_a_hearth_under_3_m_or_a_small_or_medium_generator_is_eliminated(
    diameter: float, purpose: str, scale: str, outcome: EquipmentOutcome
) -> None:
    """以下 excludes the number: a fuel-type generator with a 3 m hearth is not caught by it."""
    item = {
        "kind": "coal_gas_generator",
        "hearth_diameter_m": diameter,
        "purpose": purpose,
        "scale": scale,
    }
    verdict = judge_equipment(CATALOGUE, Industry.CEMENT, item)
    assert verdict.outcome is outcome
    assert "以下" in verdict.basis or "one of" in verdict.basis


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"kind": "warp_drive"}, "equipment.kind"),
        ({}, "equipment.kind"),
        ({**SMALL_GENERATOR, "colour": "red"}, "equipment.colour"),
        ({**SMALL_GENERATOR, "hearth_diameter_m": None}, "equipment.hearth_diameter_m"),
        ({**SMALL_GENERATOR, "hearth_diameter_m": -1}, "equipment.hearth_diameter_m"),
        ({**SMALL_GENERATOR, "hearth_diameter_m": "wide"}, "equipment.hearth_diameter_m"),
        ({**SMALL_GENERATOR, "hearth_diameter_m": True}, "equipment.hearth_diameter_m"),
        ({**SMALL_GENERATOR, "hearth_diameter_m": float("nan")}, "equipment.hearth_diameter_m"),
        ({**SMALL_GENERATOR, "purpose": "decorative"}, "equipment.purpose"),
        ({**SMALL_GENERATOR, "scale": 3}, "equipment.scale"),
        ({"kind": "coal_fired_boiler", "capacity": 10}, "equipment.capacity"),
    ],
)
def test_an_item_that_cannot_be_judged_is_refused_naming_the_field(
    item: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        judge_equipment(CATALOGUE, Industry.STEEL, item)
    assert refused.value.field == field
