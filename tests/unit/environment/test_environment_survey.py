"""Surveyed equipment: the verdict recorded, and the conversion to clean energy tracked."""

from datetime import date

import pytest
from environment_examples import CATALOGUE, USCC

from phaseout_environment.domain.equipment import judge_equipment
from phaseout_environment.domain.survey import EquipmentState, SurveyedEquipment
from phaseout_environment.domain.violation import banned_equipment
from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts.environment import ViolationKind
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

ON = date(2019, 6, 3)


def surveyed(industry: Industry, kind: str, on: date = ON) -> SurveyedEquipment:
    return SurveyedEquipment.survey(
        site=Site(USCC, District.PINGSHAN),
        item_id="B-1",
        verdict=judge_equipment(CATALOGUE, industry, {"kind": kind}),
        effective_on=on,
    )


@pytest.mark.parametrize(
    ("industry", "kind", "state", "due"),
    [
        (Industry.STEEL, "coal_fired_boiler", EquipmentState.TO_CONVERT, date(2019, 12, 31)),
        (Industry.PAPER, "coal_fired_boiler", EquipmentState.ELIMINATED, None),
        (Industry.CEMENT, "coal_fired_hot_air_furnace", EquipmentState.ELIMINATED, None),
        (Industry.CERAMICS, "coal_fired_kiln", EquipmentState.TO_CONVERT, None),
    ],
)
def test_a_surveyed_item_records_its_verdict(
    industry: Industry, kind: str, state: EquipmentState, due: date | None
) -> None:
    item = surveyed(industry, kind)
    (event,) = item.pull_events()
    assert isinstance(event, ev.EquipmentSurveyed)
    assert (item.state, item.due_on, event.due_on) == (state, due, due)
    assert (event.item_id, event.kind, event.catalogue_version) == ("B-1", kind, "1")


def test_a_conversion_is_recorded_once_and_after_the_survey() -> None:
    item = surveyed(Industry.STEEL, "coal_fired_boiler")
    item.pull_events()
    with pytest.raises(Conflict) as early:
        item.record_conversion("natural gas", date(2019, 6, 2))
    assert early.value.field == "effective_on" and item.state is EquipmentState.TO_CONVERT
    with pytest.raises(InvalidInput) as blank:
        item.record_conversion(" ", date(2019, 11, 1))
    assert blank.value.field == "fuel"
    item.record_conversion("natural gas", date(2019, 11, 1))
    (event,) = item.pull_events()
    assert isinstance(event, ev.EquipmentConverted)
    assert (event.fuel, event.due_on, event.rule) == (
        "natural gas",
        date(2019, 12, 31),
        "S2-2-coal-boiler-conversion",
    )
    assert item.state is EquipmentState.CONVERTED and item.due_on is None
    with pytest.raises(Conflict):
        item.record_conversion("electricity", date(2019, 11, 2))


@pytest.mark.parametrize(
    ("industry", "kind"),
    [(Industry.PAPER, "coal_fired_boiler"), (Industry.STEEL, "coal_fired_hot_air_furnace")],
)
def test_an_eliminated_item_is_no_conversion(industry: Industry, kind: str) -> None:
    with pytest.raises(Conflict):
        surveyed(industry, kind).record_conversion("gas", date(2019, 7, 1))


def test_a_tracked_item_is_not_resurveyed_but_an_allowed_one_is() -> None:
    tracked = surveyed(Industry.STEEL, "coal_fired_boiler")
    with pytest.raises(Conflict) as refused:
        tracked.resurvey(surveyed(Industry.STEEL, "coal_fired_boiler", date(2019, 7, 1)))
    assert refused.value.field == "item_id"
    large = {"kind": "coal_gas_generator", "hearth_diameter_m": 3.2}
    allowed = SurveyedEquipment.survey(
        site=Site(USCC, District.PINGSHAN),
        item_id="G-1",
        verdict=judge_equipment(
            CATALOGUE, Industry.STEEL, {**large, "purpose": "fuel", "scale": "large"}
        ),
        effective_on=ON,
    )
    newer = allowed.model_copy(update={"surveyed_on": date(2019, 7, 1)})
    older = allowed.model_copy()
    allowed.resurvey(newer)
    assert allowed.model_dump() == newer.model_dump()
    with pytest.raises(Conflict):
        allowed.resurvey(older)


def test_an_eliminated_item_is_a_banned_equipment_violation() -> None:
    verdict = judge_equipment(CATALOGUE, Industry.LEATHER, {"kind": "coal_fired_boiler"})
    found = banned_equipment(verdict, "boiler running", ON, "B-1")
    assert (found.kind, found.rule, found.reference) == (
        ViolationKind.BANNED_EQUIPMENT,
        "T2-coal-boiler-elimination",
        "B-1",
    )
    allowed = judge_equipment(CATALOGUE, Industry.STEEL, {"kind": "coal_fired_boiler"})
    with pytest.raises(Conflict, match="no violation"):
        banned_equipment(allowed, "x", ON, "B-2")
