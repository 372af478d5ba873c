"""`/v1/enterprises`: the city's view of one enterprise, as of a date."""

from __future__ import annotations

from fastapi import APIRouter

from phaseout_aggregator.api.deps import AsOf, CallerScope, Session
from phaseout_aggregator.app.views import EnterpriseStatus, enterprise_status

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])


@router.get("/{uscc}", response_model=EnterpriseStatus)
async def read_enterprise(
    uscc: str, scope: CallerScope, as_of: AsOf, session: Session
) -> EnterpriseStatus:
    """Identity merged across agencies, the five dimensions, exits, measures, timeline."""
    return await enterprise_status(session, uscc, as_of, scope)
