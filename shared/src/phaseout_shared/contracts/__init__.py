"""Event contracts: one pydantic model per event type, registered by its CloudEvents type."""

from importlib import import_module

from phaseout_shared.contracts.base import EventPayload, event_type, registry

MODULES = ("enterprise", "energy", "technology")


def load_all() -> None:
    """Import every contract module so that the registry knows every event type."""
    for name in MODULES:
        import_module(f"phaseout_shared.contracts.{name}")


__all__ = ["EventPayload", "event_type", "load_all", "registry"]
