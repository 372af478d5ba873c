"""A referral's answer "acted on" carries the act it names; where the platform records one, an
answer without it, or with one where none is recorded, is refused on `act_id`."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.aggregates import aggregate_table
from phaseout_shared.contracts.referral import ReferralKind
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.referral import Referral
from phaseout_shared.reference import Agency, District
from phaseout_shared.referrals import ActRule, named_act

NO_SESSION = cast(AsyncSession, None)
MEASURES = ActRule("pricing_measure", "pricing measure", aggregate_table("m", MetaData()))


def referral(kind: ReferralKind = ReferralKind.ELECTRICITY_PRICING) -> Referral:
    r = Referral.receive(
        dimension="energy",
        kind=kind,
        receiver=Agency.DRC,
        sender="technology",
        uscc="91440300708461136T",
        district=District("longhua"),
        trigger_event_id="e-1",
        trigger_type="phaseout.technology.case.opened.v1",
        effective_on=date(2019, 5, 10),
        due_in_days=30,
    )
    r.pull_events()
    return r


def test_the_acted_on_event_names_the_act() -> None:
    r = referral()
    r.act("执行惩罚性电价", date(2019, 6, 1), act_type="pricing_measure", act_id="m-1")
    (event,) = r.pull_events()
    payload: Any = event
    assert (payload.state, payload.act_type, payload.act_id) == (
        "acted_on",
        "pricing_measure",
        "m-1",
    )
    assert (r.act_type, r.act_id) == ("pricing_measure", "m-1")


def test_a_decline_names_no_act_and_keeps_its_reason() -> None:
    r = referral()
    r.decline("不适用", date(2019, 6, 1))
    (event,) = r.pull_events()
    payload: Any = event
    assert (payload.reason, payload.act_type, payload.act_id) == ("不适用", None, None)


async def test_an_act_is_required_where_the_platform_records_one() -> None:
    with pytest.raises(InvalidInput) as refused:
        await named_act(NO_SESSION, MEASURES, referral(), None)
    assert (refused.value.field, refused.value.rule) == ("act_id", "referral.act_named")


async def test_no_act_is_named_where_none_is_recorded() -> None:
    investigation = referral(ReferralKind.DITIAOGANG_INVESTIGATION)
    assert await named_act(NO_SESSION, None, investigation, None) == {
        "act_type": None,
        "act_id": None,
    }
    with pytest.raises(InvalidInput) as refused:
        await named_act(NO_SESSION, None, investigation, "x-1")
    assert refused.value.field == "act_id"
