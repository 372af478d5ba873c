"""kill -9 under a steady load of known writes, then restart: every accepted write is in its
service, every event in the aggregator exactly once, no outbox row left unsent, no lag.

Quick (every `pytest`): the technology API, its relay and the aggregator, each killed in turn.
Full (`pytest tests/fault -m fault_full`, or `python -m bench.faults`): the same, then the Kafka
broker and PostgreSQL; it is skipped unless `-m` names `fault_full`.
"""

from __future__ import annotations

import pytest
from conftest import StackUnderTest
from faultkit import SLOT, Counts, Scenario, kill_kafka, kill_postgres, kill_service, run


def _report(name: str, counts: Counts) -> None:
    print(f"\nfault run [{name}]: {counts.line()}")
    for fault in counts.faults:
        print(f"  {fault}")


def _assert_nothing_lost(counts: Counts) -> None:
    assert counts.accepted > 0, counts.line()
    assert set(counts.refused_by_status) <= {503}, "only an outage refuses, and as a 503"
    assert counts.lost == 0, counts.line()
    assert counts.duplicated == 0, counts.line()
    assert counts.half_written == 0, counts.line()
    assert counts.phantom == 0, counts.line()
    assert counts.outbox_unsent == 0, counts.line()
    assert counts.events_missing_in_aggregator == 0, counts.line()
    assert counts.lag == 0, counts.line()
    assert counts.in_service == counts.accepted + counts.in_doubt_written, counts.line()


@pytest.mark.fault
async def test_kill_services_under_load_loses_nothing(test_stack: StackUnderTest) -> None:
    scenario = Scenario(test_stack.config, "quick", 18110 + 100 * SLOT)
    faults = [kill_service("technology"), kill_service("relay"), kill_service("aggregator")]
    counts = await run(scenario, test_stack.kafka, faults, rate=20, lead=3, gap=2)
    _report("quick", counts)
    _assert_nothing_lost(counts)


@pytest.mark.fault_full
async def test_kill_everything_under_load_loses_nothing(
    test_stack: StackUnderTest, request: pytest.FixtureRequest
) -> None:
    if "fault_full" not in (request.config.option.markexpr or ""):
        pytest.skip("the full fault run: pytest tests/fault -m fault_full")
    scenario = Scenario(test_stack.config, "full", 18120 + 100 * SLOT)
    faults = [
        kill_service("technology"),
        kill_service("relay"),
        kill_service("aggregator"),
        kill_kafka(),
        kill_postgres(),
        kill_service("aggregator", down=3),
        kill_service("technology"),
    ]
    counts = await run(scenario, test_stack.kafka, faults, rate=40, lead=5, gap=4)
    _report("full", counts)
    _assert_nothing_lost(counts)
