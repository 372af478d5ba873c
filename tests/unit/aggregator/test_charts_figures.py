"""The charts' figures from their rows, without a database: capacity grouped per industry or
district and unit, and alerts counted per district and per agency named to check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from phaseout_aggregator.app.charts import _rows
from phaseout_aggregator.app.watch import AlertView, summarise


def test_capacity_is_grouped_per_industry_or_district_in_each_unit() -> None:
    listed = {
        ("cement", "dapeng", "t/a"): [Decimal(100), Decimal(50)],
        ("cement", "futian", "t/a"): [Decimal(30)],
        ("ceramics", "dapeng", "m²/a"): [Decimal(7)],
    }
    exited = {("cement", "dapeng", "t/a"): [Decimal(100)]}
    by_industry = {(r.code, r.capacity_unit): r for r in _rows(listed, exited, 0)}
    assert set(by_industry) == {("cement", "t/a"), ("ceramics", "m²/a")}
    cement = by_industry[("cement", "t/a")]
    assert (cement.listed, cement.listed_items, cement.exited, cement.exited_items) == (
        Decimal(180),
        3,
        Decimal(100),
        1,
    )
    assert cement.unit_name.zh == "吨/年"
    by_district = {(r.code, r.capacity_unit): r for r in _rows(listed, exited, 1)}
    assert set(by_district) == {("dapeng", "t/a"), ("dapeng", "m²/a"), ("futian", "t/a")}
    assert by_district[("futian", "t/a")].exited == 0


def _alert(n: int, district: str, agencies: list[str], **state: object) -> AlertView:
    return AlertView.model_validate(
        {
            "alert_id": str(n),
            "kind": "ditiaogang" if len(agencies) > 1 else "watch",
            "uscc": "91440300MA5DXXXX0X",
            "name": "",
            "district": district,
            "state": "open",
            "rule": "r",
            "basis": "b",
            "period": date(2019, 7, 1),
            "agencies": agencies,
            "raised_on": date(2019, 8, 1),
            "check_by": date(2019, 8, 16),
            "overdue": False,
        }
        | state
    )


def test_alerts_count_once_per_district_and_once_for_each_agency_to_check() -> None:
    alerts = [
        _alert(1, "baoan", ["miit", "samr"], overdue=True),
        _alert(2, "baoan", ["miit"], state="closed", outcome="revival_confirmed"),
        _alert(3, "futian", ["mee"]),
    ]
    summary = summarise(alerts, date(2019, 9, 1))
    assert summary.totals.model_dump() == {"open": 2, "overdue": 1, "closed": 1, "confirmed": 1}
    assert summary.by_district["baoan"].model_dump() == {
        "open": 1,
        "overdue": 1,
        "closed": 1,
        "confirmed": 1,
    }
    assert summary.by_agency["samr"].model_dump() == {
        "open": 1,
        "overdue": 1,
        "closed": 0,
        "confirmed": 0,
    }
    assert (summary.by_agency["miit"].open, summary.by_agency["miit"].closed) == (1, 1)
    assert list(summary.by_agency) == ["mee", "miit", "samr"]
