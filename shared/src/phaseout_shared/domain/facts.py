"""The facts every record about an enterprise carries, gathered once.

Every dimension's aggregates (cases, licences, lists, measures) stand at one enterprise: its
unified social credit code, the district whose government executes the plan there, and its key
industry. The events they record carry the same facts (`contracts.base.EnterpriseEvent`, and
`CaseEvent` for a case's step), and so do the columns lists filter on. `Site` is that value: an
aggregate's constructor takes one, `Site.of` takes it from any record that has the facts, and
`site_of` / `enterprise_facts` / `case_facts` spell them out for an event or a row in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypedDict
from uuid import UUID

from phaseout_shared.domain.aggregate import Aggregate
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import USCC, District, Industry


class Sited(Protocol):
    """A record at one enterprise: a registered enterprise, an aggregate, a request."""

    @property
    def uscc(self) -> str: ...

    @property
    def district(self) -> District: ...

    @property
    def industry(self) -> Industry: ...


class SiteFields(TypedDict):
    """Where a record stands, as the keywords of an aggregate, an event or a row."""

    uscc: str
    district: District
    industry: Industry


@dataclass(frozen=True)
class Site:
    """Where an enterprise is: its code, the district that executes the plan there and its key
    industry.

    The industry is None where the record's own facts decide it (a surveyed item's or an
    eliminated item's verdict names its industry); `fields` then takes it from those facts.
    """

    uscc: str
    district: District
    industry: Industry | None = None

    @classmethod
    def of(cls, record: Sited) -> Site:
        """Where `record` (a registered enterprise, an aggregate) stands."""
        return cls(uscc=record.uscc, district=record.district, industry=record.industry)

    def fields(self, industry: Industry | None = None) -> SiteFields:
        """The keywords of a record at this site; `industry`, where given, is the one the
        record's own facts decide. InvalidInput naming `industry` when neither names one."""
        named = self.industry if industry is None else industry
        if named is None:
            raise InvalidInput("industry: the enterprise's industry is required", field="industry")
        return {"uscc": self.uscc, "district": self.district, "industry": named}


class AtEnterprise(Aggregate):
    """An aggregate about one enterprise: where it stands is part of it from the start."""

    uscc: USCC
    district: District
    industry: Industry


class EnterpriseCase(Aggregate):
    """A case an agency opens against one enterprise: the case, then where it stands."""

    case_id: UUID
    uscc: USCC
    district: District
    industry: Industry


def site_of(record: Sited) -> SiteFields:
    """The enterprise, district and industry of `record`, ready to pass on as keywords."""
    return Site.of(record).fields()


def enterprise_facts(record: Sited, effective_on: date, **more: Any) -> dict[str, Any]:
    """The fields of an `EnterpriseEvent` about `record`, dated `effective_on`, and `more`."""
    return {**site_of(record), "effective_on": effective_on, **more}


def case_facts(
    record: Sited, case_id: UUID, state: str, deadline: date | None, effective_on: date, **more: Any
) -> dict[str, Any]:
    """The fields of a `CaseEvent`: the case's step on `effective_on`, its state after it and
    what is due next; `more` adds the dimension's own."""
    return enterprise_facts(
        record, effective_on, case_id=case_id, state=state, deadline=deadline, **more
    )
