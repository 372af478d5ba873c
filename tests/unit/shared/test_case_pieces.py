"""The pieces every dimension's cases and registers share: a document's validity, a check's
reasons against its outcome, statements given as a list, and the moves of supersession."""

from datetime import date
from enum import StrEnum

import pytest

from phaseout_shared.contracts.supersession import Superseded
from phaseout_shared.domain.aggregate import non_blank
from phaseout_shared.domain.checks import OnSiteCheck, reasons_agree
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.supersession import SUPERSEDED, supersedable
from phaseout_shared.domain.validity import Validity, check_validity, validity_on

FROM, UNTIL = date(2019, 1, 1), date(2021, 12, 31)


class Step(StrEnum):
    OPEN = "open"
    DONE = "done"
    PROPOSED = "proposed"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 12, 31), Validity.NOT_YET_VALID),
        (FROM, Validity.VALID),
        (UNTIL, Validity.VALID),
        (date(2022, 1, 1), Validity.EXPIRED),
    ],
)
def test_a_document_is_in_force_from_its_first_day_to_its_last_both_included(
    day: date, expected: Validity
) -> None:
    assert validity_on(day, FROM, UNTIL) is expected


def test_a_validity_that_ends_before_it_begins_is_refused_naming_its_end() -> None:
    check_validity(FROM, FROM)
    with pytest.raises(InvalidInput) as refused:
        check_validity(UNTIL, FROM)
    assert refused.value.field == "valid_until"
    assert refused.value.reason == f"valid_until {FROM} is before valid_from {UNTIL}"


def test_a_checks_reasons_must_agree_with_its_outcome() -> None:
    says = {"passed_with": "no reasons when passed", "failed_without": "say why it failed"}
    assert reasons_agree(True, (), "reasons", **says) == ()
    assert reasons_agree(False, ("still running",), "reasons", **says) == ("still running",)
    with pytest.raises(InvalidInput) as passed_with:
        reasons_agree(True, ("still running",), "failed_items", **says)
    assert (passed_with.value.field, passed_with.value.reason) == (
        "failed_items",
        "no reasons when passed",
    )
    with pytest.raises(InvalidInput) as failed_without:
        reasons_agree(False, (), "reasons", **says)
    assert failed_without.value.reason == "say why it failed"


def test_a_check_on_site_keeps_its_outcome_reasons_note_and_date() -> None:
    check = OnSiteCheck(passed=False, reasons=("sealed line powered",), effective_on=FROM)
    assert check.model_dump() == {
        "passed": False,
        "reasons": ("sealed line powered",),
        "note": "",
        "effective_on": FROM,
    }


def test_statements_given_as_a_list_keep_their_non_blank_ones_stripped() -> None:
    assert non_blank([" 断水 ", "", "  ", "断电"]) == ("断水", "断电")
    assert non_blank([]) == ()


def test_a_supersedable_table_adds_supersede_after_its_moves_and_resume_after_its_returns() -> None:
    lifecycle = supersedable(
        {"finish": ([Step.OPEN], Step.DONE), "propose": ([Step.OPEN], Step.PROPOSED)},
        supersede_from=[Step.OPEN],
        returns={"reject": ([Step.PROPOSED], "propose")},
    )
    assert list(lifecycle.transitions) == ["finish", "propose", "supersede"]
    assert lifecycle.allowed_from(Step.OPEN) == ["finish", "propose", "supersede"]
    assert lifecycle.allowed_from(Superseded.SUPERSEDED) == ["resume"]
    assert lifecycle.allowed_from(Step.PROPOSED) == ["reject"]
    assert lifecycle.move("supersede", Step.OPEN) is SUPERSEDED
    assert lifecycle.move_back("resume", SUPERSEDED, Step.OPEN) is Step.OPEN
    with pytest.raises(Conflict):
        lifecycle.move("supersede", Step.DONE)
    with pytest.raises(Conflict):
        lifecycle.move_back("resume", SUPERSEDED, Step.DONE)
