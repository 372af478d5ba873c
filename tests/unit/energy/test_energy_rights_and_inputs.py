"""Who may write what in the energy service, the city's today, and the request bodies' limits."""

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
from energy_examples import USCC_A
from pydantic import ValidationError

from phaseout_energy.api.schemas import InspectionIn, ListEntryIn
from phaseout_energy.app.desk import DESK, SUPERVISORS
from phaseout_energy.domain.pricing import RECORDING_AGENCIES
from phaseout_shared.auth import Principal
from phaseout_shared.city_time import refuse_future, today
from phaseout_shared.contracts.energy import PricingKind
from phaseout_shared.domain.errors import Forbidden, InvalidInput
from phaseout_shared.reference import CITY, Agency
from phaseout_shared.unit_of_work import UnitOfWork


def work(
    agency: Agency | None = Agency.MIIT,
    jurisdiction: str = "city",
    roles: tuple[str, ...] = ("officer",),
    now: datetime = datetime(2020, 3, 1, 3, 0, tzinfo=UTC),
) -> UnitOfWork:
    principal = Principal(sub="t", agency=agency, jurisdiction=jurisdiction, roles=list(roles))
    return cast(UnitOfWork, SimpleNamespace(principal=principal, now=now))


@pytest.mark.parametrize("agency", [Agency.MIIT, Agency.DRC])
def test_miit_and_drc_supervise(agency: Agency) -> None:
    assert DESK.authorise(work(agency, "baoan"), "baoan") is agency
    assert DESK.authorise(work(agency), CITY) is agency


@pytest.mark.parametrize(
    ("who", "district", "field"),
    [
        (work(Agency.WATER), "baoan", "agency"),
        (work(Agency.SAMR), "baoan", "agency"),
        (work(None, "baoan"), "baoan", "agency"),
        (work(Agency.MIIT, "luohu"), "baoan", "district"),
        (work(Agency.DRC, "baoan"), "city", "district"),
        (work(Agency.MIIT, roles=("reader",)), "baoan", "roles"),
    ],
)
def test_the_rest_may_not(who: UnitOfWork, district: str, field: str) -> None:
    with pytest.raises(Forbidden) as raised:
        DESK.authorise(who, district)
    assert raised.value.field == field


def test_water_prices_water_only() -> None:
    water = RECORDING_AGENCIES[PricingKind.PROGRESSIVE_WATER]
    assert DESK.authorise(work(Agency.WATER, "baoan"), "baoan", water) is Agency.WATER
    for kind in set(PricingKind) - {PricingKind.PROGRESSIVE_WATER}:
        assert RECORDING_AGENCIES[kind] == SUPERVISORS
        with pytest.raises(Forbidden):
            DESK.authorise(work(Agency.WATER), "baoan", RECORDING_AGENCIES[kind])


def test_today_is_the_citys_date() -> None:
    assert today(work(now=datetime(2020, 2, 29, 15, 59, tzinfo=UTC))) == date(2020, 2, 29)
    assert today(work(now=datetime(2020, 2, 29, 16, 0, tzinfo=UTC))) == date(2020, 3, 1)


def test_acts_are_recorded_once_they_happened() -> None:
    refuse_future(work(), inspected_on=date(2020, 3, 1))
    with pytest.raises(InvalidInput) as raised:
        refuse_future(work(), ordered_on=date(2020, 3, 1), verified_on=date(2020, 3, 2))
    assert raised.value.field == "verified_on"


INSPECTION: dict[str, Any] = {
    "indicator_id": "gb21346.aluminium_liquid_ac_power",
    "measured_value": "13800",
    "unit": "kWh/t",
    "effective_on": "2019-08-31",
    "capacity_amount": "120000",
    "capacity_unit": "t/a",
}


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"effective_on": "1999-12-31"}, "effective_on"),
        ({"effective_on": "2101-01-01"}, "effective_on"),
        ({"measured_value": "Infinity"}, "measured_value"),
        ({"unit": "kWh\x00/t"}, "unit"),
        ({"capacity_amount": "-5"}, "capacity_amount"),
        ({"extra": True}, "extra"),
    ],
)
def test_inspection_bodies_refuse_what_cannot_be_judged(over: dict[str, Any], field: str) -> None:
    assert InspectionIn.model_validate(INSPECTION).effective_on == date(2019, 8, 31)
    with pytest.raises(ValidationError) as raised:
        InspectionIn.model_validate({**INSPECTION, **over})
    assert raised.value.errors()[0]["loc"][0] == field


def test_nul_is_refused_inside_lists_too() -> None:
    entry = {"uscc": USCC_A, "requirements": ["ok"], "due_on": "2020-01-01"}
    assert ListEntryIn.model_validate(entry).requirements == ["ok"]
    with pytest.raises(ValidationError) as raised:
        ListEntryIn.model_validate({**entry, "requirements": ["ok", "bad\x00"]})
    assert raised.value.errors()[0]["loc"][0] == "requirements"
