"""The spot check (监督抽查): an outcome that holds together, its basis and its event."""

from datetime import date
from typing import Any

import pytest
from quality_examples import CHECKED, DEADLINE, REBAR, STANDARD, USCC, spot_check

from phaseout_shared.contracts.quality import SpotCheckRecorded
from phaseout_shared.domain.errors import InvalidInput


def test_a_failed_check_orders_stop_and_rectify_by_its_deadline() -> None:
    check = spot_check(report_number=" No. 2019-SC-117 ")
    assert not check.passed and check.rectify_by == DEADLINE
    assert check.failed_items == ("屈服强度", "重量偏差")
    assert check.report_number == "No. 2019-SC-117"
    assert (check.table3_row, check.catalogue_version) == ("T3-steel", "2019.1")
    assert "依法责令其停止生产并限期整改" in check.basis
    assert f"by {DEADLINE}" in check.basis and "Table 3, row 1 (steel)" in check.basis


def test_a_passed_check_orders_nothing() -> None:
    check = spot_check(passed=True, failed_items=[], rectify_by=None)
    assert check.passed and check.rectify_by is None and check.failed_items == ()
    assert "nothing ordered" in check.basis and "catalogue 2019.1" in check.basis


def test_the_event_names_the_check_and_the_case_it_opened() -> None:
    check = spot_check()
    event = check.recorded()
    assert isinstance(event, SpotCheckRecorded)
    assert event.event_type == "phaseout.quality.spot_check.recorded.v1"
    assert (event.uscc, event.product, event.standard) == (USCC, REBAR, STANDARD)
    assert (event.passed, event.opened_case_id, event.effective_on) == (False, None, CHECKED)


def test_statements_are_stripped_and_repeats_dropped() -> None:
    check = spot_check(product=f"  {REBAR} ", failed_items=["屈服强度 ", "屈服强度"])
    assert check.product == REBAR and check.failed_items == ("屈服强度",)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"passed": True, "rectify_by": None}, "failed_items"),
        ({"passed": True, "failed_items": []}, "rectify_by"),
        ({"failed_items": []}, "failed_items"),
        ({"failed_items": ["屈服强度", " "]}, "failed_items[1]"),
        ({"rectify_by": None}, "rectify_by"),
        ({"rectify_by": CHECKED}, "rectify_by"),
        ({"rectify_by": date(2019, 6, 1)}, "rectify_by"),
        ({"product": "  "}, "product"),
        ({"standard": ""}, "standard"),
        ({"product": "x" * 201}, "product"),
        ({"report_number": "n" * 101}, "report_number"),
        ({"uscc": "91440300MA5F00001X"}, "uscc"),
        ({"district": "atlantis"}, "district"),
        ({"industry": "textiles"}, "industry"),
    ],
)
def test_an_incoherent_check_is_refused_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        spot_check(**overrides)
    assert refused.value.field == field


def test_the_deadline_may_be_the_day_after_the_check() -> None:
    check = spot_check(rectify_by=date(2019, 6, 4))
    assert check.rectify_by == date(2019, 6, 4)
