"""Reasons in the caller's language, and codes known by their names (Chinese first)."""

from __future__ import annotations

import pytest

from phaseout_shared.messages import language, localise
from phaseout_shared.reference import District, Industry, code_of, name_of, unit_name


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-GB,en;q=0.9", "en"),
        ("en;q=0.5, zh-TW;q=0.9", "zh"),
        ("fr-FR", "en"),
        ("", "en"),
    ],
)
def test_the_language_is_the_callers_first_of_chinese_or_english(
    header: str, expected: str
) -> None:
    assert language(header) == expected


def test_a_government_without_an_agency_is_named_as_such() -> None:
    reason = "agency None may not do this in the quality dimension (only samr)"
    assert (
        localise(reason, "zh") == "区政府（不属任何部门）无权在质量领域办理此事（仅限市市场监管局）"
    )
    english = localise(reason, "en")
    assert english is not None and "None" not in english and "samr" not in english
    assert english.startswith("a government without an agency may not do this")


@pytest.mark.parametrize(
    ("reason", "zh"),
    [
        (
            "no agency had registered 91440300708461136T by 2020-01-01",
            "截至 2020-01-01，没有部门登记过统一社会信用代码为 91440300708461136T 的企业",
        ),
        ("luohu is outside the caller's jurisdiction", "罗湖区不在您的管辖范围内"),
        ("an officer of futian cannot read luohu", "福田区的人员不能查看罗湖区的记录"),
        (
            "agency mee reads nothing in the energy dimension",
            "市生态环境局不能查看工业能耗领域的记录",
        ),
        ("the safety dimension is not the caller's", "安全领域不在您的职责范围内"),
    ],
)
def test_reasons_in_chinese_name_every_code(reason: str, zh: str) -> None:
    assert localise(reason, "zh") == zh


def test_an_unknown_reason_is_given_as_raised() -> None:
    assert localise("the deadline was already extended once", "zh") == (
        "the deadline was already extended once"
    )
    assert localise(None, "zh") is None


def test_codes_are_known_by_their_chinese_and_english_names() -> None:
    assert code_of(Industry, "钢铁") is Industry.STEEL
    assert code_of(Industry, "Printing and dyeing") is Industry.DYEING
    assert code_of(Industry, "steel") is Industry.STEEL
    assert (
        code_of(District, "福田区") is District.FUTIAN
        and code_of(District, "福田") is District.FUTIAN
    )
    with pytest.raises(ValueError, match="钢铁"):
        code_of(Industry, "铁")


def test_names_and_units_in_both_languages() -> None:
    assert (name_of("dapeng", "zh"), name_of("dapeng", "en")) == ("大鹏新区", "Dapeng New District")
    assert unit_name("t/a") == "吨/年" and unit_name("t/a", "en") == "tonnes a year"
    assert unit_name("furlongs/a") == "furlongs/a", "an unknown unit as recorded"
