"""A shutdown anywhere supersedes the other agencies' rectification cases of that enterprise.

Each agency service whose cases can be superseded (`contracts.supersession.SUPERSEDING`) runs
`consumer`: it reads the other dimensions' shutdown and closure orders (`SHUTDOWNS`) and marks
each of its own cases of that enterprise whose work is rectification `superseded` (the rule is
the case's: `domain.supersession`), in one transaction with the inbox record, so a redelivered
event changes nothing (and a superseded case is not superseded again). `router` lets the agency
resume one, with a reason, if the shutdown is undone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.aggregates import Repository
from phaseout_shared.commands import Desk
from phaseout_shared.consumer import Delivery, Handler
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.environment import ClosureScope
from phaseout_shared.deps import versioned
from phaseout_shared.domain.supersession import SUPERSEDE, Supersedable, Trigger
from phaseout_shared.envelope import Envelope, dimension_of
from phaseout_shared.limits import Day
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_shared.params import CaseId
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.web import ConsumerSpec

C = TypeVar("C", bound=Supersedable)


def _always(_: Any) -> bool:
    return True


def _whole_enterprise(payload: Any) -> bool:
    return bool(payload.scope == ClosureScope.ENTERPRISE)


SHUTDOWNS: dict[str, Callable[[Any], bool]] = {
    "phaseout.energy.shutdown.ordered.v1": _always,
    "phaseout.energy.shutdown.verified.v1": _always,
    "phaseout.environment.closure.ordered.v1": _whole_enterprise,
    "phaseout.safety.case.closure_decided.v1": _always,
    "phaseout.safety.case.closed.v1": _always,
    "phaseout.technology.shutdown.ordered.v1": _always,
}
"""The events that shut an enterprise down, and whether a given one does.

依法关停退出 (energy: ordered, then verified), 责令停业、关闭 of the enterprise (environment; a
closure of one line leaves the rest of the enterprise producing), 关闭 decided by the government
and done (safety), and 地条钢 立即关停 (technology). Both the order and its completion count, so
a case opened in between is superseded too. Not: quality's revocation of licences (a sanction on
a product, which samr's own cases carry) nor technology's acceptance of one eliminated item
(发现一起、淘汰一起: the enterprise goes on with the rest)."""


def consumer(dimension: Dimension, cases: Repository[C]) -> ConsumerSpec:
    """The consumer that supersedes this service's cases on the other dimensions' shutdowns."""
    triggers = {t for t in SHUTDOWNS if dimension_of(t) != dimension.value}
    outbox = Outbox(topic=topic_of(dimension.value), source=f"/phaseout/{dimension.value}")
    return ConsumerSpec(
        name=f"{dimension.value}-supersession",
        topics=sorted({topic_of(dimension_of(t)) for t in triggers}),
        handler=_handler(triggers, cases, outbox),
    )


def _effective_on(payload: Any) -> date:
    on: date = payload.effective_on
    return on


def _handler(triggers: set[str], cases: Repository[C], outbox: Outbox) -> Handler:
    async def handle(
        session: AsyncSession, envelope: Envelope, payload: EventPayload, delivery: Delivery
    ) -> None:
        if envelope.type not in triggers or not SHUTDOWNS[envelope.type](payload):
            return
        trigger = Trigger(
            event_id=envelope.id,
            event_type=envelope.type,
            dimension=dimension_of(envelope.type),
            effective_on=_effective_on(payload),
            sequence=payload.sequence,
        )
        await supersede(session, cases, envelope.subject, trigger, outbox, delivery.clock())

    return handle


async def supersede(
    session: AsyncSession,
    cases: Repository[C],
    uscc: str,
    trigger: Trigger,
    outbox: Outbox,
    now: datetime,
) -> list[C]:
    """Supersede the enterprise's cases that the trigger makes moot; the ones it changed."""
    t = cases.table
    sources = sorted(str(s) for s in cases.model.LIFECYCLE.sources(SUPERSEDE))
    ids = await session.scalars(
        select(t.c.id).where(t.c.uscc == uscc, t.c.state.in_(sources)).order_by(t.c.id)
    )
    changed = []
    for id_ in list(ids):
        case = await cases.get(session, id_)
        if case.supersede(trigger):
            await cases.save(session, case, now)
            await outbox.append(session, case.pull_events(), subject=uscc, at=now)
            changed.append(case)
    return changed


class Resumption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1,
        max_length=2000,
        description="Why the case resumes: how the shutdown was undone",
    )
    effective_on: Day = Field(description="The date the case resumes; today at the latest")


def router(
    dimension: Dimension, cases: Repository[C], agencies: frozenset[Agency] | None = None
) -> APIRouter:
    """`POST /v1/cases/{case_id}/resumption`: the agency resumes a superseded case."""
    api = APIRouter(prefix="/v1/cases", tags=["cases"])

    one_case = versioned(cases.kind)
    desk = Desk(dimension, agencies)

    @api.post("/{case_id}/resumption", response_model=cases.model)
    async def resume(case_id: CaseId, body: Resumption, work: UnitOfWork = one_case) -> Any:
        """Resume a superseded case (被替代) in the state it had, with the same deadline, once the
        shutdown that superseded it is undone (a closed enterprise found running, an order
        withdrawn); 409 unless the case is superseded."""
        async with work:
            return await desk.act_as_requested(
                work,
                cases,
                case_id,
                "resume",
                lambda case: case.resume(body.reason, body.effective_on),
                body,
            )

    return api
