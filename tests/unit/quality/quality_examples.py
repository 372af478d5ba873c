"""Example enterprises, licences, spot checks and cases for the quality domain's unit tests."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from phaseout_quality.domain.cancellation import CancellationRequest
from phaseout_quality.domain.case import QualityCase
from phaseout_quality.domain.licence import ProductionLicence
from phaseout_quality.domain.spot_check import SpotCheck
from phaseout_quality.domain.unlicensed import UnlicensedProductionCase
from phaseout_shared.contracts.quality import ShutdownGround
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry, uscc_check_character


def _uscc(body: str) -> str:
    return body + uscc_check_character(body)


def sited(arguments: dict[str, Any]) -> dict[str, Any]:
    """`arguments` with the enterprise's uscc, district and industry given as one site."""
    site = Site(arguments.pop("uscc"), arguments.pop("district"), arguments.pop("industry", None))
    return {**arguments, "site": site}


USCC = _uscc("91440300MA5F00001")
OTHER_USCC = _uscc("91440300MA5F00002")
CASE_ID = UUID("00000000-0000-4000-8000-00000000000a")
CHECKED = date(2019, 6, 3)
DEADLINE = date(2019, 8, 31)
REBAR = "热轧带肋钢筋"
STANDARD = "GB/T 1499.2-2018"
LICENCE = "XK05-001-00001"


def licence(**overrides: Any) -> ProductionLicence:
    arguments: dict[str, Any] = {
        "number": LICENCE,
        "uscc": USCC,
        "district": District.BAOAN,
        "industry": Industry.STEEL,
        "products": [REBAR, "热轧光圆钢筋"],
        "issuer": "广东省市场监督管理局",
        "valid_from": date(2017, 3, 1),
        "valid_until": date(2022, 2, 28),
        "effective_on": date(2019, 5, 20),
        **overrides,
    }
    found = ProductionLicence.record(**sited(arguments))
    found.pull_events()
    return found


def spot_check(**overrides: Any) -> SpotCheck:
    arguments: dict[str, Any] = {
        "check_id": uuid4(),
        "uscc": USCC,
        "district": District.BAOAN,
        "industry": Industry.STEEL,
        "product": REBAR,
        "standard": STANDARD,
        "passed": False,
        "failed_items": ["屈服强度", "重量偏差"],
        "effective_on": CHECKED,
        "rectify_by": DEADLINE,
        **overrides,
    }
    return SpotCheck.record(**sited(arguments))


def open_case(**overrides: Any) -> QualityCase:
    return QualityCase.open(CASE_ID, spot_check(**overrides))


def quiet_case(**overrides: Any) -> QualityCase:
    """An opened case whose opening event was already pulled."""
    case = open_case(**overrides)
    case.pull_events()
    return case


def unlicensed_case(**overrides: Any) -> UnlicensedProductionCase:
    arguments: dict[str, Any] = {
        "case_id": CASE_ID,
        "uscc": USCC,
        "district": District.BAOAN,
        "industry": Industry.STEEL,
        "product": "冷轧带肋钢筋",
        "description": "现场发现无证生产冷轧带肋钢筋",
        "licences": [licence()],
        "effective_on": CHECKED,
        **overrides,
    }
    return UnlicensedProductionCase.open(**sited(arguments))


def cancellation(held: ProductionLicence | None = None, **overrides: Any) -> CancellationRequest:
    arguments: dict[str, Any] = {
        "request_id": uuid4(),
        "licence": held or licence(),
        "ground": ShutdownGround.TECHNOLOGY,
        "shutdown_reference": "technology case 7f3c (拆除)",
        "shut_down_on": date(2019, 7, 1),
        "effective_on": date(2019, 7, 5),
        **overrides,
    }
    return CancellationRequest.make(**arguments)
