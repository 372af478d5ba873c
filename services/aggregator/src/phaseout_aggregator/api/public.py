"""`/v1/public`: what anyone may read without signing in — the disclosure list, nothing else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from phaseout_aggregator.api.deps import Session
from phaseout_aggregator.app.disclosure import PublicDisclosure, public_list
from phaseout_shared.deps import CityToday
from phaseout_shared.limits import Day

router = APIRouter(prefix="/v1/public", tags=["public"])


@router.get("/disclosures", response_model=list[PublicDisclosure])
async def disclosures(
    today: CityToday,
    session: Session,
    as_of: Annotated[Day | None, Query(description="Default: today in the city")] = None,
) -> list[PublicDisclosure]:
    """Violations and orders the agencies made public, inside their publicity window (信息公开)."""
    return await public_list(session, as_of or today)
