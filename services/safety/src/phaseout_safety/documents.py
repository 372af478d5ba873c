"""The safety service's acts in the words of its documents: what the inspection found, the
article of the Work Safety Law (as revised in 2014, in force in the plan's year) that gives mem
its power, the plan's words for the requirement (from Table 4's catalogue), and the deadlines the
act computed (the suspension's rectification, the closure's, a hazard's time limit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_safety.domain.case import SuspensionCase
from phaseout_safety.domain.catalogue import CLOSE, SUSPEND, Catalogue, table4
from phaseout_safety.domain.hazard import Hazard
from phaseout_shared.document_pdf import chinese_date
from phaseout_shared.documents import Facts, capacity_words, describe_generically, quoted
from phaseout_shared.reference import name_of

WSL = "《中华人民共和国安全生产法》（2014年修正）"
HAZARDS = (
    f"{WSL}第三十八条（生产经营单位应当建立健全生产安全事故隐患排查治理制度，及时发现并消除"
    "事故隐患）"
)
SUSPENSION = (
    f"{WSL}第六十二条（重大事故隐患排除前或者排除过程中无法保证安全的，责令暂时停产停业或者停止使用"
    "相关设施、设备）"
)
CLOSURE = (
    f"{WSL}第一百零八条（不具备安全生产条件，经停产停业整顿仍不具备安全生产条件的，予以关闭；有关部门"
    "应当依法吊销其有关证照）"
)


def _plan(book: Catalogue, rule_id: str) -> str:
    rule = book.rule(rule_id)
    return quoted(book.document, rule.source.section, rule.table_wording_zh or rule.wording_zh)


async def describe(session: AsyncSession, target_kind: str, doc: Mapping[str, Any]) -> Facts:
    """A suspension case or a hazard in words; an inspection as any aggregate says of itself."""
    book = table4()
    if target_kind == "hazard":
        hazard = Hazard.model_validate(doc)
        return Facts(
            subject=f"{name_of(hazard.industry)}行业生产安全事故隐患",
            finding=f"经{chinese_date(hazard.found_on)}安全生产检查，发现事故隐患：{hazard.description}",
            basis=(HAZARDS, _plan(book, hazard.rule)),
            facts=(("行业", name_of(hazard.industry)), ("隐患", hazard.description)),
            deadlines={"rectification_notice": hazard.deadline},
        )
    if target_kind != "case":
        return await describe_generically(session, target_kind, doc)
    case = SuspensionCase.model_validate(doc)
    capacity = capacity_words(case.capacity_amount, case.capacity_unit)
    found = "；".join(
        g.description + (f"（不符合{g.reference}）" if g.reference else "") for g in case.grounds
    )
    return Facts(
        subject=f"{case.item}（产能 {capacity}）",
        finding=f"经{chinese_date(case.ordered_on)}安全生产检查，你单位不具备安全生产条件：{found}",
        basis=(SUSPENSION, CLOSURE, _plan(book, SUSPEND), _plan(book, CLOSE)),
        facts=(("行业", name_of(case.industry)), ("产能", capacity)),
        deadlines={
            "rectification_notice": case.rectify_by,
            "shutdown_order": case.rectify_by,
            "closure_order": case.close_by,
        },
    )
