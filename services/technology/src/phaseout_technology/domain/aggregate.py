"""What the technology aggregates share: the events they record, and the facts they accept.

An aggregate (a case, a tip) is a pydantic model, so the application layer can keep it as JSON
(`model_dump(mode="json")`). Each transition appends its event payload; the unit of work drains
them with `pull_events()` into the outbox, in the same transaction as the state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import InvalidUSCC, validate_uscc


class Aggregate(BaseModel):
    """A record whose transitions produce events."""

    model_config = ConfigDict(extra="forbid")

    _pending: list[EventPayload] = PrivateAttr(default_factory=list)

    def pull_events(self) -> list[EventPayload]:
        """The events since the last pull, in order; the list is cleared."""
        events, self._pending = self._pending, []
        return events

    def _record(self, event: EventPayload) -> None:
        self._pending.append(event)


def stated(text: str, field: str) -> str:
    """An official's statement (a description, a reason), refused when blank."""
    if not text.strip():
        raise InvalidInput(f"{field} must not be blank", field=field)
    return text.strip()


def enterprise(code: str) -> str:
    """A unified social credit code, refused naming the field `uscc` when it fails its check."""
    try:
        return validate_uscc(code)
    except InvalidUSCC as error:
        raise InvalidInput(f"uscc {error}", field="uscc") from None


@contextmanager
def refusing_invalid_input() -> Iterator[None]:
    """Turn a model's own validation error into `InvalidInput` naming the first bad field."""
    try:
        yield
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{field}: {first['msg']}", field=field) from None
