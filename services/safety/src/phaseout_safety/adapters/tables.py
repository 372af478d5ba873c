"""The safety service's tables: ledger entries, inspections, hazards, enforcement cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from phaseout_safety.domain.case import ACTIVE, SuspensionCase
from phaseout_safety.domain.hazard import PENDING, Hazard
from phaseout_safety.domain.inspection import Inspection
from phaseout_safety.domain.listing import LISTED, Listing
from phaseout_shared.aggregates import Repository, aggregate_table

METADATA = MetaData()

listings = aggregate_table("listings", METADATA)
inspections = aggregate_table("inspections", METADATA)
hazards = aggregate_table("hazards", METADATA)
cases = aggregate_table("cases", METADATA)


def _listing_columns(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.uscc,
        "uscc": listing.uscc,
        "district": listing.district,
        "industry": listing.industry,
        "state": listing.list_name,
        "due_on": listing.pending_due_on,
        "effective_on": listing.last_act_on,
    }


def _inspection_columns(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": str(inspection.inspection_id),
        "uscc": inspection.uscc,
        "district": inspection.district,
        "industry": inspection.industry,
        "state": "recorded",
        "due_on": None,
        "effective_on": inspection.inspected_on,
    }


def _hazard_columns(hazard: Hazard) -> dict[str, Any]:
    return {
        "id": str(hazard.case_id),
        "uscc": hazard.uscc,
        "district": hazard.district,
        "industry": hazard.industry,
        "state": hazard.state,
        "due_on": hazard.deadline,
        "effective_on": hazard.last_act_on,
    }


def _case_columns(case: SuspensionCase) -> dict[str, Any]:
    return {
        "id": str(case.case_id),
        "uscc": case.uscc,
        "district": case.district,
        "industry": case.industry,
        "state": case.state,
        "due_on": case.deadline,
        "effective_on": case.last_act_on,
    }


LISTINGS = Repository(listings, Listing, _listing_columns, open_states=sorted(LISTED))
INSPECTIONS = Repository(inspections, Inspection, _inspection_columns)
HAZARDS = Repository(hazards, Hazard, _hazard_columns, open_states=sorted(PENDING))
CASES = Repository(cases, SuspensionCase, _case_columns, open_states=sorted(ACTIVE))
