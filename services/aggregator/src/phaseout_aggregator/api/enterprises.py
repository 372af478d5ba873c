"""`/v1/enterprises`: the city's view of one enterprise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from phaseout_aggregator.app.views import MergedEnterprise, merged_enterprise
from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.domain.errors import Forbidden

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])


@router.get("/{uscc}", response_model=MergedEnterprise)
async def read_enterprise(
    uscc: Annotated[str, Path(description="Unified social credit code")],
    principal: CurrentPrincipal,
    request: Request,
) -> MergedEnterprise:
    async with request.app.state.db.sessions() as session:
        found = await merged_enterprise(session, uscc)
    districts = {v.district for v in found.agencies}
    if not principal.city_wide and principal.jurisdiction not in districts:
        raise Forbidden(
            f"{uscc} is not in the jurisdiction of {principal.jurisdiction}", field="uscc"
        )
    return found
