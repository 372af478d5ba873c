"""Who sees what in the aggregator: the platform's one read check (`phaseout_shared.scope`).

The city bureau (miit, city level) and the city government see everything; a district
government sees the facts its district's agencies recorded in it, of every dimension; an agency
sees the facts of its dimensions, city-wide or, for its district officers, in their district;
a referral is read by its parties; the public sees only the disclosure list.
"""

from __future__ import annotations

from phaseout_shared.auth import Principal
from phaseout_shared.scope import Scope

__all__ = ["Scope", "scope_of"]


def scope_of(principal: Principal) -> Scope:
    return Scope.of(principal)
