"""The quality service's licence commands: record a licence, ask its issuer to cancel it, and
record what the issuer did (提请注销生产许可证). Each is one unit of work, like `commands`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from phaseout_quality.adapters.tables import LICENCES, REQUESTS
from phaseout_quality.app.desk import DESK
from phaseout_quality.domain.cancellation import CancellationRequest
from phaseout_quality.domain.licence import ProductionLicence
from phaseout_shared.aggregates import Filters
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.quality import RequestState, ShutdownGround
from phaseout_shared.unit_of_work import UnitOfWork


async def record_licence(
    work: UnitOfWork,
    *,
    uscc: str,
    number: str,
    products: Sequence[str],
    issuer: str,
    valid_from: date,
    valid_until: date,
    effective_on: date,
) -> ProductionLicence:
    """Record a production licence of an enterprise on the register (生产许可资质检查)."""
    return await DESK.open(
        work,
        LICENCES,
        uscc,
        "record",
        lambda site: ProductionLicence.record(
            number=number,
            site=site,
            products=products,
            issuer=issuer,
            valid_from=valid_from,
            valid_until=valid_until,
            effective_on=effective_on,
        ),
        dates={"effective_on": effective_on},
    )


async def request_cancellation(
    work: UnitOfWork,
    number: str,
    *,
    ground: ShutdownGround,
    shutdown_reference: str,
    shut_down_on: date,
    effective_on: date,
) -> CancellationRequest:
    """Ask the issuing authority to cancel the licence of an enterprise shut down by law; one
    request pending per enterprise (the enterprise held while it is looked for)."""
    licence = await work.store(LICENCES).get(number)

    async def make(_: object) -> CancellationRequest:
        pending = Filters(uscc=licence.uscc, state=RequestState.PENDING)
        return CancellationRequest.make(
            request_id=uuid.uuid4(),
            licence=licence,
            ground=ground,
            shutdown_reference=shutdown_reference,
            shut_down_on=shut_down_on,
            effective_on=effective_on,
            others=await work.store(REQUESTS).find(pending),
        )

    dates = {"shut_down_on": shut_down_on, "effective_on": effective_on}
    return await DESK.open(work, REQUESTS, licence.uscc, "request", make, dates=dates)


async def record_answer(
    work: UnitOfWork, request_id: str, *, cancelled: bool, note: str, effective_on: date
) -> CancellationRequest:
    """The issuing authority acted: the licence cancelled (注销), or the request declined."""
    request = await work.store(REQUESTS).get(request_id)
    DESK.authorise(work, request.district)
    refuse_future(work, effective_on=effective_on)
    licence = await work.store(LICENCES).get(request.licence_number)
    request.record_answer(
        cancelled=cancelled, note=note, effective_on=effective_on, licence=licence
    )
    await work.store(REQUESTS).save(request)
    events = request.pull_events()
    if cancelled:
        await work.store(LICENCES).save(licence)
        events += licence.pull_events()
    await work.emit(events, subject=request.uscc)
    changes = {"cancelled": cancelled, "note": note, "effective_on": str(effective_on)}
    await work.audit("cancellation.answer", request_id, changes)
    return request
