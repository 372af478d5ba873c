"""Calendar arithmetic for deadlines, and the injected clock.

Deadlines in the plan are counted in calendar months from the date an act took effect
(`effective_on`). A month later than 31 August is the last day of February: the day is kept
where the month has it, and clipped to the month's last day where it does not.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]
"""Returns the current, timezone-aware time. Injected; domain code never reads the system clock."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months later, clipped to the end of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
