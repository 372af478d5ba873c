"""The quality service's acts in the words of its documents: the product that failed its spot
check and the items it failed, or the product made without a licence; the law that gives samr
its power, the plan's words for the measure (from Table 3's catalogue), and the deadline the case
computed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_quality.domain.case import QualityCase
from phaseout_quality.domain.catalogue import (
    STOP_AND_RECTIFY,
    UNLICENSED_PRODUCTION,
    Catalogue,
    table3,
)
from phaseout_quality.domain.unlicensed import UnlicensedProductionCase
from phaseout_shared.document_pdf import chinese_date
from phaseout_shared.documents import Facts, describe_generically, quoted
from phaseout_shared.reference import name_of

SPOT_CHECKS = (
    "《中华人民共和国产品质量法》第十七条（监督抽查的产品质量不合格的，责令其生产者、销售者限期改正；"
    "公告后经复查仍不合格的，责令停业，限期整顿）"
)
LICENCES = "《工业产品生产许可证管理条例》（未取得生产许可证擅自生产列入目录产品的，责令停止生产）"


def _plan(book: Catalogue, measure_id: str) -> str:
    measure = book.measure(measure_id)
    return quoted(book.document, measure.source, measure.wording_zh)


def _row(book: Catalogue, case: QualityCase | UnlicensedProductionCase) -> str:
    row = book.row_for(case.industry)
    return quoted(book.document, f"表 3 第 {row.row} 项", row.wording_zh)


async def describe(session: AsyncSession, target_kind: str, doc: Mapping[str, Any]) -> Facts:
    """A spot-check case or an unlicensed production case in words; anything else as any
    aggregate says of itself."""
    book = table3()
    if target_kind == "unlicensed_case":
        made = UnlicensedProductionCase.model_validate(doc)
        return Facts(
            subject=f"{name_of(made.industry)}行业{made.product}的生产",
            finding=f"经{chinese_date(made.opened_on)}检查，你单位未取得生产许可证生产{made.product}："
            f"{made.description}",
            basis=(LICENCES, _plan(book, UNLICENSED_PRODUCTION), _row(book, made)),
            facts=(("行业", name_of(made.industry)), ("产品", made.product)),
        )
    if target_kind != "case":
        return await describe_generically(session, target_kind, doc)
    case = QualityCase.model_validate(doc)
    failed = "、".join(case.failed_items)
    return Facts(
        subject=f"{name_of(case.industry)}行业{case.product}",
        finding=f"经{chinese_date(case.opened_on)}监督抽查，你单位生产的{case.product}不符合"
        f"{case.standard}，不合格项目：{failed}",
        basis=(SPOT_CHECKS, _plan(book, STOP_AND_RECTIFY), _row(book, case)),
        facts=(
            ("行业", name_of(case.industry)),
            ("产品", case.product),
            ("执行标准", case.standard),
            ("不合格项目", failed),
        ),
        deadlines={
            "rectification_notice": case.next_deadline,
            "shutdown_order": case.next_deadline,
        },
    )
