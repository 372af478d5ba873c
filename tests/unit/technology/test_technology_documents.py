"""An elimination case in a document's words: the equipment by its name, the rule of Table 5
that eliminates it in the plan's words, and the State Council's notice."""

from __future__ import annotations

from test_technology_case import open_case

from phaseout_technology.documents import describe
from phaseout_technology.domain.catalogue import table5


async def test_a_converter_is_named_and_its_rule_quoted_in_the_plans_words() -> None:
    case = open_case()
    facts = await describe(None, "case", case.model_dump(mode="json"))  # type: ignore[arg-type]
    rule = next(r for r in table5().rules if r.id == case.rule)
    council, plan, catalogue = facts.basis
    assert council == "《国务院关于进一步加强淘汰落后产能工作的通知》（国发〔2010〕7号）"
    assert plan == (
        f"《深圳市2019年度推动落后产能退出工作行动计划》表 5 第 {rule.source.row} 项："
        f"“{rule.wording_zh}”"
    )
    assert catalogue.startswith("其他工艺装备淘汰要求按《产业结构调整指导目录")
    assert facts.subject == "炼钢转炉（编号 BOF-1，产能 300000 吨/年）"
    assert "属于淘汰类落后工艺装备" in facts.finding
