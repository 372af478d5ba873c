"""The year's list of enterprises to inspect (节能监察执法企业清单), its requirements and timetable.

The plan (二（一）1): 全面梳理……以及 2018 年能耗不达标企业整改落实情况，实现节能监察执法对重点
行业、重点企业全覆盖，明确 2019 年节能监察执法企业清单、工作要求和时间表。

Building a year's list carries over every failure of an earlier year not yet resolved — a case
neither rectified nor exited — marked as carried over. A failure of 2017 still open in 2019 was
carried into 2018 and is carried again: it is still unresolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from phaseout_energy.domain.case import CLOSED, EnergyCase
from phaseout_shared.contracts.energy import CaseState, InspectionListEntryAdded
from phaseout_shared.domain.aggregate import Aggregate, refusing_invalid_input
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import site_of
from phaseout_shared.reference import USCC, District, Industry

NEXT_STEP = {
    CaseState.RECTIFYING: "rectify and be re-inspected by the deadline (限期整改)",
    CaseState.OVERDUE: "order the shutdown and exit (逾期未整改，依法关停退出)",
    CaseState.SHUTDOWN_REQUIRED: "order the shutdown and exit (经整改仍未达标，依法关停退出)",
    CaseState.SHUTDOWN_ORDERED: "verify the shutdown (关停退出)",
}


class ListEntry(BaseModel):
    """One enterprise on the list: what is required of it and by when."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uscc: USCC
    district: District
    industry: Industry
    requirements: tuple[str, ...] = Field(min_length=1)
    due_on: date
    carried_over: bool = False
    carried_from_year: int | None = None
    case_ids: tuple[UUID, ...] = ()


class InspectionList(Aggregate):
    """A year's 节能监察执法企业清单: one entry per enterprise."""

    year: int = Field(ge=2000, le=2100)
    entries: tuple[ListEntry, ...] = ()

    def entry_for(self, uscc: str) -> ListEntry | None:
        return next((e for e in self.entries if e.uscc == uscc), None)

    def add(self, entry: ListEntry, *, effective_on: date) -> None:
        """Put an enterprise on the list; `effective_on` is the date the entry is published."""
        if entry.due_on < date(self.year, 1, 1):
            raise InvalidInput(
                f"the {self.year} list cannot be due on {entry.due_on}", field="due_on"
            )
        if self.entry_for(entry.uscc) is not None:
            raise Conflict(
                f"{entry.uscc} is already on the {self.year} list",
                field="uscc",
                rule="energy.inspection_list.one_entry_per_enterprise",
            )
        self.entries = (*self.entries, entry)
        self._record(
            InspectionListEntryAdded(
                **entry.model_dump(exclude={"case_ids"}),
                case_ids=entry.case_ids,
                year=self.year,
                effective_on=effective_on,
            )
        )

    def uncovered_industries(self) -> tuple[Industry, ...]:
        """The key industries with no enterprise on the list (全覆盖 is the plan's aim)."""
        listed = {e.industry for e in self.entries}
        return tuple(i for i in Industry if i not in listed)


def carried_over(year: int, prior_cases: Iterable[EnergyCase], *, due_on: date) -> list[ListEntry]:
    """One entry per enterprise with a failure of an earlier year not yet resolved.

    Due on the case's own deadline while it is being rectified within the year, else `due_on`.
    """
    unresolved: dict[str, list[EnergyCase]] = {}
    for case in sorted(prior_cases, key=lambda c: c.finding.found_on):
        if case.finding.found_on.year < year and case.state not in CLOSED:
            unresolved.setdefault(case.uscc, []).append(case)
    return [_carried(year, cases, due_on) for cases in unresolved.values()]


def _carried(year: int, cases: list[EnergyCase], due_on: date) -> ListEntry:
    first = cases[0]
    deadlines = [c.deadline.due_on for c in cases if c.state is CaseState.RECTIFYING]
    in_year = [d for d in deadlines if d.year == year]
    return ListEntry(
        **site_of(first),
        requirements=tuple(_follow_up(c) for c in cases),
        due_on=min([*in_year, due_on]),
        carried_over=True,
        carried_from_year=first.finding.found_on.year,
        case_ids=tuple(c.case_id for c in cases),
    )


def _follow_up(case: EnergyCase) -> str:
    f = case.finding
    if not isinstance(case.state, CaseState):
        raise ValueError(f"case {case.case_id} is {case.state}: nothing to follow up")
    return (
        f"follow up the {f.found_on.year} failure (能耗不达标整改落实情况): {f.standard} "
        f"{f.indicator_id} measured {f.measured_value} {f.unit} > limit {f.limit} {f.unit}; "
        f"case {case.case_id} is {case.state.value}: {NEXT_STEP[case.state]}"
        + (f", by {case.deadline.due_on}" if case.state is CaseState.RECTIFYING else "")
    )


def build_inspection_list(
    year: int,
    planned: Iterable[ListEntry],
    prior_cases: Iterable[EnergyCase],
    *,
    published_on: date,
    follow_up_due_on: date | None = None,
) -> InspectionList:
    """The year's list: the planned entries and the carried-over failures, merged per enterprise.

    A carried-over failure of a planned enterprise joins its entry: the requirements add up,
    the earlier due date holds. Follow-ups are due by `follow_up_due_on`, by default the last
    day of the year (the plan's reporting date, 2019-12-31 for 2019).
    """
    due = follow_up_due_on or date(year, 12, 31)
    carried = {e.uscc: e for e in carried_over(year, prior_cases, due_on=due)}
    with refusing_invalid_input():
        inspection_list = InspectionList(year=year)
    for entry in planned:
        follow_up = carried.pop(entry.uscc, None)
        merged = entry if follow_up is None else _merged(entry, follow_up)
        inspection_list.add(merged, effective_on=published_on)
    for entry in carried.values():
        inspection_list.add(entry, effective_on=published_on)
    return inspection_list


def _merged(planned: ListEntry, follow_up: ListEntry) -> ListEntry:
    return planned.model_copy(
        update={
            "requirements": (*planned.requirements, *follow_up.requirements),
            "due_on": min(planned.due_on, follow_up.due_on),
            "carried_over": True,
            "carried_from_year": follow_up.carried_from_year,
            "case_ids": follow_up.case_ids,
        }
    )
