"""A revival-watch alert becomes a `revival_check` referral to each agency it names, at the
service of the order it concerns, due on the alert's check date; its answer carries the on-site
check's outcome, which no other kind of referral takes."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from phaseout_shared.contracts import referral as contract
from phaseout_shared.contracts.referral import ReferralKind
from phaseout_shared.contracts.technology import WatchAlertRaised, WatchOutcome
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.referral import Referral
from phaseout_shared.reference import Agency, Dimension, District
from phaseout_shared.referrals import ALERTS, ordered_by, revival_check

ALERT_ID = uuid4()


def alert(to: tuple[Agency, ...], order_type: str | None) -> WatchAlertRaised:
    return WatchAlertRaised(
        alert_id=ALERT_ID,
        uscc="91440300708461136T",
        district=District("guangming"),
        effective_on=date(2019, 9, 1),
        rule="W-environment-suspension",
        rules_version="2019.1",
        basis="…",
        period=date(2019, 8, 1),
        to=to,
        check_by=date(2019, 9, 16),
        order_event_id="e-order",
        order_type=order_type,
        order_case="case-1",
    )


def check(kind: ReferralKind = ReferralKind.REVIVAL_CHECK) -> Referral:
    r = Referral.receive(
        dimension="environment",
        kind=kind,
        receiver=Agency.MEE,
        sender="technology",
        uscc="91440300708461136T",
        district=District("guangming"),
        trigger_event_id="e-alert",
        trigger_type="phaseout.technology.watch_alert.raised.v1",
        effective_on=date(2019, 9, 1),
        due_in_days=15,
        due_on=date(2019, 9, 16),
        alert_id=ALERT_ID,
        order_case="case-1",
    )
    r.pull_events()
    return r


def test_an_alert_asks_only_the_agencies_it_names() -> None:
    mee = revival_check(Agency.MEE)
    assert mee.triggers == ALERTS and mee.kind is ReferralKind.REVIVAL_CHECK
    suspension = "phaseout.environment.case.measure_ordered.v1"
    assert mee.when(alert((Agency.MEE,), suspension))
    assert not mee.when(alert((Agency.MEM,), "phaseout.safety.case.suspension_ordered.v1"))


def test_an_energy_shutdowns_alert_is_checked_at_energy_and_no_other_at_technology() -> None:
    shutdown = alert((Agency.MIIT, Agency.DRC), "phaseout.energy.shutdown.verified.v1")
    sealing = alert((Agency.MIIT,), "phaseout.technology.case.sealed.v1")
    at_energy = revival_check(Agency.MIIT, when=ordered_by(Dimension.ENERGY))
    at_technology = revival_check(Agency.MIIT, when=lambda a: not ordered_by(Dimension.ENERGY)(a))
    assert at_energy.when(shutdown) and not at_technology.when(shutdown)
    assert at_technology.when(sealing) and not at_energy.when(sealing)
    assert at_technology.when(alert((Agency.MIIT, Agency.SAMR), None)), "地条钢: no order"


def test_the_check_is_due_on_the_alerts_date_and_names_the_alert() -> None:
    r = check()
    assert (r.due_on, r.alert_id, r.order_case) == (date(2019, 9, 16), ALERT_ID, "case-1")


def test_the_answer_carries_the_outcome_on_the_event_of_version_two() -> None:
    r = check()
    r.act("办公照明", date(2019, 9, 5), outcome=WatchOutcome.EXPLAINED)
    (event,) = r.pull_events()
    payload: Any = event
    assert event.event_type == "phaseout.environment.referral.acted_on.v2"
    assert (payload.outcome, payload.alert_id, payload.reason) == (
        WatchOutcome.EXPLAINED,
        ALERT_ID,
        "办公照明",
    )
    with pytest.raises(Conflict):
        r.act("再答", date(2019, 9, 6), outcome=WatchOutcome.FALSE_READING)


def test_a_check_needs_its_outcome_and_no_other_kind_takes_one() -> None:
    with pytest.raises(InvalidInput) as refused:
        check().act("办公照明", date(2019, 9, 5))
    assert (refused.value.field, refused.value.rule) == ("outcome", "referral.check_outcome")
    pricing = check(ReferralKind.ELECTRICITY_PRICING)
    with pytest.raises(InvalidInput) as refused:
        pricing.act("执行", date(2019, 9, 5), outcome=WatchOutcome.EXPLAINED)
    assert refused.value.field == "outcome"


def test_version_one_events_are_still_read_with_their_kinds() -> None:
    v1 = contract.ACTED_ON_V1["energy"]
    assert v1.event_type == "phaseout.energy.referral.acted_on.v1"
    old = v1.model_validate(
        {
            "referral_id": str(uuid4()),
            "kind": "electricity_pricing",
            "sender": "technology",
            "receiver": "drc",
            "uscc": "91440300708461136T",
            "district": "longhua",
            "trigger_event_id": "e-1",
            "trigger_type": "phaseout.technology.case.opened.v1",
            "state": "acted_on",
            "due_on": "2019-06-09",
            "effective_on": "2019-06-01",
        }
    )
    assert str(old.kind) == "electricity_pricing"
    with pytest.raises(ValueError):
        v1.model_validate(old.model_dump() | {"kind": "revival_check"})


def test_another_agencys_check_settles_the_open_check_with_its_outcome_and_name() -> None:
    """The alert closed by samr's answer to its own referral: mee's check of the same alert is
    settled elsewhere, naming the outcome and samr, from the closing's date; not answered."""
    r, samrs = check(), uuid4()
    assert r.settles(ALERT_ID, samrs)
    r.settle_elsewhere(
        WatchOutcome.REVIVAL_CONFIRMED,
        "现场发现中频炉生产",
        date(2019, 9, 10),
        by=Agency.SAMR,
        referral=samrs,
    )
    assert (r.state, r.outcome, r.settled_by, r.settled_by_referral) == (
        "settled_elsewhere",
        WatchOutcome.REVIVAL_CONFIRMED,
        Agency.SAMR,
        samrs,
    )
    assert not r.overdue(date(2019, 12, 31)) and r.act_type is None
    (event,) = r.pull_events()
    payload: Any = event
    assert event.event_type == "phaseout.environment.referral.settled_elsewhere.v1"
    assert (payload.state, payload.effective_on, payload.settled_by) == (
        "settled_elsewhere",
        date(2019, 9, 10),
        Agency.SAMR,
    )
    assert payload.reason == "revival_confirmed by samr's on-site check: 现场发现中频炉生产"
    assert not r.settles(ALERT_ID, samrs), "settled once"


