"""Event contracts: one pydantic model per event type, registered by its CloudEvents type."""

from phaseout_shared.contracts.base import EventPayload, event_type, registry

__all__ = ["EventPayload", "event_type", "registry"]
