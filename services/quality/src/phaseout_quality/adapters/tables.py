"""The quality service's tables: licences, spot checks, cases, unlicensed cases, requests.

`due_on` is what "overdue as of" reads: a spot-check case's rectification deadline, and a
licence's last day of validity (so that "overdue" licences are the expired ones).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from phaseout_quality.domain.cancellation import CancellationRequest
from phaseout_quality.domain.case import QualityCase
from phaseout_quality.domain.licence import ProductionLicence
from phaseout_quality.domain.spot_check import SpotCheck
from phaseout_quality.domain.unlicensed import UnlicensedProductionCase
from phaseout_shared.aggregates import Repository, aggregate_table, row_columns
from phaseout_shared.contracts.quality import CaseState, LicenceStatus

METADATA = MetaData()

licences = aggregate_table("licences", METADATA)
spot_checks = aggregate_table("spot_checks", METADATA)
cases = aggregate_table("cases", METADATA)
unlicensed_cases = aggregate_table("unlicensed_cases", METADATA)
cancellation_requests = aggregate_table("cancellation_requests", METADATA)


def _licence_columns(licence: ProductionLicence) -> dict[str, Any]:
    return row_columns(
        licence, licence.number, licence.status, licence.recorded_on, licence.valid_until
    )


def _check_columns(check: SpotCheck) -> dict[str, Any]:
    return row_columns(
        check, str(check.check_id), "passed" if check.passed else "failed", check.effective_on
    )


def _case_columns(case: QualityCase) -> dict[str, Any]:
    return row_columns(case, str(case.case_id), case.state, case.last_act_on, case.rectify_by)


def _unlicensed_columns(case: UnlicensedProductionCase) -> dict[str, Any]:
    return row_columns(case, str(case.case_id), case.state, case.last_act_on)


def _request_columns(request: CancellationRequest) -> dict[str, Any]:
    return row_columns(request, str(request.request_id), request.state, request.requested_on)


LICENCES = Repository(
    licences,
    ProductionLicence,
    _licence_columns,
    open_states=[LicenceStatus.VALID],
    key_field="licence_number",
)
CHECKS = Repository(spot_checks, SpotCheck, _check_columns)
CASES = Repository(
    cases,
    QualityCase,
    _case_columns,
    open_states=[CaseState.RECTIFYING, CaseState.OVERDUE],
)
UNLICENSED = Repository(
    unlicensed_cases, UnlicensedProductionCase, _unlicensed_columns, noun="unlicensed_case"
)
REQUESTS = Repository(
    cancellation_requests, CancellationRequest, _request_columns, noun="cancellation"
)