def test_a_settled_check_refuses_any_answer_and_names_why() -> None:
    r = check()
    r.settle_elsewhere(
        WatchOutcome.EXPLAINED, "办公照明", date(2019, 9, 5), by=Agency.MIIT, referral=None
    )
    r.pull_events()
    for answer in (
        lambda: r.act("现场检查", date(2019, 9, 8), outcome=WatchOutcome.REVIVAL_CONFIRMED),
        lambda: r.decline("不属本部门", date(2019, 9, 8)),
        lambda: r.accept(date(2019, 9, 8)),
    ):
        with pytest.raises(Conflict) as refused:
            answer()
        assert refused.value.rule == "referral.settled_elsewhere"
        assert "miit" in refused.value.reason
    assert r.pull_events() == [] and r.state == "settled_elsewhere"


def test_only_the_other_open_checks_of_that_alert_are_settled() -> None:
    answered, other_alert = check(), check()
    answered.act("办公照明", date(2019, 9, 5), outcome=WatchOutcome.EXPLAINED)
    assert not answered.settles(ALERT_ID, None), "its own answer came first: it stands"
    assert not check().settles(ALERT_ID, check().referral_id), "the answer that closed it"
    assert not other_alert.settles(uuid4(), None)
    pricing = check(ReferralKind.ELECTRICITY_PRICING)
    assert not pricing.settles(ALERT_ID, None)
    with pytest.raises(Conflict):
        pricing.settle_elsewhere(
            WatchOutcome.EXPLAINED, "…", date(2019, 9, 5), by=Agency.MIIT, referral=None
        )


def test_a_late_closing_is_dated_no_earlier_than_the_checks_last_step() -> None:
    r = check()
    r.accept(date(2019, 9, 12))
    r.settle_elsewhere(
        WatchOutcome.FALSE_READING, "电表倍率错误", date(2019, 9, 3), by=Agency.MEM, referral=None
    )
    (_, settled) = r.pull_events()
    assert settled.effective_on == date(2019, 9, 12)  # type: ignore[attr-defined]
