"""The environment service's acts in the words of its documents: a case's ground, the article of
the Environmental Protection Law that gives mee its power over it, the plan's words for the ground
(from the catalogue), the rule or limit that decided, and the deadlines the case computed (the
measure's, the closure's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_environment.domain.case import EnvironmentCase
from phaseout_environment.domain.catalogue import shipped
from phaseout_shared.contracts.environment import ViolationKind as V
from phaseout_shared.document_pdf import chinese_date
from phaseout_shared.documents import Facts, capacity_words, describe_generically, quoted
from phaseout_shared.reference import name_of

EPL = "《中华人民共和国环境保护法》"
ARTICLE_60 = (
    f"{EPL}第六十条（超过污染物排放标准或者超过重点污染物排放总量控制指标排放污染物的，责令采取"
    "限制生产、停产整治等措施；情节严重的，报经有批准权的人民政府批准，责令停业、关闭）"
)
LAWS = {
    V.OVER_EMISSION_STANDARD: ARTICLE_60,
    V.OVER_TOTAL_QUANTITY: ARTICLE_60,
    V.NO_PERMIT: f"{EPL}第四十五条（实行排污许可管理的，未取得排污许可证的，不得排放污染物）",
    V.NOT_PER_PERMIT: f"{EPL}第四十五条（实行排污许可管理的，应当按照排污许可证的要求排放污染物）",
    V.SOLID_WASTE: "《中华人民共和国固体废物污染环境防治法》",
    V.BANNED_EQUIPMENT: (
        f"{EPL}第四十六条（国家对严重污染环境的工艺、设备和产品实行淘汰制度，任何单位和个人不得"
        "使用严重污染环境的工艺、设备）"
    ),
}
"""The article each ground rests on, quoted in short."""
GROUNDS = {
    V.OVER_EMISSION_STANDARD: "超过污染物排放标准排放污染物",
    V.OVER_TOTAL_QUANTITY: "超过重点污染物排放总量控制指标排放污染物",
    V.NO_PERMIT: "未取得排污许可证排放污染物",
    V.NOT_PER_PERMIT: "未按照排污许可证的要求排放污染物",
    V.SOLID_WASTE: "违反固体废物污染环境防治规定",
    V.BANNED_EQUIPMENT: "使用国家明令淘汰的严重污染环境的工艺、设备",
}


async def describe(session: AsyncSession, target_kind: str, doc: Mapping[str, Any]) -> Facts:
    """A case in words; a measurement or an item surveyed as any aggregate says of itself."""
    if target_kind != "case":
        return await describe_generically(session, target_kind, doc)
    case = EnvironmentCase.model_validate(doc)
    violation = case.violation
    catalogue = shipped()  # mee's amendments change limits, never the plan's grounds
    ground = catalogue.ground(violation.kind)
    closing = case.proposal
    subject = f"{name_of(case.industry)}行业相关生产"
    facts: list[tuple[str, str]] = [
        ("行业", name_of(case.industry)),
        ("违法情形", GROUNDS[violation.kind]),
    ]
    if closing is not None:
        capacity = capacity_words(closing.capacity_amount, closing.capacity_unit)
        subject = f"{closing.item}（产能 {capacity}）"
        facts.append(("产能", capacity))
    return Facts(
        subject=subject,
        finding=f"经{chinese_date(violation.found_on)}执法检查，你单位{GROUNDS[violation.kind]}："
        f"{violation.findings}",
        basis=(
            LAWS[violation.kind],
            quoted(catalogue.document, "二（二）", ground.wording_zh),
            f"判定依据：{violation.basis}",
        ),
        facts=tuple(facts),
        deadlines={
            "rectification_notice": case.deadline,
            "shutdown_order": case.deadline,
            "closure_order": case.closure.close_by if case.closure else None,
        },
    )
