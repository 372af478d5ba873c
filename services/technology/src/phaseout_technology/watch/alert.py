"""An alert of the revival watch: tracked work for the agencies that must check on site.

    open ── close(revival_confirmed | explained | false_reading) ──> closed in that outcome

It is closed once, by the first on-site check's outcome: recorded by miit at the technology
service, or answered by a named agency to its `revival_check` referral at its own service
(`watch.answers`). A confirmed revival of a technology elimination case re-opens the case
(`reopen_revival`), so the city's exit list shows the capacity revived from the date of the
check.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.technology import (
    DitiaogangAlertRaised,
    WatchAlertClosed,
    WatchAlertRaised,
    WatchOutcome,
)
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.reference import USCC, Agency, District
from phaseout_technology.domain.aggregate import Aggregate, stated
from phaseout_technology.watch.rules import Finding


class AlertState(StrEnum):
    OPEN = "open"
    REVIVAL_CONFIRMED = "revival_confirmed"
    EXPLAINED = "explained"
    FALSE_READING = "false_reading"


class Alert(Aggregate):
    alert_id: UUID
    key: str = Field(description="Alerts of one key are one watch: one open at a time")
    kind: str = Field(description="after_order, or ditiaogang")
    rule: str
    rules_version: str
    uscc: USCC
    district: District
    period: date
    basis: str
    to: tuple[Agency, ...]
    raised_on: date
    check_by: date
    order_event_id: str | None = None
    order_type: str | None = None
    elimination_case: UUID | None = None
    order_case: str | None = Field(
        default=None, description="The case of the broken order, at the agency that ordered it"
    )
    state: AlertState = AlertState.OPEN
    reason: str | None = None
    closed_on: date | None = None
    closed_by: Agency | None = Field(
        default=None, description="The agency whose on-site check closed it"
    )
    referral_id: UUID | None = Field(
        default=None, description="The referral whose answer closed it, if answered so"
    )

    @classmethod
    def raise_for(cls, finding: Finding, *, version: str, district: str, today: date) -> Alert:
        """An alert for a finding; raised when its month's readings could first be known
        (the day after the month), or today if that is earlier."""
        raised_on = min(today, _next_month(finding.period))
        order = finding.order
        case = (
            order.ref
            if order is not None and order.event_type.startswith("phaseout.technology.case.")
            else None
        )
        alert = cls(
            alert_id=finding.alert_id,
            key=finding.key,
            kind="after_order" if finding.rule.kind == "after_order" else "ditiaogang",
            rule=finding.rule.id,
            rules_version=version,
            uscc=finding.uscc,
            district=District(district),
            period=finding.period,
            basis=finding.basis,
            to=finding.to,
            raised_on=raised_on,
            check_by=raised_on + timedelta(days=finding.rule.check_within_days),
            order_event_id=None if order is None else order.event_id,
            order_type=None if order is None else order.event_type,
            elimination_case=None if case is None else UUID(case),
            order_case=None if order is None else order.ref,
        )
        event = DitiaogangAlertRaised if alert.kind == "ditiaogang" else WatchAlertRaised
        alert._record(
            event(
                alert_id=alert.alert_id,
                uscc=alert.uscc,
                district=alert.district,
                effective_on=raised_on,
                rule=alert.rule,
                rules_version=version,
                basis=alert.basis,
                period=alert.period,
                to=alert.to,
                check_by=alert.check_by,
                order_event_id=alert.order_event_id,
                order_type=alert.order_type,
                elimination_case=alert.elimination_case,
                order_case=alert.order_case,
            )
        )
        return alert

    def close(
        self,
        outcome: WatchOutcome,
        reason: str,
        effective_on: date,
        *,
        by: Agency | None = None,
        referral_id: UUID | None = None,
    ) -> None:
        """The on-site check's outcome, by an agency (through its referral); once."""
        if self.state is not AlertState.OPEN:
            raise Conflict(
                f"the alert is already closed ({self.state})",
                field="outcome",
                rule="watch.alert_closed_once",
            )
        if effective_on < self.raised_on:
            raise Conflict(
                f"effective_on {effective_on} is before the alert was raised on {self.raised_on}",
                field="effective_on",
                rule="lifecycle.act_order",
            )
        why = stated(reason, "reason")
        self.state = AlertState(outcome.value)
        self.reason, self.closed_on = why, effective_on
        self.closed_by, self.referral_id = by, referral_id
        self._record(
            WatchAlertClosed(
                alert_id=self.alert_id,
                uscc=self.uscc,
                district=self.district,
                effective_on=effective_on,
                outcome=outcome,
                reason=why,
                closed_by=by,
                referral_id=referral_id,
            )
        )

    def overdue(self, as_of: date) -> bool:
        return self.state is AlertState.OPEN and as_of > self.check_by


def _next_month(period: date) -> date:
    return date(period.year + period.month // 12, period.month % 12 + 1, 1)
