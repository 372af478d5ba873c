"""The production licence (生产许可证): recorded, in force within its validity, revoked (吊销) or
cancelled (注销) — every legal and illegal move."""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from quality_examples import LICENCE, REBAR, USCC, licence

from phaseout_quality.domain.licence import (
    LICENCE_LIFECYCLE,
    ProductionLicence,
    licences_covering,
)
from phaseout_shared.contracts.quality import (
    LicenceCancelled,
    LicenceRecorded,
    LicenceRevoked,
    LicenceStatus,
    RevocationReason,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

ON = date(2019, 9, 10)


def test_recording_announces_the_licence() -> None:
    found = ProductionLicence.record(
        number=" XK05-001-00001 ",
        site=Site(USCC, District.BAOAN, Industry.STEEL),
        products=[REBAR, f" {REBAR}", "热轧光圆钢筋"],
        issuer=" 广东省市场监督管理局 ",
        valid_from=date(2017, 3, 1),
        valid_until=date(2022, 2, 28),
        effective_on=date(2019, 5, 20),
    )
    (event,) = found.pull_events()
    assert isinstance(event, LicenceRecorded)
    assert event.event_type == "phaseout.quality.licence.recorded.v1"
    assert (event.licence_number, event.status, event.issuer) == (
        LICENCE,
        LicenceStatus.VALID,
        "广东省市场监督管理局",
    )
    assert event.products == (REBAR, "热轧光圆钢筋")
    assert (event.uscc, event.district, event.industry) == (USCC, "baoan", "steel")
    assert event.effective_on == date(2019, 5, 20)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": "XK05 001"}, "licence_number"),
        ({"number": "XK05/001"}, "licence_number"),
        ({"number": ""}, "licence_number"),
        ({"number": "X" * 65}, "licence_number"),
        ({"products": []}, "products"),
        ({"products": [REBAR, ""]}, "products[1]"),
        ({"issuer": "  "}, "issuer"),
        ({"valid_until": date(2017, 2, 28)}, "valid_until"),
        ({"uscc": "91440300MA5F00001Z"}, "uscc"),
    ],
)
def test_a_malformed_licence_is_refused_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        licence(**overrides)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("day", "status", "in_force"),
    [
        (date(2017, 2, 28), "not_yet_valid", False),
        (date(2017, 3, 1), "valid", True),
        (date(2022, 2, 28), "valid", True),
        (date(2022, 3, 1), "expired", False),
    ],
)
def test_a_licence_is_in_force_from_its_first_to_its_last_day(
    day: date, status: str, in_force: bool
) -> None:
    held = licence()
    assert held.status_on(day) == status
    assert held.in_force(day) is in_force
    assert held.covers(REBAR, day) is in_force
    assert not held.covers("冷轧带肋钢筋", day)


def test_the_related_licences_are_those_in_force_covering_the_product() -> None:
    rebar, wire = licence(), licence(number="XK05-001-00002", products=["盘条"])
    expired = licence(number="XK05-001-00003", valid_until=date(2019, 1, 1))
    assert licences_covering([rebar, wire, expired], REBAR, ON) == [rebar]


def _revoke(held: ProductionLicence) -> None:
    held.revoke(case_id=uuid4(), reason=RevocationReason.OVERDUE, decision="决定", effective_on=ON)


def _cancel(held: ProductionLicence) -> None:
    held.cancel(request_id=uuid4(), effective_on=ON)


def licence_in(status: LicenceStatus) -> ProductionLicence:
    held = licence()
    if status is LicenceStatus.REVOKED:
        _revoke(held)
    elif status is LicenceStatus.CANCELLED:
        _cancel(held)
    held.pull_events()
    return held


MOVES: dict[str, Callable[[ProductionLicence], None]] = {"revoke": _revoke, "cancel": _cancel}
LEGAL = {
    (LicenceStatus.VALID, "revoke"): (LicenceStatus.REVOKED, LicenceRevoked),
    (LicenceStatus.VALID, "cancel"): (LicenceStatus.CANCELLED, LicenceCancelled),
    (LicenceStatus.REVOKED, "cancel"): (LicenceStatus.CANCELLED, LicenceCancelled),
}
EVERY = [(status, move) for status in LicenceStatus for move in MOVES]


@pytest.mark.parametrize(("status", "move"), EVERY, ids=[f"{s}-{m}" for s, m in EVERY])
def test_every_move_is_legal_or_refused(status: LicenceStatus, move: str) -> None:
    held = licence_in(status)
    legal = LEGAL.get((status, move))
    if legal is None:
        with pytest.raises(Conflict) as refused:
            MOVES[move](held)
        assert refused.value.rule == f"lifecycle.{move}"
        assert held.status is status and held.pull_events() == []
        return
    MOVES[move](held)
    target, event_type = legal
    (event,) = held.pull_events()
    assert held.status is target and isinstance(event, event_type)
    assert event.status is target and event.effective_on == ON  # type: ignore[attr-defined]


def test_the_table_has_exactly_these_moves() -> None:
    assert LICENCE_LIFECYCLE.allowed_from(LicenceStatus.VALID) == ["revoke", "cancel"]
    assert LICENCE_LIFECYCLE.allowed_from(LicenceStatus.REVOKED) == ["cancel"]
    assert LICENCE_LIFECYCLE.allowed_from(LicenceStatus.CANCELLED) == []


def test_an_expired_licence_cannot_be_revoked() -> None:
    held = licence(valid_until=date(2019, 9, 1))
    with pytest.raises(Conflict) as refused:
        _revoke(held)
    assert "expired on 2019-09-10" in refused.value.reason
    assert refused.value.rule == "quality.licence.revoke_in_force"


def test_no_act_may_precede_the_licences_last_one() -> None:
    held = licence(effective_on=date(2019, 9, 20))
    with pytest.raises(Conflict) as refused:
        _cancel(held)
    assert refused.value.field == "effective_on" and held.status is LicenceStatus.VALID


def test_a_revocation_must_name_its_decision() -> None:
    held = licence()
    with pytest.raises(InvalidInput) as refused:
        held.revoke(case_id=uuid4(), reason=RevocationReason.OVERDUE, decision="", effective_on=ON)
    assert refused.value.field == "decision" and held.status is LicenceStatus.VALID
