"""The technology service's acts in the words of its documents: the equipment Table 5 eliminates,
by its name and parameters, the plan's words for the rule that decided (from the catalogue), the
State Council's notice and the industrial catalogue the plan refers other equipment to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.document_pdf import chinese_date
from phaseout_shared.documents import Facts, capacity_words, describe_generically, quoted
from phaseout_shared.reference import name_of
from phaseout_technology.domain.case import EliminationCase
from phaseout_technology.domain.catalogue import table5

STATE_COUNCIL = "《国务院关于进一步加强淘汰落后产能工作的通知》（国发〔2010〕7号）"


async def describe(session: AsyncSession, target_kind: str, doc: Mapping[str, Any]) -> Facts:
    """An elimination case in words; an item surveyed as any aggregate says of itself."""
    if target_kind != "case":
        return await describe_generically(session, target_kind, doc)
    case = EliminationCase.model_validate(doc)
    book = table5()
    kind = book.kind(case.kind)
    equipment = kind.name_zh if kind is not None else case.kind
    capacity = capacity_words(case.capacity_amount, case.capacity_unit)
    found = [r for r in book.rules if r.id == case.rule]
    plan = (
        quoted(book.document, f"表 5 第 {found[0].source.row} 项", found[0].wording_zh)
        if found
        else case.basis
    )
    return Facts(
        subject=f"{equipment}（编号 {case.item_id}，产能 {capacity}）",
        finding=f"经{chinese_date(case.opened_on)}核查，你单位的{equipment}属于淘汰类落后工艺装备",
        basis=(STATE_COUNCIL, plan, book.note_zh.removeprefix("备注：")),
        facts=(("行业", name_of(case.industry)), ("装备", equipment), ("产能", capacity)),
    )
