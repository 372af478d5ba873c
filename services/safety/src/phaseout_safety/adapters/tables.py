"""The safety service's tables: ledger entries, inspections, hazards, enforcement cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from phaseout_safety.domain.case import ACTIVE, SuspensionCase
from phaseout_safety.domain.hazard import PENDING, Hazard
from phaseout_safety.domain.inspection import Inspection
from phaseout_safety.domain.listing import LISTED, Listing
from phaseout_shared.aggregates import Repository, aggregate_table, row_columns

METADATA = MetaData()

listings = aggregate_table("listings", METADATA)
inspections = aggregate_table("inspections", METADATA)
hazards = aggregate_table("hazards", METADATA)
cases = aggregate_table("cases", METADATA)


def _listing_columns(listing: Listing) -> dict[str, Any]:
    return row_columns(
        listing, listing.uscc, listing.list_name, listing.last_act_on, listing.pending_due_on
    )


def _inspection_columns(inspection: Inspection) -> dict[str, Any]:
    return row_columns(
        inspection, str(inspection.inspection_id), "recorded", inspection.inspected_on
    )


def _hazard_columns(hazard: Hazard) -> dict[str, Any]:
    return row_columns(
        hazard, str(hazard.case_id), hazard.state, hazard.last_act_on, hazard.deadline
    )


def _case_columns(case: SuspensionCase) -> dict[str, Any]:
    return row_columns(case, str(case.case_id), case.state, case.last_act_on, case.deadline)


LISTINGS = Repository(listings, Listing, _listing_columns, open_states=sorted(LISTED))
INSPECTIONS = Repository(inspections, Inspection, _inspection_columns)
HAZARDS = Repository(hazards, Hazard, _hazard_columns, open_states=sorted(PENDING))
CASES = Repository(cases, SuspensionCase, _case_columns, open_states=sorted(ACTIVE))
