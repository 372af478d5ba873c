"""The revival watch's pure parts: reading feed files row by row, and the rules over the facts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from phaseout_shared.domain.errors import InvalidInput, NotFound
from phaseout_technology.watch import feeds
from phaseout_technology.watch.rules import (
    Catalogue,
    Facts,
    Order,
    add_months,
    amended,
    catalogue,
    evaluate,
    with_figures,
)

USCC = "91440300708461136T"
SEALED = "phaseout.technology.case.sealed.v1"
HEADER = "uscc,account,address,district,period,kwh,max_demand_kw"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_csv_file_is_read_with_its_lines() -> None:
    rows = feeds.parse(
        feeds.Feed.ELECTRICITY,
        "\ufeff".encode() + _csv(f'{USCC},A-1,某路1号,baoan,2019-03,"1,200.5",30'),
        "text/csv",
    )
    (row,) = rows
    assert isinstance(row, feeds.Reading)
    assert (row.line, row.period, row.kwh, row.correction_reason) == (
        2,
        date(2019, 3, 1),
        Decimal("1200.5"),
        None,
    )


def test_a_row_is_made_of_its_checked_cells_in_the_order_of_the_checks() -> None:
    """A row is built from its checked cells as they come: each feed's fields are its checks'
    columns, in the same order, after the line."""
    for feed, kind in (
        (feeds.Feed.ELECTRICITY, feeds.Reading),
        (feeds.Feed.INVOICES, feeds.Invoice),
    ):
        assert kind._fields == ("line", *(column for column, _ in feeds.CHECKS[feed]))
    (row,) = feeds.parse(
        feeds.Feed.INVOICES,
        b"tonnes,category,period,district,amount_yuan,uscc\n"
        + f"12.5,steel_rebar,2019-04,baoan,40000,{USCC}\n".encode(),
        "text/csv",
    )
    assert row == feeds.Invoice(
        2, USCC, "baoan", date(2019, 4, 1), None, "steel_rebar", Decimal(40000), Decimal("12.5")
    )


def test_a_refused_value_repeated_down_the_file_is_reported_on_each_line() -> None:
    body = _csv(
        f"{USCC},A-1,某路1号,nowhere,2019-03,12,3",
        f"{USCC},A-1,某路1号,nowhere,2019-04,12,3",
        f"{USCC},A-1,某路1号,baoan,2019-05,12,3",
    )
    with pytest.raises(feeds.Rejected) as rejected:
        feeds.parse(feeds.Feed.ELECTRICITY, body, "text/csv")
    assert [(p.line, p.column) for p in rejected.value.problems] == [
        (2, "district"),
        (3, "district"),
    ]


def test_every_bad_cell_is_named_by_line_and_column() -> None:
    body = _csv(
        f"{USCC},A-1,某路1号,baoan,2019-03,12,3",
        "91440300708461136X,A-2,,nowhere,2019-3,-1,x",
    )
    with pytest.raises(feeds.Rejected) as rejected:
        feeds.parse(feeds.Feed.ELECTRICITY, body, "text/csv")
    found = {(p.line, p.column) for p in rejected.value.problems}
    assert found == {
        (3, "uscc"),
        (3, "address"),
        (3, "district"),
        (3, "period"),
        (3, "kwh"),
        (3, "max_demand_kw"),
    }


def test_a_quoted_cell_over_two_lines_keeps_the_numbering() -> None:
    body = _csv(f'{USCC},A-1,"某路\n1号",baoan,2019-03,12,3', f"{USCC},A-2,某路,baoan,2019-03,x,3")
    with pytest.raises(feeds.Rejected) as rejected:
        feeds.parse(feeds.Feed.ELECTRICITY, body, "text/csv")
    assert [(p.line, p.column) for p in rejected.value.problems] == [(4, "kwh")]


def test_the_header_must_name_the_feeds_columns() -> None:
    with pytest.raises(feeds.Rejected) as rejected:
        feeds.parse(feeds.Feed.INVOICES, _csv(f"{USCC},A,b,baoan,2019-01,1,1"), "text/csv")
    problems = {(p.line, p.column, p.reason) for p in rejected.value.problems}
    assert (1, "category", "required column missing") in problems
    assert (1, "kwh", "unknown column") in problems


def test_a_gb18030_file_is_read() -> None:
    body = _csv(f"{USCC},A-1,深圳市宝安区某路,baoan,2019-03,12,3").decode().encode("gb18030")
    (row,) = feeds.parse(feeds.Feed.ELECTRICITY, body, "text/csv")
    assert isinstance(row, feeds.Reading) and row.address == "深圳市宝安区某路"


def test_an_xlsx_workbook_is_read_with_its_row_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([USCC, "A-1", "某路", "baoan", date(2019, 4, 1), 1234.5, 8])
    sheet.append([USCC, "A-1", "某路", "baoan", "2019-05", "oops", 8])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(feeds.Rejected) as rejected:
        feeds.parse(feeds.Feed.ELECTRICITY, buffer.getvalue(), feeds.XLSX)
    assert [(p.line, p.column) for p in rejected.value.problems] == [(3, "kwh")]


def test_a_broken_workbook_is_a_problem_not_a_crash() -> None:
    with pytest.raises(feeds.Rejected) as rejected:
        feeds.parse(feeds.Feed.ELECTRICITY, b"PK\x03\x04 not really", feeds.XLSX)
    assert rejected.value.problems[0].column == "body"


def _months(start: date, values: list[int]) -> dict[date, Decimal]:
    return {add_months(start, i): Decimal(v) for i, v in enumerate(values)}


def _sealed(on: date) -> Order:
    return Order("e-1", SEALED, "case-1", on, "baoan")


def test_power_two_months_after_sealing_above_the_share_of_the_baseline_is_found() -> None:
    kwh = _months(date(2018, 5, 1), [100_000] * 12 + [30_000, 0, 40_000])
    (finding,) = evaluate(catalogue(), Facts(USCC, kwh=kwh, orders=[_sealed(date(2019, 5, 10))]))
    assert (finding.rule.id, finding.period) == ("W-technology-eliminated", date(2019, 7, 1))
    assert "40%" in finding.basis


def test_power_at_or_below_the_share_or_within_the_grace_month_is_not() -> None:
    kwh = _months(date(2018, 5, 1), [100_000] * 12 + [90_000, 95_000, 20_000])
    assert evaluate(catalogue(), Facts(USCC, kwh=kwh, orders=[_sealed(date(2019, 5, 10))])) == []


def test_no_baseline_no_finding() -> None:
    kwh = _months(date(2019, 6, 1), [0, 50_000])
    assert evaluate(catalogue(), Facts(USCC, kwh=kwh, orders=[_sealed(date(2019, 5, 10))])) == []


def test_a_suspension_is_watched_only_until_it_is_lifted() -> None:
    ordered = Order("s-1", "phaseout.safety.case.suspension_ordered.v1", "c", date(2019, 3, 5), "x")
    lifted = Order("s-2", "phaseout.safety.case.suspension_lifted.v1", "c", date(2019, 6, 20), "x")
    kwh = _months(date(2018, 3, 1), [10_000] * 12 + [0, 0, 5_000, 9_000, 10_000])
    found = evaluate(catalogue(), Facts(USCC, kwh=kwh, orders=[ordered, lifted]))
    assert [f.period for f in found] == [date(2019, 5, 1)]


def test_an_environment_restriction_is_not_a_suspension() -> None:
    ordered = Order(
        "m-1",
        "phaseout.environment.case.measure_ordered.v1",
        "c",
        date(2019, 3, 5),
        "x",
        measure="restrict_production",
    )
    kwh = _months(date(2018, 3, 1), [10_000] * 12 + [9_000, 9_000, 9_000])
    assert evaluate(catalogue(), Facts(USCC, kwh=kwh, orders=[ordered])) == []


def test_rebar_at_induction_furnace_intensity_without_licence_is_the_ditiaogang_signature() -> None:
    march = date(2019, 3, 1)
    facts = Facts(
        USCC,
        kwh={march: Decimal(600_000)},
        tonnes={(march, "steel_rebar"): Decimal(1_000)},
    )
    found = evaluate(catalogue(), facts)
    assert [f.rule.id for f in found] == ["D-induction-furnace-intensity", "D-steel-unlicensed"]
    assert len({f.alert_id for f in found}) == 1, "one alert per enterprise and month"
    assert "600 kWh per tonne" in found[0].basis
    facts.licensed_steel = True
    assert evaluate(catalogue(), facts) == []


def test_steel_at_arc_furnace_intensity_is_no_induction_signature() -> None:
    march = date(2019, 3, 1)
    facts = Facts(
        USCC, kwh={march: Decimal(50_000)}, tonnes={(march, "steel_rebar"): Decimal(1_000)}
    )
    assert [f.rule.id for f in evaluate(catalogue(), facts)] == ["D-steel-unlicensed"]


def test_every_rule_names_its_basis_and_the_catalogue_its_version() -> None:
    rules = catalogue()
    assert rules.version
    for rule in rules.rules:
        assert rule.basis and rule.name_zh and rule.to
        if rule.kind == "after_order":
            assert rule.orders and rule.share_of_baseline is not None


def test_power_at_an_exited_enterprises_address_under_a_new_code_is_found() -> None:
    from phaseout_technology.watch.rules import Predecessor

    accepted = Order(
        "a-1", "phaseout.technology.case.acceptance_passed.v1", "case-9", date(2019, 5, 20), "x"
    )
    old = Predecessor(
        "91440300MA5DCCGK1X", "某路1号", _months(date(2018, 5, 1), [50_000] * 12), [accepted]
    )
    kwh = _months(date(2019, 6, 1), [0, 5_000, 30_000])
    (finding,) = evaluate(catalogue(), Facts(USCC, kwh=kwh, predecessors=[old]))
    assert (finding.rule.id, finding.period, finding.order) == (
        "W-new-code-at-address",
        date(2019, 8, 1),
        accepted,
    )
    assert "91440300MA5DCCGK1X" in finding.basis and "60%" in finding.basis
    before_exit = Predecessor(old.uscc, old.address, old.kwh, [])
    assert evaluate(catalogue(), Facts(USCC, kwh=kwh, predecessors=[before_exit])) == []


def test_an_amendment_changes_one_rules_figures_and_numbers_the_next_version() -> None:
    rules = catalogue()
    new = amended(rules, "W-closure", {"share_of_baseline": Decimal("0.30"), "grace_months": 2})
    assert (rules.version, new.version) == ("2019.1", "2019.2")
    changed = {r.id: r for r in new.rules}["W-closure"]
    assert (changed.share_of_baseline, changed.grace_months) == (Decimal("0.30"), 2)
    unchanged = [r for r in new.rules if r.id != "W-closure"]
    assert unchanged == [r for r in rules.rules if r.id != "W-closure"]
    assert amended(new, "W-closure", {"grace_months": 1}).version == "2019.3"


@pytest.mark.parametrize(
    ("rule", "changes", "field"),
    [
        ("W-closure", {"orders": ()}, "changes.orders"),
        ("W-closure", {"to": ("mee",)}, "changes.to"),
        ("W-closure", {"share_of_baseline": Decimal(0)}, "changes.share_of_baseline"),
        ("W-closure", {"grace_months": 13}, "changes.grace_months"),
        ("D-steel-unlicensed", {"share_of_baseline": Decimal("0.3")}, "changes.share_of_baseline"),
        ("D-induction-furnace-intensity", {"kwh_per_tonne_min": 900}, "changes.kwh_per_tonne_min"),
        ("W-closure", {}, "changes"),
    ],
)
def test_an_amendment_that_is_not_the_rules_to_make_names_its_field(
    rule: str, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        amended(catalogue(), rule, changes)
    assert refused.value.field == field


def test_an_amendment_of_no_rule_is_not_found() -> None:
    with pytest.raises(NotFound) as refused:
        amended(catalogue(), "W-nothing", {"grace_months": 1})
    assert refused.value.field == "rule_id"


@pytest.mark.parametrize(
    ("order_type", "to"),
    [
        ("phaseout.environment.closure.ordered.v1", ("mee",)),
        ("phaseout.safety.case.closed.v1", ("mem",)),
    ],
)
def test_a_broken_closure_names_the_agency_that_ordered_it(
    order_type: str, to: tuple[str, ...]
) -> None:
    closed = Order("c-1", order_type, "case-9", date(2019, 5, 10), "baoan")
    kwh = _months(date(2018, 5, 1), [100_000] * 12 + [30_000, 0, 40_000])
    (finding,) = evaluate(catalogue(), Facts(USCC, kwh=kwh, orders=[closed]))
    assert (finding.rule.id, finding.to) == ("W-closure", to)


def test_the_agencies_named_follow_the_code_whichever_version_is_in_force() -> None:
    shipped = catalogue()
    stored = amended(shipped, "W-closure", {"share_of_baseline": Decimal("0.30")})
    old = Catalogue.model_validate(
        {
            **stored.model_dump(mode="json"),
            "rules": [
                {k: v for k, v in r.items() if k != "to_by_order"} | {"to": ["miit"]}
                for r in stored.model_dump(mode="json")["rules"]
            ],
        }
    )
    now = {r.id: r for r in with_figures(old).rules}["W-closure"]
    assert (now.to, now.share_of_baseline) == (("mee", "mem"), Decimal("0.30"))
    assert now.to_by_order["phaseout.safety.case.closed.v1"] == ("mem",)
    assert with_figures(old).version == stored.version
