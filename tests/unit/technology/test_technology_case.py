"""The elimination case (发现一起、淘汰一起): every legal and illegal transition, and its events."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from phaseout_shared.contracts.technology import (
    AcceptanceFailed,
    AcceptancePassed,
    CaseDismantled,
    CaseOpened,
    CaseSealed,
    DitiaogangInvestigationOpened,
    ExitMeans,
    RevivalFound,
    SealingMeasures,
    ShutdownOrdered,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import Agency, District
from phaseout_technology.domain.case import CaseState, EliminationCase
from phaseout_technology.domain.evaluate import Verdict, evaluate

CASE_ID = UUID("00000000-0000-4000-8000-000000000001")
USCC = "91440300708461136T"
OPENED = date(2019, 6, 3)
LATER = date(2019, 7, 1)
ALL_FIVE = SealingMeasures(
    water_cut=True,
    power_cut=True,
    power_units_removed=True,
    main_equipment_sealed=True,
    public_commitment=True,
)
FIVE = list(SealingMeasures.model_fields)


def converter() -> Verdict:
    return evaluate("steel", {"kind": "converter", "capacity_t": 30})


def open_case(verdict: Verdict | None = None, **overrides: Any) -> EliminationCase:
    arguments: dict[str, object] = {
        "case_id": CASE_ID,
        "uscc": USCC,
        "district": District.BAOAN,
        "item_id": "BOF-1",
        "verdict": verdict or converter(),
        "capacity_amount": Decimal("300000"),
        "capacity_unit": "t/a",
        "effective_on": OPENED,
        **overrides,
    }
    site = Site(arguments.pop("uscc"), arguments.pop("district"))  # type: ignore[arg-type]
    return EliminationCase.open(site=site, **arguments)  # type: ignore[arg-type]


def case_in(state: CaseState) -> EliminationCase:
    case = open_case()
    if state is CaseState.DISMANTLED:
        case.dismantle("converter shell cut up", OPENED)
    elif state is CaseState.SEALED:
        case.seal(ALL_FIVE, OPENED)
    elif state is CaseState.EXITED:
        case.seal(ALL_FIVE, OPENED)
        case.accept_on_site(OPENED, passed=True)
    case.pull_events()
    assert case.state is state
    return case


Action = Callable[[EliminationCase], object]
ACTIONS: dict[str, Action] = {
    "dismantle": lambda c: c.dismantle("main equipment removed", LATER),
    "seal": lambda c: c.seal(ALL_FIVE, LATER),
    "accept_passed": lambda c: c.accept_on_site(LATER, passed=True),
    "accept_failed": lambda c: c.accept_on_site(LATER, passed=False, reasons=["still wired"]),
    "reopen_revival": lambda c: c.reopen_revival("running at night", LATER),
}
LEGAL = {
    (CaseState.OPEN, "dismantle"): CaseState.DISMANTLED,
    (CaseState.OPEN, "seal"): CaseState.SEALED,
    (CaseState.SEALED, "dismantle"): CaseState.DISMANTLED,
    (CaseState.DISMANTLED, "accept_passed"): CaseState.EXITED,
    (CaseState.SEALED, "accept_passed"): CaseState.EXITED,
    (CaseState.DISMANTLED, "accept_failed"): CaseState.OPEN,
    (CaseState.SEALED, "accept_failed"): CaseState.OPEN,
    (CaseState.SEALED, "reopen_revival"): CaseState.OPEN,
    (CaseState.EXITED, "reopen_revival"): CaseState.OPEN,
}
EVENT_OF = {
    "dismantle": CaseDismantled,
    "seal": CaseSealed,
    "accept_passed": AcceptancePassed,
    "accept_failed": AcceptanceFailed,
    "reopen_revival": RevivalFound,
}
EVERY = [(state, action) for state in CaseState for action in ACTIONS]


def test_opening_a_case_records_the_exit_facts() -> None:
    case = open_case()
    assert case.state is CaseState.OPEN
    (event,) = case.pull_events()
    assert isinstance(event, CaseOpened)
    assert event.event_type == "phaseout.technology.case.opened.v1"
    assert (event.case_id, event.uscc, event.district) == (CASE_ID, USCC, District.BAOAN)
    assert (event.industry, event.kind, event.item_id) == ("steel", "converter", "BOF-1")
    assert (event.capacity_amount, event.capacity_unit) == (Decimal("300000"), "t/a")
    assert (event.rule, event.catalogue_version) == ("T5-steel-converter", "2019.1")
    assert event.effective_on == OPENED
    assert case.pull_events() == []


def test_an_allowed_item_opens_no_case() -> None:
    allowed = evaluate("steel", {"kind": "converter", "capacity_t": 31})
    with pytest.raises(Conflict, match="nothing to eliminate") as refused:
        open_case(allowed)
    assert refused.value.rule == "T5-steel-converter"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uscc": "91440300708461136X"}, "uscc"),
        ({"uscc": "short"}, "uscc"),
        ({"capacity_amount": Decimal(0)}, "capacity_amount"),
        ({"capacity_amount": Decimal(-5)}, "capacity_amount"),
        ({"capacity_amount": Decimal("NaN")}, "capacity_amount"),
        ({"capacity_unit": " "}, "capacity_unit"),
        ({"item_id": ""}, "item_id"),
        ({"item_id": "x" * 101}, "item_id"),
        ({"capacity_unit": "tonnes per year of crude"}, "capacity_unit"),
        ({"district": "atlantis"}, "district"),
    ],
)
def test_a_case_needs_valid_facts(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        open_case(**overrides)
    assert refused.value.field == field


@pytest.mark.parametrize(("state", "action"), EVERY, ids=[f"{s}-{a}" for s, a in EVERY])
def test_every_transition_is_legal_or_refused(state: CaseState, action: str) -> None:
    case = case_in(state)
    target = LEGAL.get((state, action))
    if target is None:
        with pytest.raises(Conflict):
            ACTIONS[action](case)
        assert case.state is state
        assert case.pull_events() == []
    else:
        ACTIONS[action](case)
        assert case.state is target
        (event,) = case.pull_events()
        assert isinstance(event, EVENT_OF[action])
        assert event.case_id == CASE_ID
        assert event.effective_on == LATER


@pytest.mark.parametrize("state", list(CaseState))
def test_allowed_actions_follow_the_table(state: CaseState) -> None:
    names = {
        "dismantle": {"dismantle"},
        "seal": {"seal"},
        "accept_on_site": {"accept_passed"},
        "fail_on_site_acceptance": {"accept_failed"},
        "reopen_revival": {"reopen_revival"},
    }
    allowed = {a for name in case_in(state).allowed_actions() for a in names[name]}
    assert allowed == {a for s, a in LEGAL if s is state}


def test_acceptance_before_dismantling_or_sealing_is_refused_with_the_reason() -> None:
    case = case_in(CaseState.OPEN)
    with pytest.raises(Conflict, match="dismantled or sealed") as refused:
        case.accept_on_site(LATER, passed=True)
    assert "现场验收" in refused.value.reason
    assert refused.value.field == "state"


@pytest.mark.parametrize("missing", FIVE)
def test_sealing_needs_all_five_measures(missing: str) -> None:
    case = case_in(CaseState.OPEN)
    partial = ALL_FIVE.model_copy(update={missing: False})
    with pytest.raises(InvalidInput) as refused:
        case.seal(partial, LATER)
    assert refused.value.field == f"sealing.{missing}"
    description = SealingMeasures.model_fields[missing].description
    assert description is not None and description in refused.value.reason
    assert case.state is CaseState.OPEN
    assert case.pull_events() == []


def test_sealing_with_nothing_done_names_all_five() -> None:
    with pytest.raises(InvalidInput) as refused:
        case_in(CaseState.OPEN).seal(SealingMeasures(), LATER)
    for chinese in ("断水", "断电", "拆除动力装置", "封存主体设备", "公开承诺"):
        assert chinese in refused.value.reason
    assert refused.value.field == "sealing.water_cut"


def test_sealing_records_the_measures() -> None:
    case = case_in(CaseState.OPEN)
    case.seal(ALL_FIVE, LATER, description="seals no. 17-21")
    (event,) = case.pull_events()
    assert isinstance(event, CaseSealed)
    assert event.measures == ALL_FIVE
    assert event.description == "seals no. 17-21"


@pytest.mark.parametrize(
    ("path", "exited_by"),
    [
        (["dismantle"], ExitMeans.DISMANTLED),
        (["seal"], ExitMeans.SEALED),
        (["seal", "dismantle"], ExitMeans.DISMANTLED),
    ],
)
def test_passed_acceptance_exits_the_capacity(path: list[str], exited_by: ExitMeans) -> None:
    case = case_in(CaseState.OPEN)
    for action in path:
        ACTIONS[action](case)
    case.pull_events()
    case.accept_on_site(date(2019, 8, 1), passed=True, note="site visited")
    (event,) = case.pull_events()
    assert isinstance(event, AcceptancePassed)
    assert event.exited_by is exited_by
    assert (event.capacity_amount, event.capacity_unit) == (Decimal("300000"), "t/a")
    assert (event.district, event.industry, event.kind) == (District.BAOAN, "steel", "converter")
    assert (event.rule, event.catalogue_version) == ("T5-steel-converter", "2019.1")
    assert event.revival is False
    assert case.exited_on == date(2019, 8, 1)


def test_failed_acceptance_sends_the_case_back_to_work() -> None:
    case = case_in(CaseState.SEALED)
    case.accept_on_site(LATER, passed=False, reasons=["power still connected", " "])
    (event,) = case.pull_events()
    assert isinstance(event, AcceptanceFailed)
    assert event.reasons == ("power still connected",)
    assert case.sealing is None
    case.dismantle("removed after all", LATER)
    case.accept_on_site(LATER, passed=True)
    assert case.state is CaseState.EXITED
    assert [a.passed for a in case.acceptances] == [False, True]


@pytest.mark.parametrize(
    ("passed", "reasons"), [(False, []), (False, ["  "]), (True, ["not needed"])]
)
def test_acceptance_reasons_go_with_failure_only(passed: bool, reasons: list[str]) -> None:
    case = case_in(CaseState.DISMANTLED)
    with pytest.raises(InvalidInput) as refused:
        case.accept_on_site(LATER, passed=passed, reasons=reasons)
    assert refused.value.field == "reasons"
    assert case.state is CaseState.DISMANTLED


@pytest.mark.parametrize("state", [CaseState.SEALED, CaseState.EXITED])
def test_a_revival_reopens_the_case_flagged(state: CaseState) -> None:
    case = case_in(state)
    case.reopen_revival("smoke from the chimney", LATER)
    assert (case.state, case.revival) == (CaseState.OPEN, True)
    (event,) = case.pull_events()
    assert isinstance(event, RevivalFound)
    assert event.previous_state == state.value
    assert (event.capacity_amount, event.kind) == (Decimal("300000"), "converter")
    assert case.exited_on is None
    case.seal(ALL_FIVE, LATER)
    case.accept_on_site(LATER, passed=True)
    passed = case.pull_events()[-1]
    assert isinstance(passed, AcceptancePassed) and passed.revival is True


@pytest.mark.parametrize(
    "action",
    [
        lambda c: c.dismantle("   ", LATER),
        lambda c: c.reopen_revival("", LATER),
    ],
)
def test_blank_evidence_is_refused(action: Action) -> None:
    case = case_in(CaseState.SEALED)
    with pytest.raises(InvalidInput, match="must not be blank"):
        action(case)
    assert case.state is CaseState.SEALED


def test_a_step_cannot_take_effect_before_the_last_one() -> None:
    case = case_in(CaseState.OPEN)
    case.seal(ALL_FIVE, LATER)
    with pytest.raises(Conflict) as refused:
        case.accept_on_site(date(2019, 6, 30), passed=True)
    assert refused.value.field == "effective_on"
    assert case.state is CaseState.SEALED


def ditiaogang_case() -> EliminationCase:
    verdict = evaluate("steel", {"kind": "ditiaogang_furnace"})
    return open_case(verdict, item_id="IF-3", capacity_amount=Decimal(20000))


def test_ditiaogang_is_shut_down_at_once_and_samr_is_told() -> None:
    opened, shutdown, investigation = ditiaogang_case().pull_events()
    assert isinstance(opened, CaseOpened)
    assert isinstance(shutdown, ShutdownOrdered)
    assert shutdown.event_type == "phaseout.technology.shutdown.ordered.v1"
    assert (shutdown.kind, shutdown.rule) == ("ditiaogang_furnace", "T5-steel-ditiaogang")
    assert isinstance(investigation, DitiaogangInvestigationOpened)
    assert investigation.event_type == "phaseout.technology.ditiaogang.investigation_opened.v1"
    assert Agency.SAMR in investigation.notified
    assert investigation.case_id == opened.case_id == shutdown.case_id


def test_ditiaogang_must_be_dismantled_not_sealed() -> None:
    case = ditiaogang_case()
    with pytest.raises(Conflict, match="拆除设备") as refused:
        case.seal(ALL_FIVE, LATER)
    assert refused.value.rule == "T5-steel-ditiaogang"
    case.dismantle("induction furnace removed", LATER)
    case.accept_on_site(LATER, passed=True)
    assert case.state is CaseState.EXITED


def test_a_revived_ditiaogang_is_shut_down_and_investigated_again() -> None:
    case = ditiaogang_case()
    case.dismantle("induction furnace removed", LATER)
    case.accept_on_site(LATER, passed=True)
    case.pull_events()
    case.reopen_revival("electricity use jumped (用电大数据)", date(2019, 10, 1))
    kinds = [type(e) for e in case.pull_events()]
    assert kinds == [RevivalFound, ShutdownOrdered, DitiaogangInvestigationOpened]


def test_an_ordinary_case_orders_no_shutdown() -> None:
    assert [type(e) for e in open_case().pull_events()] == [CaseOpened]


def test_the_case_round_trips_as_json_without_its_pending_events() -> None:
    case = case_in(CaseState.SEALED)
    case.accept_on_site(LATER, passed=False, reasons=["seal broken"])
    stored = case.model_dump(mode="json")
    loaded = EliminationCase.model_validate(stored)
    assert loaded.pull_events() == []
    assert len(case.pull_events()) == 1
    assert loaded == case
    assert stored["state"] == "open" and stored["capacity_amount"] == "300000"
