from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from energy_examples import USCC_A

from phaseout_energy.domain.pricing import (
    RECORDING_AGENCIES,
    PricingMeasure,
    measures_in_force,
)
from phaseout_shared.contracts.energy import (
    PricingBasis,
    PricingKind,
    PricingMeasureEnded,
    PricingMeasureRecorded,
)
from phaseout_shared.domain.errors import Conflict, Forbidden, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import Agency, District, Industry

ELECTRICITY = [
    PricingKind.DIFFERENTIAL_ELECTRICITY,
    PricingKind.TIERED_ELECTRICITY,
    PricingKind.PUNITIVE_ELECTRICITY,
]


def measure(
    kind: PricingKind = PricingKind.PUNITIVE_ELECTRICITY,
    agency: Agency = Agency.DRC,
    starts_on: date = date(2019, 7, 1),
    ends_on: date | None = None,
    **extra: Decimal | str,
) -> PricingMeasure:
    return PricingMeasure.record(
        measure_id=uuid4(),
        site=Site(USCC_A, District.LONGGANG, Industry.ELECTROLYTIC_ALUMINIUM),
        kind=kind,
        basis=PricingBasis.OVER_ENERGY_LIMIT,
        basis_reference="GB 21346-2013 gb21346.aluminium_liquid_ac_power, catalogue v1",
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=agency,
        **extra,  # type: ignore[arg-type]
    )


def test_who_records_which_kind() -> None:
    assert {
        PricingKind.DIFFERENTIAL_ELECTRICITY: {Agency.DRC, Agency.MIIT},
        PricingKind.TIERED_ELECTRICITY: {Agency.DRC, Agency.MIIT},
        PricingKind.PUNITIVE_ELECTRICITY: {Agency.DRC, Agency.MIIT},
        PricingKind.PROGRESSIVE_WATER: {Agency.WATER},
    } == RECORDING_AGENCIES


@pytest.mark.parametrize(
    ("kind", "agency"),
    [(k, a) for k in ELECTRICITY for a in (Agency.DRC, Agency.MIIT)]
    + [(PricingKind.PROGRESSIVE_WATER, Agency.WATER)],
)
def test_allowed_agencies_record(kind: PricingKind, agency: Agency) -> None:
    recorded = measure(kind, agency)
    [event] = recorded.pull_events()
    assert isinstance(event, PricingMeasureRecorded)
    assert (event.kind, event.recorded_by, event.uscc, event.effective_on) == (
        kind,
        agency,
        USCC_A,
        date(2019, 7, 1),
    )


@pytest.mark.parametrize(
    ("kind", "agency"),
    [(k, Agency.WATER) for k in ELECTRICITY]
    + [(PricingKind.PROGRESSIVE_WATER, a) for a in (Agency.DRC, Agency.MIIT)]
    + [(PricingKind.PUNITIVE_ELECTRICITY, a) for a in (Agency.MEE, Agency.SAMR, Agency.MEM)],
)
def test_other_agencies_are_forbidden(kind: PricingKind, agency: Agency) -> None:
    with pytest.raises(Forbidden) as raised:
        measure(kind, agency)
    assert raised.value.rule == "energy.pricing.recording_agencies"


def test_in_force_from_start_to_end_inclusive() -> None:
    m = measure(starts_on=date(2019, 7, 1), ends_on=date(2019, 12, 31))
    assert not m.in_force(date(2019, 6, 30))
    assert m.in_force(date(2019, 7, 1)) and m.in_force(date(2019, 12, 31))
    assert not m.in_force(date(2020, 1, 1))
    open_ended = measure()
    assert open_ended.in_force(date(2030, 1, 1))
    assert measures_in_force([m, open_ended], date(2020, 1, 1)) == [open_ended]


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        measure(starts_on=date(2019, 7, 1), ends_on=date(2019, 6, 30))
    assert raised.value.field == "ends_on"
    assert measure(starts_on=date(2019, 7, 1), ends_on=date(2019, 7, 1)).in_force(date(2019, 7, 1))


def test_capacity_needs_amount_and_unit() -> None:
    with pytest.raises(InvalidInput):
        measure(capacity_amount=Decimal("10"))
    priced = measure(capacity_amount=Decimal("10"), capacity_unit="kA")
    [event] = priced.pull_events()
    assert isinstance(event, PricingMeasureRecorded) and event.capacity_unit == "kA"


def test_ending_a_measure() -> None:
    m = measure()
    m.pull_events()
    m.end(ends_on=date(2019, 12, 31), ended_by=Agency.MIIT)
    assert m.ended and not m.in_force(date(2020, 1, 1)) and m.in_force(date(2019, 12, 31))
    [event] = m.pull_events()
    assert isinstance(event, PricingMeasureEnded)
    assert (event.ends_on, event.effective_on, event.ended_by) == (
        date(2019, 12, 31),
        date(2019, 12, 31),
        Agency.MIIT,
    )
    with pytest.raises(Conflict):
        m.end(ends_on=date(2019, 12, 30), ended_by=Agency.DRC)


def test_ending_refusals() -> None:
    m = measure(ends_on=date(2019, 12, 31))
    with pytest.raises(Forbidden):
        m.end(ends_on=date(2019, 10, 1), ended_by=Agency.WATER)
    with pytest.raises(InvalidInput) as raised:
        m.end(ends_on=date(2019, 6, 1), ended_by=Agency.DRC)
    assert raised.value.field == "ends_on"
    with pytest.raises(InvalidInput) as raised:
        m.end(ends_on=date(2020, 1, 31), ended_by=Agency.DRC)
    assert raised.value.rule == "energy.pricing.end_not_later"
    m.end(ends_on=date(2019, 10, 1), ended_by=Agency.DRC)
    assert m.ends_on == date(2019, 10, 1)


def test_a_bad_code_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        PricingMeasure.record(
            measure_id=uuid4(),
            site=Site("91440300MA5F000010", District.LONGGANG, Industry.STEEL),
            kind=PricingKind.DIFFERENTIAL_ELECTRICITY,
            basis=PricingBasis.ELIMINATED_CATEGORY,
            basis_reference="产业结构调整指导目录（2011年本）（修正）淘汰类",
            starts_on=date(2019, 7, 1),
            recorded_by=Agency.DRC,
        )
    assert raised.value.field == "uscc"
