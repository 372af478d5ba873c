"""The environment dimension's event contracts: names, common fields, what the city needs."""

from typing import Any

import pytest

from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts import load_all
from phaseout_shared.contracts.base import TYPE_PATTERN, EventPayload, registry
from phaseout_shared.contracts.supersession import RESUMED, SUPERSEDED

TYPES: dict[str, type[EventPayload]] = {
    "phaseout.environment.case.superseded.v1": SUPERSEDED["environment"],
    "phaseout.environment.case.resumed.v1": RESUMED["environment"],
    "phaseout.environment.list_entry.added.v1": ev.ListEntryAdded,
    "phaseout.environment.list_entry.moved.v1": ev.ListEntryMoved,
    "phaseout.environment.list_entry.completed.v1": ev.ListEntryCompleted,
    "phaseout.environment.list_entry.removed.v1": ev.ListEntryRemoved,
    "phaseout.environment.permit.recorded.v1": ev.PermitRecorded,
    "phaseout.environment.permit.revoked.v1": ev.PermitRevoked,
    "phaseout.environment.monitoring.recorded.v1": ev.MonitoringRecorded,
    "phaseout.environment.measurement.recorded.v1": ev.MeasurementRecorded,
    "phaseout.environment.equipment.surveyed.v1": ev.EquipmentSurveyed,
    "phaseout.environment.equipment.converted.v1": ev.EquipmentConverted,
    "phaseout.environment.catalogue.amended.v1": ev.CatalogueAmended,
    "phaseout.environment.catalogue.published.v1": ev.CataloguePublished,
    "phaseout.environment.case.opened.v1": ev.CaseOpened,
    "phaseout.environment.case.measure_ordered.v1": ev.MeasureOrdered,
    "phaseout.environment.case.rectified.v1": ev.CaseRectified,
    "phaseout.environment.case.overdue.v1": ev.CaseOverdue,
    "phaseout.environment.closure.proposed.v1": ev.ClosureProposed,
    "phaseout.environment.closure.approved.v1": ev.ClosureApproved,
    "phaseout.environment.closure.rejected.v1": ev.ClosureRejected,
    "phaseout.environment.closure.ordered.v1": ev.ClosureOrdered,
    "phaseout.environment.case.rechecked.v1": ev.CaseRechecked,
    "phaseout.environment.case.reopened.v1": ev.CaseReopened,
}
CASE_EVENTS = [n for n in TYPES if ".case." in n or ".closure." in n]
ENTERPRISE_EVENTS = [n for n in TYPES if ".catalogue." not in n]
EXIT_FACTS = {"capacity_amount", "capacity_unit", "item", "rule", "catalogue_version"}


def required(name: str) -> set[str]:
    schema: dict[str, Any] = TYPES[name].model_json_schema()
    return set(schema["required"])


@pytest.mark.parametrize(("name", "model"), TYPES.items())
def test_every_event_type_is_registered(name: str, model: type[EventPayload]) -> None:
    assert TYPE_PATTERN.match(name)
    assert registry[name] is model and model.event_type == name


COMMON = {"enterprise", "disclosure", "referral", "evidence", "document"}
"""Nouns every agency service emits alike (its register, disclosures and referrals)."""


def test_no_other_environment_event_types() -> None:
    load_all()
    ours = {
        name
        for name in registry
        if name.startswith("phaseout.environment.") and name.split(".")[2] not in COMMON
    }
    assert ours == set(TYPES)


@pytest.mark.parametrize("model", TYPES.values())
def test_every_field_is_described_and_dated(model: type[EventPayload]) -> None:
    assert all(field.description for field in model.model_fields.values())
    assert "effective_on" in model.model_json_schema()["required"]


@pytest.mark.parametrize("name", ENTERPRISE_EVENTS)
def test_every_enterprise_event_names_the_enterprise(name: str) -> None:
    assert {"uscc", "district", "industry", "effective_on"} <= required(name)


@pytest.mark.parametrize("name", CASE_EVENTS)
def test_every_case_event_carries_its_id_state_and_deadline(name: str) -> None:
    """The aggregator projects any event with `case_id` and `state` into its case view."""
    fields = TYPES[name].model_fields
    assert {"case_id", "state", "deadline"} <= set(fields)
    assert {"case_id", "state"} <= required(name)
    # supersession's events are every dimension's alike: `superseded`, or the state resumed
    common = name.split(".")[3] in ("superseded", "resumed")
    assert fields["state"].annotation is (str if common else ev.CaseState)


@pytest.mark.parametrize("verb", ["closure.ordered", "case.reopened"])
def test_the_closure_and_its_revival_carry_what_the_exit_list_counts(verb: str) -> None:
    assert required(f"phaseout.environment.{verb}.v1") >= EXIT_FACTS


def test_the_closure_order_names_the_approval() -> None:
    fields = ev.ClosureOrdered.model_fields
    assert fields["catalogue_version"].annotation is str
    assert {"approved_by", "approved_on", "government", "order"} <= set(fields)
