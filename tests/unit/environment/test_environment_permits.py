"""Pollutant-discharge permits and the permit grounds: 持证排污、按证排污，不得无证排污."""

from datetime import date

import pytest
from environment_examples import CATALOGUE, USCC

from phaseout_environment.domain.permits import Permit, PermitStatus, Standing, valid_permit
from phaseout_environment.domain.violation import stated_violation
from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts.environment import ViolationKind
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

FROM, UNTIL = date(2018, 1, 1), date(2020, 12, 31)


def permit(number: str = "91440300MA5E0000144001P") -> Permit:
    return Permit.record(
        permit_no=number,
        site=Site(USCC, District.BAOAN, Industry.PAPER),
        scope=["COD", "氨氮", ""],
        valid_from=FROM,
        valid_until=UNTIL,
        effective_on=date(2019, 3, 1),
    )


def test_a_permit_has_its_number_scope_and_validity() -> None:
    p = permit()
    (event,) = p.pull_events()
    assert isinstance(event, ev.PermitRecorded)
    assert (event.permit_no, event.scope, event.valid_from, event.valid_until) == (
        "91440300MA5E0000144001P",
        ("COD", "氨氮"),
        FROM,
        UNTIL,
    )


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(2017, 12, 31), PermitStatus.NOT_YET_VALID),
        (FROM, PermitStatus.VALID),
        (UNTIL, PermitStatus.VALID),
        (date(2021, 1, 1), PermitStatus.EXPIRED),
    ],
)
def test_a_permit_is_valid_from_its_first_to_its_last_day(day: date, status: PermitStatus) -> None:
    assert permit().status_on(day) is status


def test_a_revoked_permit_is_not_valid_from_the_revocation() -> None:
    p = permit()
    p.pull_events()
    p.revoke("排污许可证被撤销", date(2019, 7, 1))
    (event,) = p.pull_events()
    assert isinstance(event, ev.PermitRevoked) and event.reason == "排污许可证被撤销"
    assert p.status_on(date(2019, 6, 30)) is PermitStatus.VALID
    assert p.status_on(date(2019, 7, 1)) is PermitStatus.REVOKED
    with pytest.raises(Conflict):
        p.revoke("again", date(2019, 7, 2))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"valid_until": date(2017, 1, 1)}, "valid_until"),
        ({"scope": [" "]}, "scope"),
        ({"permit_no": " "}, "permit_no"),
    ],
)
def test_a_permit_needs_a_number_a_scope_and_a_sane_validity(
    change: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "permit_no": "P-1",
        "site": Site(USCC, District.BAOAN, Industry.PAPER),
        "scope": ["COD"],
        "valid_from": FROM,
        "valid_until": UNTIL,
        "effective_on": FROM,
        **change,
    }
    with pytest.raises(InvalidInput) as refused:
        Permit.record(**arguments)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_discharging_without_a_valid_permit_is_a_violation() -> None:
    expired = date(2021, 3, 1)
    assert valid_permit([permit()], expired) is None
    found = stated_violation(CATALOGUE, ViolationKind.NO_PERMIT, "discharging", expired, [permit()])
    assert (found.kind, found.rule, found.reference) == (
        ViolationKind.NO_PERMIT,
        "G-no-permit",
        None,
    )
    assert "不得无证排污" in found.basis and "二（二）3" in found.basis


def test_holding_a_valid_permit_refuses_the_no_permit_ground() -> None:
    with pytest.raises(Conflict, match="is valid on") as refused:
        stated_violation(CATALOGUE, ViolationKind.NO_PERMIT, "x", date(2019, 6, 1), [permit()])
    assert refused.value.rule == "G-no-permit"


def test_discharging_not_as_the_permit_says_needs_a_permit() -> None:
    found = stated_violation(
        CATALOGUE, ViolationKind.NOT_PER_PERMIT, "outlet not in scope", date(2019, 6, 1), [permit()]
    )
    assert found.reference == "91440300MA5E0000144001P"
    with pytest.raises(Conflict, match="无证排污"):
        stated_violation(CATALOGUE, ViolationKind.NOT_PER_PERMIT, "x", date(2019, 6, 1), [])


@pytest.mark.parametrize("kind", [ViolationKind.SOLID_WASTE, ViolationKind.OVER_TOTAL_QUANTITY])
def test_the_other_grounds_are_stated_with_the_plans_words(kind: ViolationKind) -> None:
    found = stated_violation(CATALOGUE, kind, "sludge dumped", date(2019, 6, 1), [])
    assert found.rule == CATALOGUE.ground(kind).id
    assert CATALOGUE.ground(kind).wording_zh in found.basis


@pytest.mark.parametrize(
    "kind", [ViolationKind.OVER_EMISSION_STANDARD, ViolationKind.BANNED_EQUIPMENT]
)
def test_what_the_catalogue_decides_is_not_stated(kind: ViolationKind) -> None:
    with pytest.raises(InvalidInput) as refused:
        stated_violation(CATALOGUE, kind, "x", date(2019, 6, 1), [])
    assert refused.value.field == "violation"


def test_findings_must_be_stated() -> None:
    with pytest.raises(InvalidInput) as refused:
        stated_violation(CATALOGUE, ViolationKind.SOLID_WASTE, "  ", date(2019, 6, 1), [])
    assert refused.value.field == "findings"


def test_the_standing_on_a_day_says_whether_a_permit_is_valid() -> None:
    other = permit("P-2")
    other.revoke("withdrawn", date(2019, 3, 2))
    standing = Standing.of(USCC, [permit(), other], date(2019, 6, 1))
    assert standing.valid is True
    assert standing.permits == {
        "91440300MA5E0000144001P": PermitStatus.VALID,
        "P-2": PermitStatus.REVOKED,
    }
    assert Standing.of(USCC, [other], date(2019, 6, 1)).valid is False
