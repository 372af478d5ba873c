"""The technology service's tables: survey items, elimination cases, tips, project checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from phaseout_shared.aggregates import Repository, aggregate_table, row_columns
from phaseout_shared.contracts.technology import CaseState
from phaseout_technology.domain.case import EliminationCase
from phaseout_technology.domain.survey import RecordedCheck, SurveyedItem
from phaseout_technology.domain.tips import Tip, TipState

METADATA = MetaData()

items = aggregate_table("items", METADATA)
cases = aggregate_table("cases", METADATA)
tips = aggregate_table("tips", METADATA)
project_checks = aggregate_table("project_checks", METADATA)


def _item_columns(item: SurveyedItem) -> dict[str, Any]:
    return row_columns(item, item.id, item.verdict.verdict, item.effective_on)


def _case_columns(case: EliminationCase) -> dict[str, Any]:
    return row_columns(case, str(case.case_id), case.state, case.last_step_on)


def _tip_columns(tip: Tip) -> dict[str, Any]:
    return {
        "id": str(tip.tip_id),
        "uscc": tip.uscc,
        "district": tip.district,
        "industry": None,
        "state": tip.state,
        "due_on": tip.due_on,
        "effective_on": tip.received_on,
    }


def _check_columns(check: RecordedCheck) -> dict[str, Any]:
    return {
        "id": str(check.check_id),
        "uscc": check.uscc,
        "district": check.result.district,
        "industry": check.result.industry,
        "state": check.result.outcome,
        "due_on": None,
        "effective_on": check.effective_on,
    }


ITEMS = Repository(items, SurveyedItem, _item_columns, noun="equipment")
CASES = Repository(
    cases,
    EliminationCase,
    _case_columns,
    open_states=[CaseState.OPEN, CaseState.DISMANTLED, CaseState.SEALED],
)
TIPS = Repository(tips, Tip, _tip_columns, open_states=[TipState.RECEIVED, TipState.ASSIGNED])
CHECKS = Repository(project_checks, RecordedCheck, _check_columns)
