"""Example enterprises, samples and cases for the environment domain's unit tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from phaseout_environment.domain.case import EnvironmentCase
from phaseout_environment.domain.catalogue import shipped
from phaseout_environment.domain.measurement import Assessment, Sample, assess
from phaseout_environment.domain.violation import Violation, over_the_limit
from phaseout_shared.contracts.environment import ClosureOrderKind, ClosureScope, Measure
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry, uscc_check_character

CATALOGUE = shipped()
CASE_ID = UUID("00000000-0000-4000-8000-0000000000e1")
FOUND = date(2019, 6, 3)
GOVERNMENT = "宝安区人民政府"


def uscc(serial: str) -> str:
    body = "91440300MA5E" + serial.rjust(5, "0")
    return body + uscc_check_character(body)


USCC = uscc("1")


def kiln_nox(value: str = "350", on: date = FOUND) -> Assessment:
    """GB 4915-2013 kiln NOx, special limit 320 mg/m³."""
    sample = Sample(
        industry=Industry.CEMENT,
        limit_id="gb4915.kiln.nox",
        value=Decimal(value),
        unit="mg/m³",
        sampled_on=on,
    )
    return assess(CATALOGUE, sample)


def violation(on: date = FOUND) -> Violation:
    return over_the_limit(kiln_nox(on=on), "2# kiln NOx over the special limit", on, "m-1")


def open_case(on: date = FOUND) -> EnvironmentCase:
    return EnvironmentCase.open(
        case_id=CASE_ID,
        site=Site(USCC, District.BAOAN, Industry.CEMENT),
        violation=violation(on),
    )


def propose(case: EnvironmentCase, on: date, government: str = GOVERNMENT) -> None:
    case.propose_closure(
        government=government,
        grounds="repeatedly over the limit after suspension",
        scope=ClosureScope.LINE,
        item="2# clinker line",
        capacity_amount=Decimal("1200000"),
        capacity_unit="t/a",
        effective_on=on,
    )


def closed_case(on: date = FOUND) -> EnvironmentCase:
    """A case carried to the closure order, every act on `on`."""
    case = open_case(on)
    case.order_measure(Measure.SUSPEND_FOR_RECTIFICATION, date(2019, 12, 1), on)
    propose(case, on)
    case.approve_closure(government=GOVERNMENT, approved_by="区长 (mayor)", effective_on=on)
    case.order_closure(order=ClosureOrderKind.CLOSE, effective_on=on)
    case.pull_events()
    return case
