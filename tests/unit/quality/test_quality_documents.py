"""A quality case in a document's words: the product, the standard and the items it failed,
Article 17 of the Product Quality Law, the plan's measure and Table 3's row for the industry."""

from __future__ import annotations

from quality_examples import open_case, unlicensed_case

from phaseout_quality.documents import describe


async def test_a_failed_spot_check_quotes_article_17_and_the_plans_measure() -> None:
    case = open_case()
    facts = await describe(None, "case", case.model_dump(mode="json"))  # type: ignore[arg-type]
    law, measure, row = facts.basis
    assert law.startswith("《中华人民共和国产品质量法》第十七条")
    assert measure.startswith("《深圳市2019年度推动落后产能退出工作行动计划》二（三）：“")
    assert "表 3 第" in row
    assert case.standard in facts.finding
    assert all(item in facts.finding for item in case.failed_items)
    assert facts.deadlines == {
        "rectification_notice": case.rectify_by,
        "shutdown_order": case.rectify_by,
    }


async def test_production_without_a_licence_quotes_the_licensing_regulation() -> None:
    case = unlicensed_case()
    facts = await describe(None, "unlicensed_case", case.model_dump(mode="json"))  # type: ignore[arg-type]
    assert facts.basis[0].startswith("《工业产品生产许可证管理条例》")
    assert f"未取得生产许可证生产{case.product}" in facts.finding
