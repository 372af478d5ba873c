"""The demo city's stories, dimension by dimension: the requests each agency's officers make, in
the order they make them, on the dates they make them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from phaseout_cli.demo_catalogue import EMISSIONS, ENERGY, PRODUCTS
from phaseout_cli.demo_steps import SEALED, SWEEP_ON, Step, Story, Year, add_months
from phaseout_shared.reference import NAMES_ZH


def _survey(y: Year, equipment: Mapping[str, object]) -> Step:
    body = {
        "item_id": y.equipment.item,
        "equipment": dict(equipment),
        "capacity_amount": y.capacity,
        "capacity_unit": y.equipment.unit,
        "effective_on": y.day(0).isoformat(),
    }
    return Step("technology", "miit", f"/v1/enterprises/{y.e.uscc}/items", body, y.day(0))


def _case(y: Year, service: str, agency: str, action: str, offset: int, **body: object) -> Step:
    on = y.day(offset)
    return Step(service, agency, f"/v1/cases/{{case}}/{action}", {**body, "effective_on": on}, on)


def technology(y: Year, story: Story) -> list[Step]:
    if story is Story.TECH_ALLOWED:
        assert y.equipment.allowed is not None
        return [_survey(y, y.equipment.allowed)]
    steps = [_survey(y, y.equipment.eliminated)]
    if story is Story.TECH_SEALED:
        steps.append(_case(y, "technology", "miit", "sealing", 20, measures=SEALED))
    elif story is Story.TECH_DISMANTLED:
        what = f"{y.equipment.item}主体设备已拆除，现场拍照留存"
        steps.append(_case(y, "technology", "miit", "dismantling", 20, description=what))
    if story is not Story.TECH_PENDING:
        note = "现场验收合格"
        steps.append(_case(y, "technology", "miit", "acceptance", 35, passed=True, note=note))
    return steps


def energy(y: Year, story: Story) -> list[Step]:
    ind = ENERGY[y.e.industry]
    if story is Story.ENERGY_OPEN:
        y.d0 = date(2019, 7, 1) + timedelta(days=y.rng.randrange(100))
    over = ind.limit * Decimal(y.rng.randint(1010, 1060)) / 1000
    under = ind.limit * Decimal(y.rng.randint(930, 990)) / 1000

    def reading(value: Decimal) -> dict[str, str]:
        return {"measured_value": f"{value:.0f}", "unit": ind.unit}

    inspection = {
        "indicator_id": ind.indicator_id,
        **reading(over),
        "effective_on": y.day(0).isoformat(),
        "capacity_amount": y.capacity,
        "capacity_unit": y.equipment.unit,
    }
    path = f"/v1/enterprises/{y.e.uscc}/inspections"
    steps = [Step("energy", "miit", path, inspection, y.day(0))]
    due = add_months(y.d0, 6)

    def reinspection(on: date, value: Decimal) -> Step:
        body = {"inspected_on": on.isoformat(), **reading(value)}
        return Step("energy", "miit", "/v1/cases/{case}/reinspection", body, on)

    def shutdown(ordered: date, after_sweep: bool) -> list[Step]:
        order = {"ordered_on": ordered, "exit_by": ordered + timedelta(days=30)}
        verified = ordered + timedelta(days=y.rng.randint(5, 12))
        return [
            Step("energy", "drc", "/v1/cases/{case}/shutdown-order", order, ordered, after_sweep),
            Step(
                "energy",
                "miit",
                "/v1/cases/{case}/shutdown-verification",
                {"verified_on": verified},
                verified,
                after_sweep,
            ),
        ]

    if story is Story.ENERGY_RECTIFIED:
        steps.append(reinspection(y.day(y.rng.randint(60, 150)), under))
    elif story is Story.ENERGY_EXTENDED:
        applied = due - timedelta(days=20)
        extension = {
            "applied_on": applied,
            "new_deadline": add_months(due, y.rng.choice((2, 3))),
            "granted_on": applied + timedelta(days=7),
        }
        steps.append(Step("energy", "miit", "/v1/cases/{case}/extension", extension, applied))
        steps.append(reinspection(due + timedelta(days=30), under))
    elif story is Story.ENERGY_FAILED:
        failed_on = y.day(y.rng.randint(90, 120))
        steps.append(reinspection(failed_on, over))
        steps += shutdown(failed_on + timedelta(days=10), after_sweep=False)
    elif story is Story.ENERGY_OVERDUE:
        steps += shutdown(SWEEP_ON + timedelta(days=y.rng.randint(1, 5)), after_sweep=True)
    return steps


def environment(y: Year, story: Story) -> list[Step]:
    uscc, limit = y.e.uscc, EMISSIONS.get(y.e.industry)
    if limit is not None:
        value = limit.limit * Decimal(y.rng.randint(1050, 1300)) / 1000
        finding = {
            "limit_id": limit.indicator_id,
            "facility": "1# 排气筒",
            "value": f"{value:.1f}",
            "unit": limit.unit,
            "findings": "监督性监测超标",
            "effective_on": y.day(0),
        }
        path = f"/v1/enterprises/{uscc}/measurements"
    else:
        ground = y.rng.choice(("solid_waste", "over_total_quantity"))
        found = {"solid_waste": "危险废物露天堆放", "over_total_quantity": "重点污染物超总量排放"}
        finding = {"violation": ground, "findings": found[ground], "effective_on": y.day(0)}
        path = f"/v1/enterprises/{uscc}/violations"
    steps = [Step("environment", "mee", path, finding, y.day(0))]
    if story is Story.ENV_RESTRICTED:
        measure = {"measure": "restrict_production", "deadline": y.day(60)}
        steps.append(_case(y, "environment", "mee", "measures", 3, **measure))
        steps.append(_case(y, "environment", "mee", "rectification", 45, note="复查达标"))
        return steps
    measure = {"measure": "suspend_for_rectification", "deadline": y.day(45)}
    steps.append(_case(y, "environment", "mee", "measures", 3, **measure))
    government = y.government()
    closing: list[tuple[str, dict[str, object]]] = [
        (
            "closure-proposal",
            {
                "government": government,
                "grounds": "停产整治逾期仍未达标，情节严重",
                "scope": "line",
                "item": y.equipment.item,
                "capacity_amount": y.capacity,
                "capacity_unit": y.equipment.unit,
            },
        ),
        ("closure-approval", {"government": government, "approved_by": "区长办公会"}),
        ("closure-order", {"order": "close", "close_by": date(2019, 12, 31)}),
    ]
    for n, (action, body) in enumerate(closing):
        on = SWEEP_ON + timedelta(days=2 + 4 * n)
        path = f"/v1/cases/{{case}}/{action}"
        steps.append(Step("environment", "mee", path, {**body, "effective_on": on}, on, True))
    return steps


def quality(y: Year, story: Story) -> list[Step]:
    product = PRODUCTS[y.e.industry]
    number = (
        f"XK{y.rng.randint(1, 40):02d}-{y.rng.randint(1, 999):03d}-{y.rng.randrange(10**5):05d}"
    )
    steps = []
    if story is not Story.QUALITY_RECTIFIED:
        licence = {
            "licence_number": number,
            "products": [product.product],
            "issuer": "广东省市场监督管理局",
            "valid_from": "2017-03-01",
            "valid_until": "2022-02-28",
            "effective_on": y.day(0),
        }
        path = f"/v1/enterprises/{y.e.uscc}/licences"
        steps.append(Step("quality", "samr", path, licence, y.day(0)))
    check = {
        "product": product.product,
        "standard": product.standard,
        "passed": False,
        "failed_items": [product.failed_item],
        "rectify_by": y.day(61),
        "effective_on": y.day(1),
    }
    steps.append(
        Step("quality", "samr", f"/v1/enterprises/{y.e.uscc}/spot-checks", check, y.day(1))
    )
    revocation = {"decision": f"深市监罚〔2019〕{y.rng.randint(10, 300)} 号"}
    if story is Story.QUALITY_RECTIFIED:
        steps.append(_case(y, "quality", "samr", "reinspection", 50, passed=True, note="复查合格"))
    elif story is Story.QUALITY_FAILED:
        failed = {"passed": False, "failed_items": [product.failed_item]}
        steps.append(_case(y, "quality", "samr", "reinspection", 55, **failed))
        steps.append(_case(y, "quality", "samr", "revocation", 65, **revocation))
    else:
        on = SWEEP_ON + timedelta(days=3)
        body = {**revocation, "effective_on": on}
        steps.append(Step("quality", "samr", "/v1/cases/{case}/revocation", body, on, True))
    return steps


def safety(y: Year, story: Story) -> list[Step]:
    below = {
        "kind": "conditions_below_national_standard",
        "description": "有限空间作业未设置检测报警装置",
        "reference": "GB 30871-2014",
    }
    hazard = {"kind": "hidden_hazard", "description": "作业平台护栏缺失"}
    suspension = {
        "item": y.equipment.item,
        "capacity_amount": y.capacity,
        "capacity_unit": y.equipment.unit,
        "rectify_by": y.day(30),
    }
    inspection: dict[str, object] = {
        "inspectors": f"{NAMES_ZH[y.e.district.value]}应急管理局执法队",
        "findings": [hazard] if story is Story.SAFETY_HAZARD else [below],
        "effective_on": y.day(0),
    }
    if story is not Story.SAFETY_HAZARD:
        inspection["suspension"] = suspension
    path = f"/v1/enterprises/{y.e.uscc}/inspections"
    steps = [Step("safety", "mem", path, inspection, y.day(0))]
    if story is Story.SAFETY_HAZARD:
        five = {
            "measures": "加装护栏",
            "responsibility": "设备科",
            "funds": "8000",
            "time_limit": y.day(20),
            "plan": "高处坠落专项预案",
        }
        hazard_steps: list[tuple[str, dict[str, object], int]] = [
            ("five-in-place", {"five_in_place": five}, 2),
            ("rectification", {"note": "复查合格"}, 15),
        ]
        for action, body, offset in hazard_steps:
            on = y.day(offset)
            path = f"/v1/hazards/{{hazard}}/{action}"
            steps.append(Step("safety", "mem", path, {**body, "effective_on": on}, on))
        return steps
    if story is Story.SAFETY_LIFTED:
        steps.append(_case(y, "safety", "mem", "reinspection", 25, passed=True))
        return steps
    licence = {
        "name": "安全生产许可证",
        "number": f"(粤)WH安许证字[2017]{y.rng.randrange(10**4):04d}",
        "authority": "广东省应急管理厅",
    }
    closing: list[tuple[str, dict[str, object], int]] = [
        ("reinspection", {"passed": False, "reasons": ["检测报警装置仍未设置"]}, 25),
        ("closure-request", {"government": y.e.district.value}, 30),
        (
            "closure-decision",
            {"closes": True, "document": f"关闭决定〔2019〕{y.rng.randint(1, 99)} 号"},
            40,
        ),
        ("closure", {"description": "断电断水、拆除主体设备，现场核查"}, 50),
        ("licence-revocation", {"licences": [licence]}, 52),
    ]
    for action, body, offset in closing:
        steps.append(_case(y, "safety", "mem", action, offset, **body))
    return steps


BUILDERS: dict[str, Callable[[Year, Story], list[Step]]] = {
    "technology": technology,
    "energy": energy,
    "environment": environment,
    "quality": quality,
    "safety": safety,
}
"""Each dimension's stories, by the dimension's name."""
