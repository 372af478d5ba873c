import json

import pytest

from phaseout_shared.contracts import energy
from phaseout_shared.contracts.base import TYPE_PATTERN, EventPayload, registry

ENERGY_TYPES = {
    "phaseout.energy.inspection.recorded.v1",
    "phaseout.energy.case.opened.v1",
    "phaseout.energy.case.extension_granted.v1",
    "phaseout.energy.case.rectified.v1",
    "phaseout.energy.case.reinspection_failed.v1",
    "phaseout.energy.case.overdue.v1",
    "phaseout.energy.shutdown.ordered.v1",
    "phaseout.energy.shutdown.verified.v1",
    "phaseout.energy.case.revival_found.v1",
    "phaseout.energy.pricing_measure.recorded.v1",
    "phaseout.energy.pricing_measure.ended.v1",
    "phaseout.energy.inspection_list.entry_added.v1",
    "phaseout.energy.catalogue.amended.v1",
    "phaseout.energy.catalogue.published.v1",
    "phaseout.energy.case.superseded.v1",
    "phaseout.energy.case.resumed.v1",
}
MODELS = [m for name, m in registry.items() if name in ENERGY_TYPES]


def test_every_energy_event_is_registered() -> None:
    assert energy.CaseOpened.event_type == "phaseout.energy.case.opened.v1"
    common = {"enterprise", "disclosure", "referral", "evidence", "document"}
    assert {
        n for n in registry if n.startswith("phaseout.energy.") and n.split(".")[2] not in common
    } == ENERGY_TYPES
    assert all(TYPE_PATTERN.match(n) for n in ENERGY_TYPES)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.event_type)
def test_payloads_about_an_enterprise_carry_uscc_and_effective_on(
    model: type[EventPayload],
) -> None:
    fields = model.model_fields
    if "uscc" in fields:
        assert "effective_on" in fields
    if "case_id" in fields and model.event_type.split(".")[2] in ("case", "shutdown"):
        assert {"deadline", "state"} <= set(fields)
    assert all(f.description for f in fields.values())


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.event_type)
def test_json_schemas_generate(model: type[EventPayload]) -> None:
    schema = model.model_json_schema()
    assert json.dumps(schema) and schema["additionalProperties"] is False


def test_the_exit_carries_capacity_and_legal_basis() -> None:
    fields = set(energy.ShutdownVerified.model_fields)
    assert {
        "capacity_amount",
        "capacity_unit",
        "standard",
        "indicator_id",
        "catalogue_version",
        "district",
        "industry",
        "uscc",
        "effective_on",
        "case_id",
    } <= fields
