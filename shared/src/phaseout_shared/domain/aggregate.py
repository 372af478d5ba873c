"""What every service's aggregates share: the events they record, and the input they refuse.

An aggregate (a case, a tip, a pricing measure, a year's inspection list) is a pydantic model,
so the application layer keeps it as JSON (`model_dump(mode="json")`; `phaseout_shared.aggregates`).
Each change appends its event — a contract of `phaseout_shared.contracts` — and the unit of work
drains them with `pull_events()` into the outbox, in the same transaction as the state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.domain.errors import InvalidInput


class Aggregate(BaseModel):
    """A record changed only through its methods, each recording what happened."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    _pending: list[EventPayload] = PrivateAttr(default_factory=list)

    def pull_events(self) -> list[EventPayload]:
        """The events recorded since the last pull, oldest first; the list is cleared."""
        events, self._pending = self._pending, []
        return events

    def _record(self, event: EventPayload) -> None:
        self._pending.append(event)


@contextmanager
def refusing_invalid_input() -> Iterator[None]:
    """Turn a model's own validation error into `InvalidInput` naming the first bad field."""
    try:
        yield
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidInput(f"{field}: {first['msg']}", field=field) from None


def stated(text: str, field: str) -> str:
    """An official's statement (findings, a description, a reason), stripped; refused naming
    `field` when blank."""
    if not text.strip():
        raise InvalidInput(f"{field} must not be blank", field=field)
    return text.strip()


def non_blank(texts: Iterable[str]) -> tuple[str, ...]:
    """Statements given as a list (requirements, a scope, reasons), each stripped, the blank ones
    left out."""
    return tuple(text.strip() for text in texts if text.strip())
