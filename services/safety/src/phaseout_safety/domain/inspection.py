"""A safety inspection (安全生产监督检查) and what its findings lead to.

The plan (二（四）2): 依法查处安全生产条件达不到相关法律、行政法规和国家标准或行业标准要求的
产能企业.
Each finding is judged by the catalogue: a hidden hazard opens its rectification with the
五落实 to put in place; conditions below a law, an administrative regulation, a national or an
industry standard are suspended at once (依法责令立即停产停业整顿) — one order for all of them,
naming what is suspended and until when. A finding that cannot be judged is refused naming
the field (`findings.<n>.kind`), never passed over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from phaseout_safety.domain.acts import SuspensionOrder
from phaseout_safety.domain.aggregate import Aggregate, stated
from phaseout_safety.domain.case import SuspensionCase
from phaseout_safety.domain.catalogue import SUSPEND, Catalogue, table4
from phaseout_safety.domain.hazard import Hazard
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.safety import FindingVerdict, InspectionRecorded, Outcome
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import USCC, District, Industry


class Finding(BaseModel):
    """What the inspectors found, as they state it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    description: str
    reference: str | None = None


def judge(findings: Sequence[Finding], catalogue: Catalogue) -> list[FindingVerdict]:
    """Each finding with the outcome the catalogue gives its kind, and the basis."""
    verdicts = []
    for i, finding in enumerate(findings):
        spec = catalogue.finding(finding.kind, field=f"findings.{i}.kind")
        description = stated(finding.description, f"findings.{i}.description")
        reference = (finding.reference or "").strip() or None
        if spec.reference_required and reference is None:
            raise InvalidInput(
                f"{spec.name_en} ({spec.name_zh}): name the law, regulation or standard not met",
                field=f"findings.{i}.reference",
                rule=spec.rule,
            )
        verdicts.append(
            FindingVerdict(
                kind=spec.kind,
                description=description,
                reference=reference,
                outcome=spec.outcome,
                rule=spec.rule,
                basis=f"{spec.name_zh} ({spec.name_en}): {catalogue.basis(spec.rule)}",
            )
        )
    return verdicts


class Inspection(Aggregate):
    """One inspection of one enterprise, as recorded."""

    inspection_id: UUID
    uscc: USCC
    district: District
    industry: Industry
    inspected_on: date
    inspectors: str = Field(min_length=1)
    findings: tuple[FindingVerdict, ...]
    catalogue_version: str
    hazard_case_ids: tuple[UUID, ...] = ()
    suspension_case_id: UUID | None = None


@dataclass
class Inspected:
    """An inspection and the cases it opened."""

    inspection: Inspection
    hazards: list[Hazard] = field(default_factory=list)
    case: SuspensionCase | None = None

    def pull_events(self) -> list[EventPayload]:
        """The inspection's event first, then the hazards found, then the order."""
        events = self.inspection.pull_events()
        for hazard in self.hazards:
            events += hazard.pull_events()
        return events + (self.case.pull_events() if self.case else [])


@dataclass(frozen=True)
class Subject:
    """Who and what was inspected, when, and by whom."""

    uscc: str
    district: District
    industry: Industry
    inspected_on: date
    inspectors: str


def inspect(
    subject: Subject,
    findings: Sequence[Finding],
    *,
    inspection_id: UUID,
    suspension: SuspensionOrder | None,
    new_id: Callable[[], UUID],
    catalogue: Catalogue | None = None,
) -> Inspected:
    """Record an inspection; open a rectification per hazard and the order for conditions."""
    book = catalogue or table4()
    book.covering(subject.industry)
    inspectors = stated(subject.inspectors, "inspectors")
    verdicts = judge(findings, book)
    grounds = [v for v in verdicts if v.outcome is Outcome.SUSPEND]
    _check_order(grounds, suspension)
    site = Site.of(subject)
    opened: dict[str, Any] = {"inspection_id": inspection_id, "catalogue_version": book.version}
    on = subject.inspected_on
    hazards = [
        Hazard.find(new_id(), site=site, **opened, verdict=v, found_on=on)
        for v in verdicts
        if v.outcome is Outcome.RECTIFY_HAZARD
    ]
    case = None
    if suspension is not None:
        case = SuspensionCase.order(
            new_id(), site=site, **opened, grounds=grounds, order=suspension, ordered_on=on
        )
    inspection = Inspection(
        **site.fields(),
        **opened,
        inspected_on=on,
        inspectors=inspectors,
        findings=tuple(verdicts),
        hazard_case_ids=tuple(h.case_id for h in hazards),
        suspension_case_id=case.case_id if case else None,
    )
    inspection._record(
        InspectionRecorded(**inspection.model_dump(exclude={"inspected_on"}), effective_on=on)
    )
    return Inspected(inspection, hazards, case)


def _check_order(grounds: list[FindingVerdict], suspension: SuspensionOrder | None) -> None:
    if grounds and suspension is None:
        raise InvalidInput(
            "conditions below the law or standard are suspended at once "
            "(依法责令立即停产停业整顿): state what is suspended, its capacity and the period",
            field="suspension",
            rule=SUSPEND,
        )
    if suspension is not None and not grounds:
        raise InvalidInput(
            "a suspension is ordered only on conditions below the law or standard",
            field="suspension",
            rule=SUSPEND,
        )
