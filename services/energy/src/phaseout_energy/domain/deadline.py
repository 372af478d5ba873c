"""The rectification deadline (限期整改) and its one extension (延期).

The plan: 对达不到强制性能耗限额标准要求的产能，应在 6 个月内整改；确需延长整改期限的，可提出不超过
3 个月的延期申请. Months are calendar months counted from the date the inspection took effect,
clipped to the end of a shorter month: an inspection of 31 August is due on the last day of
February. The deadline day itself is still within the deadline.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.time import add_months

RECTIFICATION_MONTHS = 6
EXTENSION_MONTHS = 3


class RectificationDeadline(BaseModel):
    """When an over-limit capacity must be rectified by, and whether it was extended."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    original_due_on: date
    due_on: date
    extension_applied_on: date | None = None

    @classmethod
    def from_inspection(cls, effective_on: date) -> RectificationDeadline:
        due = add_months(effective_on, RECTIFICATION_MONTHS)
        return cls(original_due_on=due, due_on=due)

    @property
    def extended(self) -> bool:
        return self.extension_applied_on is not None

    def latest_extension(self) -> date:
        """The latest new deadline an extension may set: 3 calendar months after this one."""
        return add_months(self.due_on, EXTENSION_MONTHS)

    def has_passed(self, as_of: date) -> bool:
        return as_of > self.due_on

    def extend(self, applied_on: date, new_due_on: date) -> RectificationDeadline:
        """The extended deadline, or the reason the extension is refused."""
        if self.extended:
            raise Conflict(
                f"the deadline was already extended once (applied on "
                f"{self.extension_applied_on}); the plan allows one extension",
                field="extension",
                rule="energy.case.extension_once",
            )
        if applied_on > self.due_on:
            raise Conflict(
                f"applied on {applied_on}, after the deadline of {self.due_on}: an extension "
                "must be applied for by the deadline",
                field="applied_on",
                rule="energy.case.extension_applied_by_deadline",
            )
        if new_due_on <= self.due_on:
            raise InvalidInput(
                f"the new deadline {new_due_on} must be after the current one, {self.due_on}",
                field="new_deadline",
                rule="energy.case.extension_later",
            )
        if new_due_on > self.latest_extension():
            raise InvalidInput(
                f"the new deadline {new_due_on} is more than {EXTENSION_MONTHS} months after "
                f"{self.due_on}; the latest allowed is {self.latest_extension()}",
                field="new_deadline",
                rule="energy.case.extension_at_most_3_months",
            )
        return self.model_copy(update={"due_on": new_due_on, "extension_applied_on": applied_on})
