"""The request to cancel a licence (提请注销), tracked until the issuing authority acts."""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from quality_examples import LICENCE, USCC, cancellation, licence

from phaseout_quality.domain.cancellation import REQUEST_LIFECYCLE, CancellationRequest
from phaseout_shared.contracts.quality import (
    CancellationAnswered,
    CancellationRequested,
    LicenceCancelled,
    LicenceStatus,
    RequestState,
    RevocationReason,
    ShutdownGround,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.reference import Industry

ANSWERED = date(2019, 8, 1)


@pytest.mark.parametrize("ground", list(ShutdownGround))
def test_a_request_names_the_shutdown_and_the_issuer(ground: ShutdownGround) -> None:
    request = cancellation(ground=ground)
    (event,) = request.pull_events()
    assert isinstance(event, CancellationRequested)
    assert event.event_type == "phaseout.quality.cancellation.requested.v1"
    assert (event.licence_number, event.uscc, event.issuer) == (
        LICENCE,
        USCC,
        "广东省市场监督管理局",
    )
    assert (event.status, event.ground, event.rule) == ("pending", ground, "Q-cancel-licence")
    assert event.shut_down_on == date(2019, 7, 1) and event.effective_on == date(2019, 7, 5)
    assert "提请相关发证部门注销生产许可证" in request.basis


def test_the_plan_names_three_grounds() -> None:
    assert {g.value for g in ShutdownGround} == {"technology", "environment", "energy"}


def test_a_licence_outside_the_product_quality_law_may_still_be_cancelled() -> None:
    acid = licence(industry=Industry.COPPER_SMELTING, products=["工业硫酸"])
    assert cancellation(acid).industry is Industry.COPPER_SMELTING


def test_a_revoked_licence_may_still_be_cancelled() -> None:
    held = licence()
    held.revoke(
        case_id=uuid4(),
        reason=RevocationReason.OVERDUE,
        decision="决定",
        effective_on=date(2019, 7, 2),
    )
    assert cancellation(held).state is RequestState.PENDING


def test_a_cancelled_licence_or_a_pending_request_refuses_another() -> None:
    held = licence()
    pending = cancellation(held)
    with pytest.raises(Conflict) as refused:
        cancellation(held, others=[pending])
    assert refused.value.rule == "quality.cancellation.one_pending"
    pending.record_answer(
        cancelled=True, note="粤市监注〔2019〕3 号", effective_on=ANSWERED, licence=held
    )
    with pytest.raises(Conflict) as refused:
        cancellation(held, others=[pending])
    assert "already cancelled" in refused.value.reason
    other = licence(number="XK05-001-00002")
    assert cancellation(other, others=[pending]).licence_number == "XK05-001-00002"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"shutdown_reference": " "}, "shutdown_reference"),
        ({"shut_down_on": date(2019, 7, 6)}, "shut_down_on"),
    ],
)
def test_an_incoherent_request_is_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        cancellation(**overrides)
    assert refused.value.field == field


def _cancelled(request: CancellationRequest, held: Any) -> None:
    request.record_answer(cancelled=True, note="", effective_on=ANSWERED, licence=held)


def _declined(request: CancellationRequest, held: Any) -> None:
    request.record_answer(
        cancelled=False, note="企业已整改并复产", effective_on=ANSWERED, licence=held
    )


ANSWERS: dict[str, Callable[[CancellationRequest, Any], None]] = {
    "record_cancellation": _cancelled,
    "record_declination": _declined,
}
TARGET = {
    "record_cancellation": RequestState.CANCELLED,
    "record_declination": RequestState.DECLINED,
}
EVERY = [(state, answer) for state in RequestState for answer in ANSWERS]


def request_in(state: RequestState) -> tuple[CancellationRequest, Any]:
    held = licence()
    request = cancellation(held)
    if state is RequestState.CANCELLED:
        _cancelled(request, held)
    elif state is RequestState.DECLINED:
        _declined(request, held)
    request.pull_events()
    held.pull_events()
    return request, held


@pytest.mark.parametrize(("state", "answer"), EVERY, ids=[f"{s}-{a}" for s, a in EVERY])
def test_every_answer_is_legal_or_refused(state: RequestState, answer: str) -> None:
    request, held = request_in(state)
    if state is not RequestState.PENDING:
        with pytest.raises(Conflict) as refused:
            ANSWERS[answer](request, held)
        assert refused.value.rule == f"lifecycle.{answer}"
        assert request.state is state and request.pull_events() == []
        return
    ANSWERS[answer](request, held)
    (event,) = request.pull_events()
    assert isinstance(event, CancellationAnswered) and event.status is TARGET[answer]
    assert request.state is TARGET[answer] and request.answered_on == ANSWERED
    cancelled = TARGET[answer] is RequestState.CANCELLED
    assert (held.status is LicenceStatus.CANCELLED) is cancelled
    licence_events = held.pull_events()
    assert [type(e) for e in licence_events] == ([LicenceCancelled] if cancelled else [])


def test_the_table_has_exactly_these_answers() -> None:
    assert REQUEST_LIFECYCLE.allowed_from(RequestState.PENDING) == list(ANSWERS)
    assert REQUEST_LIFECYCLE.allowed_from(RequestState.CANCELLED) == []
    assert REQUEST_LIFECYCLE.allowed_from(RequestState.DECLINED) == []


@pytest.mark.parametrize(
    ("cancelled", "note", "when", "field"),
    [
        (False, " ", ANSWERED, "note"),
        (True, "", date(2019, 7, 4), "effective_on"),
    ],
)
def test_an_incoherent_answer_is_refused(
    cancelled: bool, note: str, when: date, field: str
) -> None:
    request, held = request_in(RequestState.PENDING)
    with pytest.raises(InvalidInput) as refused:
        request.record_answer(cancelled=cancelled, note=note, effective_on=when, licence=held)
    assert refused.value.field == field
    assert request.state is RequestState.PENDING and held.status is LicenceStatus.VALID


def test_the_answer_is_about_the_requests_own_licence() -> None:
    request, _ = request_in(RequestState.PENDING)
    with pytest.raises(InvalidInput) as refused:
        _cancelled(request, licence(number="XK05-001-00009"))
    assert refused.value.field == "licence_number"
