"""Public disclosure (信息公开), the same in every agency service: an agency publishes a
violation and its order for a publicity window, or withdraws it; each act is an event on its
own topic, and the aggregator's public list shows what is inside its window."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from phaseout_shared import register
from phaseout_shared.aggregates import Filters, Repository, aggregate_table
from phaseout_shared.auth import authorise_write
from phaseout_shared.contracts.disclosure import PUBLISHED, WITHDRAWN, DisclosurePublished
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.limits import Day
from phaseout_shared.reference import Dimension
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.writes import LEADS

disclosures = aggregate_table("disclosures", register.REGISTER)


class DisclosureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: str = Field(max_length=18, description="A registered enterprise")
    case_id: uuid.UUID | None = None
    violation: str = Field(min_length=1, max_length=2000)
    order: str = Field(min_length=1, max_length=2000)
    publicity_from: Day
    publicity_until: Day
    effective_on: Day

    @model_validator(mode="after")
    def _window(self) -> DisclosureIn:
        if self.publicity_until < self.publicity_from:
            raise ValueError("publicity_until is before publicity_from")
        return self


class Disclosure(BaseModel):
    published: DisclosurePublished
    state: Literal["published", "withdrawn"] = "published"
    withdrawn_on: date | None = None
    reason: str | None = None


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)
    effective_on: Day


def _columns(d: Disclosure) -> dict[str, Any]:
    p = d.published
    return {
        "id": str(p.disclosure_id),
        "uscc": p.uscc,
        "district": p.district,
        "industry": p.industry,
        "state": d.state,
        "due_on": p.publicity_until,
        "effective_on": p.effective_on,
    }


DISCLOSURES = Repository(disclosures, Disclosure, _columns)
DisclosureWork = Annotated[UnitOfWork, versioned("disclosures")]


def router(dimension: Dimension) -> APIRouter:
    api = APIRouter(prefix="/v1/disclosures", tags=["disclosure"])

    @api.post("", status_code=status.HTTP_201_CREATED, response_model=Disclosure)
    async def publish(body: DisclosureIn, work: Work) -> Disclosure:
        """Publish a violation and its order (曝光) for a publicity window."""
        assert work.principal is not None
        async with work:
            found = await register.get(work.session, body.uscc)
            authorise_write(work.principal, dimension, found.district, agencies=LEADS[dimension])
            event = PUBLISHED[dimension](
                disclosure_id=uuid.uuid4(),
                name=found.name,
                district=found.district,
                industry=found.industry,
                **body.model_dump(),
            )
            disclosure = Disclosure(published=event)
            await work.store(DISCLOSURES).add(disclosure)
            await work.emit([event], subject=body.uscc)
            await work.audit(
                "disclosure.publish", str(event.disclosure_id), body.model_dump(mode="json")
            )
            return disclosure

    @api.post("/{disclosure_id}/withdrawal", response_model=Disclosure)
    async def withdraw(disclosure_id: str, body: WithdrawalIn, work: DisclosureWork) -> Disclosure:
        assert work.principal is not None
        async with work:
            disclosure = await work.store(DISCLOSURES).get(disclosure_id)
            authorise_write(
                work.principal, dimension, disclosure.published.district, agencies=LEADS[dimension]
            )
            if disclosure.state == "withdrawn":
                raise Conflict("the disclosure is already withdrawn", field="state")
            disclosure.state, disclosure.withdrawn_on = "withdrawn", body.effective_on
            disclosure.reason = body.reason
            await work.store(DISCLOSURES).save(disclosure)
            event = WITHDRAWN[dimension](
                disclosure_id=disclosure.published.disclosure_id,
                uscc=disclosure.published.uscc,
                reason=body.reason,
                effective_on=body.effective_on,
            )
            await work.emit([event], subject=event.uscc)
            await work.audit("disclosure.withdraw", disclosure_id, body.model_dump(mode="json"))
            return disclosure

    @api.get("", response_model=Page[Disclosure])
    async def list_(work: Work, paging: Paging, uscc: str | None = None) -> Page[Disclosure]:
        async with work:
            query = DISCLOSURES.query(Filters(uscc=uscc), work.principal)
            items, total = await DISCLOSURES.page(work.session, query, paging.limit, paging.offset)
        return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)

    return api
