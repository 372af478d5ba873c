"""The demo city's year, as planned from the seed: who gets which story, with what requests on
which dates, judged by the same pure rules the services apply."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from phaseout_cli.demo_catalogue import ENERGY, EQUIPMENT
from phaseout_cli.demo_city import NO_QUALITY_LAW, enterprises
from phaseout_cli.demo_run import referral_reply, submissions
from phaseout_cli.demo_steps import add_months
from phaseout_cli.demo_year import SWEEP_ON, Assignment, Story, eligible, plan
from phaseout_shared.reference import Industry
from phaseout_technology.domain.evaluate import evaluate

CITY = list(enterprises(300, seed=2019))
YEAR = plan(CITY, seed=2019)


def of(story: Story) -> list[Assignment]:
    return [a for a in YEAR if a.story is story]


def test_the_same_seed_gives_the_same_year_and_another_seed_another() -> None:
    assert plan(CITY, seed=2019) == YEAR
    other = plan(CITY, seed=7)
    assert [a.story for a in other] != [a.story for a in YEAR]


def test_every_story_is_told_and_most_enterprises_have_one() -> None:
    told = Counter(a.story for a in YEAR)
    assert set(told) == set(Story)
    assert told[Story.NOTHING] < len(CITY) / 4
    assert all(a.steps for a in YEAR if a.story is not Story.NOTHING)


def test_stories_respect_each_industrys_tables() -> None:
    for a in YEAR:
        industry = a.enterprise.industry
        assert a.story in eligible(a.enterprise)
        if a.story.dimension == "energy":
            assert industry in ENERGY, "only industries whose Table 1 limits are loaded"
        if a.story.dimension == "quality":
            assert industry not in NO_QUALITY_LAW
        assert {s.service for s in a.steps} <= {a.story.dimension}


@pytest.mark.parametrize("industry", list(Industry))
def test_surveyed_equipment_gets_the_verdict_its_story_needs(industry: Industry) -> None:
    equipment = EQUIPMENT[industry]
    assert evaluate(industry, equipment.eliminated).verdict == "eliminate"
    if equipment.allowed is not None:
        assert evaluate(industry, equipment.allowed).verdict == "allowed"


def test_dates_follow_the_registers_and_each_other() -> None:
    for a in YEAR:
        days = [s.on for s in a.steps]
        assert days == sorted(days), a.story
        assert all(a.enterprise.effective_on < d for d in days)
        before = [s.on for s in a.steps if not s.after_sweep]
        after = [s.on for s in a.steps if s.after_sweep]
        assert all(d <= SWEEP_ON for d in before if a.story.dimension != "energy")
        assert all(d > SWEEP_ON for d in after)
        assert all(d.year == 2019 for d in after)


def test_overdue_stories_are_due_before_the_sweep() -> None:
    for a in of(Story.ENERGY_OVERDUE):
        inspected = a.steps[0].on
        assert add_months(inspected, 6) < SWEEP_ON
    for a in of(Story.ENV_CLOSED) + of(Story.QUALITY_OVERDUE):
        deadlines = [
            s.body.get("deadline") or s.body.get("rectify_by") for s in a.steps if not s.after_sweep
        ]
        assert any(isinstance(d, date) and d < SWEEP_ON for d in deadlines)
    for a in of(Story.ENERGY_OPEN):
        assert add_months(a.steps[0].on, 6) >= SWEEP_ON, "still rectifying after the sweep"


def test_energy_readings_are_over_the_limit_then_under_when_rectified() -> None:
    for a in of(Story.ENERGY_RECTIFIED) + of(Story.ENERGY_EXTENDED):
        limit = ENERGY[a.enterprise.industry].limit
        first, last = a.steps[0].body, a.steps[-1].body
        assert Decimal(str(first["measured_value"])) > limit
        assert Decimal(str(last["measured_value"])) <= limit
    for a in of(Story.ENERGY_EXTENDED):
        extension = next(s.body for s in a.steps if s.path.endswith("/extension"))
        due = add_months(a.steps[0].on, 6)
        new = extension["new_deadline"]
        assert isinstance(new, date) and due < new <= add_months(due, 3)


def test_exits_happen_in_the_plans_year() -> None:
    ends = {
        Story.TECH_SEALED: "/acceptance",
        Story.TECH_DISMANTLED: "/acceptance",
        Story.ENERGY_OVERDUE: "/shutdown-verification",
        Story.ENERGY_FAILED: "/shutdown-verification",
        Story.ENV_CLOSED: "/closure-order",
        Story.SAFETY_CLOSED: "/closure",
    }
    for story, action in ends.items():
        for a in of(story):
            (end,) = [s for s in a.steps if s.path.endswith(action)]
            assert end.on.year == 2019, story


def test_months_are_added_as_the_energy_service_counts_them() -> None:
    assert add_months(date(2019, 8, 31), 6) == date(2020, 2, 29)
    assert add_months(date(2019, 5, 6), 6) == date(2019, 11, 6)
    assert add_months(date(2019, 11, 30), 3) == date(2020, 2, 29)


def test_answers_to_referrals_and_the_reports_are_decided_by_the_seed() -> None:
    referral = {"uscc": CITY[0].uscc, "kind": "licence_cancellation", "received_on": "2019-07-01"}
    replies = {tuple(a for a, _ in referral_reply(seed, referral)) for seed in range(200)}
    assert replies == {(), ("acceptance",), ("acceptance", "action")}
    assert referral_reply(5, referral) == referral_reply(5, referral)
    reports = submissions(2019)
    assert reports == submissions(2019)
    half = {a for a, _, body in reports if body["kind"] == "half_year"}
    assert half == {"drc", "mee", "samr", "mem", "water"}
    assert any(body["submitted_on"] > date(2019, 12, 31) for *_, body in reports)
