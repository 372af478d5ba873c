"""Online monitoring (污染源自动监控): installable, installed, connected to the bureau."""

from datetime import date

import pytest
from environment_examples import USCC

from phaseout_environment.domain.monitoring import OnlineMonitoring
from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts.environment import MonitoringState
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry


def found(installable: bool, installed: bool, connected: bool, on: date) -> OnlineMonitoring:
    return OnlineMonitoring.found(
        site=Site(USCC, District.LONGHUA, Industry.LEAD_ACID_BATTERY),
        installable=installable,
        installed=installed,
        connected=connected,
        effective_on=on,
    )


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        ((False, False, False), MonitoringState.NOT_INSTALLABLE),
        ((True, False, False), MonitoringState.NOT_INSTALLED),
        ((True, True, False), MonitoringState.INSTALLED),
        ((True, True, True), MonitoringState.CONNECTED),
    ],
)
def test_the_three_facts_make_one_state(
    facts: tuple[bool, bool, bool], state: MonitoringState
) -> None:
    monitoring = found(*facts, date(2019, 6, 1))
    (event,) = monitoring.pull_events()
    assert isinstance(event, ev.MonitoringRecorded) and event.state is state
    assert (event.installable, event.installed, event.connected) == facts


@pytest.mark.parametrize(
    ("facts", "field"),
    [((True, False, True), "installed"), ((False, True, False), "installable")],
)
def test_contradicting_facts_are_refused(facts: tuple[bool, bool, bool], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        found(*facts, date(2019, 6, 1))
    assert refused.value.field == field


def test_a_later_finding_replaces_an_earlier_one_never_the_reverse() -> None:
    first = found(True, False, False, date(2019, 6, 1))
    later = found(True, True, True, date(2019, 8, 1))
    earlier = first.model_copy()
    first.supersede(later)
    assert first.model_dump() == later.model_dump() and first.state is MonitoringState.CONNECTED
    with pytest.raises(Conflict) as refused:
        first.supersede(earlier)
    assert refused.value.field == "effective_on"
