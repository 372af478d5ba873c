"""Market access (drc): a proposed project may add no backward capacity (确保不新增落后产能).

The plan: 严格执行《市场准入负面清单（2018 年版）》、
《广东省主体功能区产业准入负面清单（2018 年本）》
等产业政策 … 严格产业准入，确保不新增落后产能. Each planned item is judged against Table 5:
any eliminated item forbids the project, naming each rule; otherwise it is permitted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from phaseout_shared.contracts.technology import AccessOutcome, CheckedItem, ProjectCheckRecorded
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import District, Industry
from phaseout_technology.domain.aggregate import enterprise
from phaseout_technology.domain.catalogue import Catalogue, table5
from phaseout_technology.domain.equipment import read_industry
from phaseout_technology.domain.evaluate import Verdict, evaluate


@dataclass(frozen=True)
class ProposedProject:
    """A new investment project as proposed: its planned equipment is `{"kind": …}` items."""

    name: str
    industry: Industry | str
    district: District
    items: Sequence[Mapping[str, object]]


class ProjectCheck(BaseModel):
    """The answer for a proposed project, with the verdict on each planned item."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    project_name: str
    industry: Industry
    district: District
    outcome: AccessOutcome
    rules: tuple[str, ...]
    verdicts: tuple[Verdict, ...]
    catalogue_version: str
    basis: str

    def recorded(
        self, *, check_id: UUID, effective_on: date, uscc: str | None = None
    ) -> ProjectCheckRecorded:
        """The event that records this check."""
        proposer = None if uscc is None else enterprise(uscc)
        items = tuple(
            CheckedItem(kind=v.kind, verdict=v.verdict, rule=v.rule, basis=v.basis)
            for v in self.verdicts
        )
        return ProjectCheckRecorded(
            check_id=check_id,
            project_name=self.project_name,
            uscc=proposer,
            industry=self.industry,
            district=self.district,
            outcome=self.outcome,
            rules=self.rules,
            items=items,
            catalogue_version=self.catalogue_version,
            effective_on=effective_on,
        )


def check_project(project: ProposedProject, catalogue: Catalogue | None = None) -> ProjectCheck:
    """Judge every planned item; refuse the project if any of them is backward capacity.

    An item that cannot be judged is refused with the field `items[i].<param>`.
    """
    book = catalogue or table5()
    name = project.name.strip()
    if not name:
        raise InvalidInput("the project must have a name", field="name")
    industry = read_industry(project.industry)
    if not project.items:
        raise InvalidInput("the project must list its planned equipment", field="items")
    verdicts = tuple(_judge(i, industry, item, book) for i, item in enumerate(project.items))
    eliminated = [(i, v) for i, v in enumerate(verdicts) if v.eliminated]
    rules = tuple(dict.fromkeys(v.rule for _, v in eliminated))
    return ProjectCheck(
        project_name=name,
        industry=industry,
        district=project.district,
        outcome=AccessOutcome.FORBIDDEN if eliminated else AccessOutcome.PERMITTED,
        rules=rules,
        verdicts=verdicts,
        catalogue_version=book.version,
        basis=_basis(eliminated, len(verdicts)),
    )


def _judge(
    index: int, industry: Industry, item: Mapping[str, object], catalogue: Catalogue
) -> Verdict:
    try:
        return evaluate(industry, item, catalogue)
    except InvalidInput as error:
        where = (error.field or "equipment").removeprefix("equipment")
        raise InvalidInput(error.reason, field=f"items[{index}]{where}", rule=error.rule) from None


def _basis(eliminated: list[tuple[int, Verdict]], count: int) -> str:
    if not eliminated:
        return f"none of the {count} planned items is eliminated by Table 5: permitted"
    named = "; ".join(f"items[{i}] {v.kind} eliminated by {v.rule}" for i, v in eliminated)
    return f"{named}: forbidden, no new backward capacity (确保不新增落后产能)"
