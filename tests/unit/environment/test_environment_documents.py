"""An environment case in a document's words: the article of the Environmental Protection Law
for its ground, the plan's words for the ground, the limit that decided, the deadlines it
computed."""

from __future__ import annotations

from datetime import date

from environment_examples import GOVERNMENT, open_case, propose

from phaseout_environment.documents import describe
from phaseout_shared.contracts.environment import ClosureOrderKind, Measure


async def test_an_over_limit_case_quotes_article_60_and_the_plans_words() -> None:
    case = open_case()
    case.order_measure(Measure.SUSPEND_FOR_RECTIFICATION, date(2019, 8, 31), case.opened_on)
    facts = await describe(None, "case", case.model_dump(mode="json"))  # type: ignore[arg-type]
    law, plan, decided = facts.basis
    assert law.startswith("《中华人民共和国环境保护法》第六十条")
    assert plan.startswith("《深圳市2019年度推动落后产能退出工作行动计划》二（二）：“")
    assert decided == f"判定依据：{case.violation.basis}"
    assert "超过污染物排放标准排放污染物" in facts.finding
    assert case.violation.findings in facts.finding
    assert facts.deadlines is not None
    assert facts.deadlines["shutdown_order"] == date(2019, 8, 31)


async def test_a_closed_case_names_what_closes_and_by_when() -> None:
    case = open_case()
    case.order_measure(Measure.SUSPEND_FOR_RECTIFICATION, date(2019, 12, 1), case.opened_on)
    propose(case, case.opened_on)
    case.approve_closure(government=GOVERNMENT, approved_by="区长", effective_on=case.opened_on)
    case.order_closure(
        order=ClosureOrderKind.CLOSE, effective_on=case.opened_on, close_by=date(2019, 10, 31)
    )
    facts = await describe(None, "case", case.model_dump(mode="json"))  # type: ignore[arg-type]
    assert case.proposal is not None and case.closure is not None
    assert facts.subject.startswith(case.proposal.item)
    assert facts.deadlines is not None
    assert facts.deadlines["closure_order"] == date(2019, 10, 31)
    assert facts.deadlines["shutdown_order"] is None  # the measure ended with the closure
    assert ("行业", "水泥") in facts.facts
