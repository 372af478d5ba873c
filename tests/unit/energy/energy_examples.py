"""Example enterprises, inspections and cases for the energy domain's unit tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from phaseout_energy.domain.assess import assess
from phaseout_energy.domain.case import EnergyCase
from phaseout_energy.domain.catalogue import Catalogue, load_catalogue
from phaseout_energy.domain.inspection import Inspection
from phaseout_shared.reference import District, Industry, uscc_check_character

CATALOGUE = load_catalogue()
ALUMINIUM = "gb21346.aluminium_liquid_ac_power"
"""GB 21346-2013 铝液交流电耗: ≤ 13700 kWh/t (限定值), ≤ 12750 kWh/t (准入值)."""
ALUMINIUM_LIMIT = Decimal("13700")


def uscc(serial: str) -> str:
    body = "91440300MA5F" + serial.rjust(5, "0")
    return body + uscc_check_character(body)


USCC_A = uscc("1")
USCC_B = uscc("2")


def inspection(
    measured: str = "13800",
    on: date = date(2019, 8, 31),
    *,
    code: str = USCC_A,
    indicator_id: str = ALUMINIUM,
    industry: Industry = Industry.ELECTROLYTIC_ALUMINIUM,
    unit: str = "kWh/t",
) -> Inspection:
    return Inspection(
        inspection_id=uuid4(),
        uscc=code,
        district=District.BAOAN,
        industry=industry,
        indicator_id=indicator_id,
        measured_value=Decimal(measured),
        unit=unit,
        effective_on=on,
        capacity_amount=Decimal("120000"),
        capacity_unit="t/a",
    )


def open_case(
    on: date = date(2019, 8, 31), *, code: str = USCC_A, case_id: UUID | None = None
) -> EnergyCase:
    found = inspection(on=on, code=code)
    return EnergyCase.open(case_id or uuid4(), found, found.assess(CATALOGUE))


def reinspect(case: EnergyCase, on: date, measured: str, catalogue: Catalogue = CATALOGUE) -> None:
    assessment = assess(
        Industry.ELECTROLYTIC_ALUMINIUM, ALUMINIUM, Decimal(measured), "kWh/t", catalogue
    )
    case.record_reinspection(inspected_on=on, assessment=assessment)
