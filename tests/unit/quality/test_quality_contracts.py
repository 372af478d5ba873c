"""The quality dimension's event contracts: names, the facts every payload carries, and what
the aggregator needs of a case event (and must not find on any other)."""

from typing import Any

import pytest

from phaseout_shared.contracts import quality
from phaseout_shared.contracts.base import TYPE_PATTERN, EventPayload, registry

TYPES: dict[str, type[EventPayload]] = {
    "phaseout.quality.licence.recorded.v1": quality.LicenceRecorded,
    "phaseout.quality.licence.revoked.v1": quality.LicenceRevoked,
    "phaseout.quality.licence.cancelled.v1": quality.LicenceCancelled,
    "phaseout.quality.spot_check.recorded.v1": quality.SpotCheckRecorded,
    "phaseout.quality.case.opened.v1": quality.CaseOpened,
    "phaseout.quality.case.rectified.v1": quality.CaseRectified,
    "phaseout.quality.case.reinspection_failed.v1": quality.ReinspectionFailed,
    "phaseout.quality.case.overdue.v1": quality.CaseOverdue,
    "phaseout.quality.case.licences_revoked.v1": quality.LicencesRevoked,
    "phaseout.quality.unlicensed_case.opened.v1": quality.UnlicensedCaseOpened,
    "phaseout.quality.unlicensed_case.stop_verified.v1": quality.StopVerified,
    "phaseout.quality.unlicensed_case.production_resumed.v1": quality.ProductionResumed,
    "phaseout.quality.cancellation.requested.v1": quality.CancellationRequested,
    "phaseout.quality.cancellation.answered.v1": quality.CancellationAnswered,
}
CASE_EVENTS = [name for name in TYPES if ".case." in name or ".unlicensed_case." in name]
OTHER_EVENTS = [name for name in TYPES if name not in CASE_EVENTS]
ENTERPRISE = {"uscc", "district", "industry", "effective_on"}


def required(model: type[EventPayload]) -> set[str]:
    schema: dict[str, Any] = model.model_json_schema()
    return set(schema["required"])


@pytest.mark.parametrize(("name", "model"), TYPES.items())
def test_every_event_type_is_registered(name: str, model: type[EventPayload]) -> None:
    assert TYPE_PATTERN.match(name)
    assert registry[name] is model and model.event_type == name


def test_no_other_quality_event_types() -> None:
    """Beside those every agency service emits alike (its register, disclosures, referrals…)."""
    ours = {
        name
        for name, model in registry.items()
        if name.startswith("phaseout.quality.") and model.__module__ == quality.__name__
    }
    assert ours == set(TYPES)


@pytest.mark.parametrize("model", TYPES.values())
def test_every_payload_names_the_enterprise_and_the_effective_date(
    model: type[EventPayload],
) -> None:
    assert required(model) >= ENTERPRISE
    assert all(field.description for field in model.model_fields.values())


@pytest.mark.parametrize("name", CASE_EVENTS)
def test_case_events_carry_the_case_its_state_and_its_deadline(name: str) -> None:
    assert {"case_id", "state", "deadline"} <= required(TYPES[name])


@pytest.mark.parametrize("name", OTHER_EVENTS)
def test_other_events_carry_no_case_id_for_the_aggregator_to_mistake(name: str) -> None:
    assert "case_id" not in TYPES[name].model_fields


@pytest.mark.parametrize(
    "name",
    [
        "phaseout.quality.case.opened.v1",
        "phaseout.quality.case.licences_revoked.v1",
        "phaseout.quality.unlicensed_case.opened.v1",
        "phaseout.quality.cancellation.requested.v1",
    ],
)
def test_acts_of_the_plan_carry_their_legal_basis(name: str) -> None:
    assert {"rule", "catalogue_version"} <= required(TYPES[name])


def test_closed_states_are_the_ones_the_city_counts_as_closed() -> None:
    """The aggregator treats `rectified` and `revoked` as closed: the terminal states use them."""
    assert {quality.CaseState.RECTIFIED, quality.CaseState.REVOKED} <= set(quality.CaseState)
    assert quality.UnlicensedState.RECTIFIED == "rectified"
