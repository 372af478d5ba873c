"""Online monitoring of pollution sources (污染源自动监控) at one enterprise.

The plan: 督促具备安装条件的重点排污单位按统一要求安装和运行污染源在线监控设备并与环保部门联网.
Three facts, each implying the one before: connected implies installed, installed implies the
site could install it. Each record is the state as found on `effective_on`; an older finding than
the one recorded is refused.
"""

from __future__ import annotations

from datetime import date

from phaseout_environment.domain.aggregate import not_before, take_over
from phaseout_shared.contracts.environment import MonitoringRecorded, MonitoringState
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.facts import AtEnterprise, Site


def state_of(installable: bool, installed: bool, connected: bool) -> MonitoringState:
    """The three facts as one state, refused naming the field when they contradict."""
    if connected and not installed:
        raise InvalidInput("connected monitoring must be installed", field="installed")
    if installed and not installable:
        raise InvalidInput("installed monitoring was installable", field="installable")
    if connected:
        return MonitoringState.CONNECTED
    if installed:
        return MonitoringState.INSTALLED
    return MonitoringState.NOT_INSTALLED if installable else MonitoringState.NOT_INSTALLABLE


class OnlineMonitoring(AtEnterprise):
    """What is known of one enterprise's online monitoring, as last found."""

    installable: bool
    installed: bool
    connected: bool
    state: MonitoringState
    effective_on: date

    @classmethod
    def found(
        cls,
        *,
        site: Site,
        installable: bool,
        installed: bool,
        connected: bool,
        effective_on: date,
    ) -> OnlineMonitoring:
        state = state_of(installable, installed, connected)
        monitoring = cls(
            **site.fields(),
            installable=installable,
            installed=installed,
            connected=connected,
            state=state,
            effective_on=effective_on,
        )
        monitoring._record(MonitoringRecorded(**monitoring.model_dump()))
        return monitoring

    def supersede(self, newer: OnlineMonitoring) -> None:
        """A later finding replaces this one; an older one is refused."""
        not_before(newer.effective_on, self.effective_on)
        take_over(self, newer)
