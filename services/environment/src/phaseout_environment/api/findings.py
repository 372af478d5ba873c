"""Routes that find violations: measurements, equipment, violations stated by the officer."""

from __future__ import annotations

from fastapi import APIRouter, status

from phaseout_environment.adapters.tables import CASES, EQUIPMENT, MEASUREMENTS
from phaseout_environment.api import schemas as s
from phaseout_environment.app import findings as commands
from phaseout_environment.domain.survey import EquipmentState
from phaseout_shared.contracts.environment import MeasurementVerdict
from phaseout_shared.params import UsccPath
from phaseout_shared.record_routes import Before, Choice, Records, one_of

router = APIRouter(prefix="/v1")
CREATED = status.HTTP_201_CREATED


measurements = Records(router, MEASUREMENTS, tags=["measurements"])
equipment = Records(router, EQUIPMENT, tags=["equipment"])
cases = Records(router, CASES, tags=["cases"])


measurements.act_route(
    "/enterprises/{uscc}/measurements",
    commands.record_measurement,
    s.MeasurementIn,
    "Judge a measured concentration against its limit; over it, a case opens at once.",
    new=True,
    uscc=UsccPath,
)
measurements.list_route("/measurements", Choice("verdict", one_of(MeasurementVerdict)))
equipment.act_route(
    "/enterprises/{uscc}/equipment",
    commands.survey_equipment,
    s.EquipmentIn,
    """Judge an item against Table 2; an eliminated one opens a case, a coal boiler to convert
    goes on the conversion list.""",
    new=True,
    uscc=UsccPath,
)
equipment.act_route(
    "/enterprises/{uscc}/equipment/{item_id}/conversion",
    commands.record_conversion,
    s.ConversionIn,
    "The coal-fired item now runs on clean energy (清洁能源改造 / 煤改气).",
    uscc=UsccPath,
    item_id=str,
)
equipment.list_route(
    "/equipment",
    Choice("state", one_of(EquipmentState)),
    Before("overdue_as_of", "Conversions due before this date, not yet done"),
)


cases.act_route(
    "/enterprises/{uscc}/violations",
    commands.record_violation,
    s.ViolationIn,
    "A violation the officer found (solid waste, total quantity, permits): a case opens.",
    new=True,
    renamed={"violation": "kind"},
    uscc=UsccPath,
)
