"""The safety dimension's event contracts: names, common fields, what the case view and the
exit list need."""

from typing import Any

import pytest

from phaseout_shared.contracts import load_all, safety
from phaseout_shared.contracts.base import TYPE_PATTERN, EventPayload, registry
from phaseout_shared.contracts.safety import FiveInPlace
from phaseout_shared.contracts.supersession import RESUMED, SUPERSEDED
from phaseout_shared.reference import Dimension

TYPES: dict[str, type[EventPayload]] = {
    "phaseout.safety.case.superseded.v1": SUPERSEDED["safety"],
    "phaseout.safety.case.resumed.v1": RESUMED["safety"],
    "phaseout.safety.listing.entered.v1": safety.ListingEntered,
    "phaseout.safety.listing.moved.v1": safety.ListingMoved,
    "phaseout.safety.listing.removed.v1": safety.ListingRemoved,
    "phaseout.safety.inspection.recorded.v1": safety.InspectionRecorded,
    "phaseout.safety.hazard.found.v1": safety.HazardFound,
    "phaseout.safety.hazard.five_in_place_updated.v1": safety.FiveInPlaceUpdated,
    "phaseout.safety.hazard.overdue.v1": safety.HazardOverdue,
    "phaseout.safety.hazard.rectified.v1": safety.HazardRectified,
    "phaseout.safety.case.suspension_ordered.v1": safety.SuspensionOrdered,
    "phaseout.safety.case.overdue.v1": safety.CaseOverdue,
    "phaseout.safety.case.suspension_lifted.v1": safety.SuspensionLifted,
    "phaseout.safety.case.reinspection_failed.v1": safety.ReinspectionFailed,
    "phaseout.safety.case.closure_requested.v1": safety.ClosureRequested,
    "phaseout.safety.case.closure_decided.v1": safety.ClosureDecided,
    "phaseout.safety.case.closure_declined.v1": safety.ClosureDeclined,
    "phaseout.safety.case.closed.v1": safety.CaseClosed,
    "phaseout.safety.case.licences_revoked.v1": safety.LicencesRevoked,
    "phaseout.safety.case.revival_found.v1": safety.CaseRevivalFound,
}
CASE_EVENTS = [n for n in TYPES if ".case." in n or ".hazard." in n]
COMMON = {"uscc", "district", "industry", "effective_on"}
EXIT_FACTS = {
    "case_id",
    "district",
    "industry",
    "item",
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


def test_no_other_safety_event_types() -> None:
    """Apart from the types every dimension shares (register, disclosure …)."""
    load_all()
    ours = {
        n.removeprefix("phaseout.safety.") for n in registry if n.startswith("phaseout.safety.")
    }
    shared = {t for t in ours if all(f"phaseout.{d}.{t}" in registry for d in Dimension)}
    assert {f"phaseout.safety.{t}" for t in ours - shared} == set(TYPES)


@pytest.mark.parametrize("model", TYPES.values())
def test_every_payload_names_the_enterprise_and_its_date_with_described_fields(
    model: type[EventPayload],
) -> None:
    schema: dict[str, Any] = model.model_json_schema()
    assert set(schema["required"]) >= COMMON
    assert all(field.description for field in model.model_fields.values())


@pytest.mark.parametrize("name", CASE_EVENTS)
def test_case_events_carry_the_case_its_state_and_its_deadline(name: str) -> None:
    schema = TYPES[name].model_json_schema()
    assert {"case_id", "state", "deadline"} <= set(schema["required"])


def test_the_closure_carries_what_the_exit_list_counts() -> None:
    assert set(safety.CaseClosed.model_json_schema()["required"]) >= EXIT_FACTS


def test_the_five_in_place_name_what_is_missing_in_the_plans_order() -> None:
    assert FiveInPlace(measures="加固", plan="应急预案").missing() == [
        "responsibility",
        "funds",
        "time_limit",
    ]
