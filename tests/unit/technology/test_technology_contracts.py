"""The technology dimension's event contracts: names, common fields, what the exit list needs."""

from typing import Any

import pytest

from phaseout_shared.contracts import technology
from phaseout_shared.contracts.base import TYPE_PATTERN, EventPayload, registry
from phaseout_shared.contracts.technology import SealingMeasures

TYPES: dict[str, type[EventPayload]] = {
    "phaseout.technology.equipment.surveyed.v1": technology.EquipmentSurveyed,
    "phaseout.technology.case.opened.v1": technology.CaseOpened,
    "phaseout.technology.shutdown.ordered.v1": technology.ShutdownOrdered,
    "phaseout.technology.ditiaogang.investigation_opened.v1": (
        technology.DitiaogangInvestigationOpened
    ),
    "phaseout.technology.case.dismantled.v1": technology.CaseDismantled,
    "phaseout.technology.case.sealed.v1": technology.CaseSealed,
    "phaseout.technology.case.acceptance_passed.v1": technology.AcceptancePassed,
    "phaseout.technology.case.acceptance_failed.v1": technology.AcceptanceFailed,
    "phaseout.technology.case.revival_found.v1": technology.RevivalFound,
    "phaseout.technology.tip.received.v1": technology.TipReceived,
    "phaseout.technology.tip.assigned.v1": technology.TipAssigned,
    "phaseout.technology.tip.closed.v1": technology.TipClosed,
    "phaseout.technology.project_check.recorded.v1": technology.ProjectCheckRecorded,
    "phaseout.technology.catalogue.published.v1": technology.CataloguePublished,
    "phaseout.technology.watch_alert.raised.v1": technology.WatchAlertRaised,
    "phaseout.technology.ditiaogang_alert.raised.v1": technology.DitiaogangAlertRaised,
    "phaseout.technology.watch_alert.closed.v1": technology.WatchAlertClosed,
}
CASE_EVENTS = [
    name
    for name in TYPES
    if (".case." in name or "shutdown" in name or "ditiao" in name) and "_alert." not in name
]
EXIT_LIST = ["case.opened", "case.acceptance_passed", "case.revival_found"]
EXIT_FACTS = {
    "district",
    "industry",
    "kind",
    "capacity_amount",
    "capacity_unit",
    "rule",
    "catalogue_version",
}


@pytest.mark.parametrize(("name", "model"), TYPES.items())
def test_every_event_type_is_registered(name: str, model: type[EventPayload]) -> None:
    assert TYPE_PATTERN.match(name)
    assert registry[name] is model
    assert model.event_type == name


COMMON = {"enterprise", "disclosure", "referral", "evidence", "document"}
"""Nouns every agency service emits alike (its register, disclosures and referrals)."""


def test_no_other_technology_event_types() -> None:
    ours = {
        name
        for name in registry
        if name.startswith("phaseout.technology.") and name.split(".")[2] not in COMMON
    }
    assert ours == set(TYPES)


@pytest.mark.parametrize("model", TYPES.values())
def test_every_payload_carries_its_effective_date_and_described_fields(
    model: type[EventPayload],
) -> None:
    assert "effective_on" in model.model_fields
    assert "uscc" in model.model_fields or model is technology.CataloguePublished, (
        "every event but the catalogue's concerns an enterprise"
    )
    assert all(field.description for field in model.model_fields.values())
    schema: dict[str, Any] = model.model_json_schema()
    assert "effective_on" in schema["required"]


@pytest.mark.parametrize("name", CASE_EVENTS)
def test_case_events_name_the_case(name: str) -> None:
    assert {"case_id", "uscc", "district"} <= set(TYPES[name].model_json_schema()["required"])


@pytest.mark.parametrize("name", [n for n in TYPES if any(e in n for e in EXIT_LIST)])
def test_exit_list_events_carry_where_what_how_much_and_the_legal_basis(name: str) -> None:
    assert set(TYPES[name].model_json_schema()["required"]) >= EXIT_FACTS


def test_sealing_measures_name_what_is_missing_in_the_plans_order() -> None:
    assert SealingMeasures(power_cut=True, public_commitment=True).missing() == [
        "water_cut",
        "power_units_removed",
        "main_equipment_sealed",
    ]
