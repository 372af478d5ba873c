"""A safety case and a hazard in a document's words: the Work Safety Law's article for each act,
the plan's words from Table 4's catalogue, what the inspection found and the deadlines the act
computed."""

from __future__ import annotations

from test_safety_case import ORDERED, RECTIFY_BY, ordered
from test_safety_hazard import FIRST, TIME_LIMIT, found

from phaseout_safety.documents import describe


async def test_a_suspension_quotes_articles_62_and_108_and_what_was_found() -> None:
    case = ordered()
    facts = await describe(None, "case", case.model_dump(mode="json"))  # type: ignore[arg-type]
    suspension, closure, *plan = facts.basis
    assert "第六十二条" in suspension and "第一百零八条" in closure
    assert all(p.startswith("《深圳市2019年度推动落后产能退出工作行动计划》二（四）") for p in plan)
    assert "煤气区域未设固定式报警仪（不符合GB 6222-2005 第 4.2 条）" in facts.finding
    assert facts.subject == "1 号高炉（产能 350000 吨/年）"
    assert facts.deadlines is not None
    assert facts.deadlines["rectification_notice"] == RECTIFY_BY
    assert facts.deadlines["closure_order"] is None  # no closure decided yet
    assert str(ORDERED.year) in facts.finding


async def test_a_hazard_quotes_article_38_and_its_time_limit() -> None:
    hazard = found()
    hazard.put_in_place(FIRST, hazard.found_on)
    facts = await describe(None, "hazard", hazard.model_dump(mode="json"))  # type: ignore[arg-type]
    assert "第三十八条" in facts.basis[0]
    assert "五落实" in facts.basis[1]
    assert "粉尘区电气不防爆" in facts.finding
    assert facts.deadlines == {"rectification_notice": TIME_LIMIT}
