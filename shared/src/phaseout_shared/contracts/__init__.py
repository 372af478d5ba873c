"""Event contracts: one pydantic model per event type, registered by its CloudEvents type.

Every module of this package but `base` and `schemas` holds one dimension's contracts (and
`enterprise` the registers' events); `load_all` imports them all.
"""

import functools
import pkgutil
from importlib import import_module

from phaseout_shared.contracts.base import EventPayload, event_type, registry

NOT_CONTRACTS = {"base", "schemas"}


@functools.cache
def load_all() -> None:
    """Import every contract module so that the registry knows every event type (once: the
    walk of the package costs more than parsing an event, and every payload asks for it)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in NOT_CONTRACTS:
            import_module(f"{__name__}.{module.name}")


__all__ = ["EventPayload", "event_type", "load_all", "registry"]
