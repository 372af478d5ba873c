"""The city-wide lists: cases, overdue work, the exit list and its exports, district progress."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.dialects.postgresql import insert

from phaseout_aggregator.adapters.tables import oversight_rule
from phaseout_aggregator.api.deps import AsOf, CallerScope, Session
from phaseout_aggregator.app import annual, exit_list_pdf, exports
from phaseout_aggregator.app.exit_list import exit_list
from phaseout_aggregator.app.history import Where, cases_as_of
from phaseout_aggregator.app.progress import (
    DistrictProgress,
    OversightRule,
    current_rule,
    district_progress,
)
from phaseout_aggregator.app.referrals import ReferralView, referrals_in_scope
from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.deps import InjectedClock
from phaseout_shared.domain.errors import Forbidden, InvalidInput
from phaseout_shared.limits import Day
from phaseout_shared.reference import CITY_BUREAU, Dimension, District, Industry, name_of
from phaseout_shared.web import model_json

router = APIRouter(prefix="/v1", tags=["city"])
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(content: str | bytes | Iterator[str], filename: str) -> Response:
    """A file to save, as a bureau would file it (a CSV streamed line by line)."""
    media_type = MEDIA[filename.rsplit(".", 1)[1]]
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if isinstance(content, str | bytes):
        return Response(content, media_type=media_type, headers=headers)
    return StreamingResponse(content, media_type=media_type, headers=headers)


def scope_names(
    scope: Any,
    lang: exports.Language,
    *,
    year: int | None = None,
    district: str | None = None,
    industry: str | None = None,
    dimension: str | None = None,
) -> list[str]:
    """What an export covers, named: the district, the dimensions, the filters and the year."""
    zh = lang == "zh"
    named = [name_of(district or scope.district, lang)] if (district or scope.district) else []
    if dimension is not None:
        named.append(name_of(dimension, lang))
    elif scope.dimensions is not None:
        sep = "、" if zh else ", "
        named.append(sep.join(name_of(d, lang) for d in sorted(scope.dimensions)))
    if industry is not None:
        named.append(name_of(industry, lang))
    if year is not None:
        named.append(f"{year} 年" if zh else f"year {year}")
    return named


def _where(
    scope: Any,
    uscc: str | None,
    district: District | None,
    industry: Industry | None,
    dimension: Dimension | None,
) -> Where:
    scope.check_district(district)
    scope.check_dimension(dimension)
    return Where(uscc, district, industry, dimension)


@router.get("/cases")
async def list_cases(
    scope: CallerScope,
    as_of: AsOf,
    session: Session,
    uscc: str | None = None,
    district: District | None = None,
    industry: Industry | None = None,
    dimension: Dimension | None = None,
    overdue: Annotated[bool | None, Query(description="Only overdue (true) or not (false)")] = None,
) -> list[dict[str, Any]]:
    """Every agency's cases at their state on `as_of`."""
    rows = await cases_as_of(
        session, as_of, scope, _where(scope, uscc, district, industry, dimension)
    )
    return [r for r in rows if overdue is None or r["overdue"] == overdue]


@router.get("/overdue")
async def overdue_work(
    scope: CallerScope,
    as_of: AsOf,
    session: Session,
    district: District | None = None,
    dimension: Dimension | None = None,
) -> list[dict[str, Any]]:
    """Every case past its deadline on `as_of`, across agencies (逾期), each with the referrals
    about its enterprise that a receiver declined: who declined, when and why."""
    rows = await cases_as_of(session, as_of, scope, _where(scope, None, district, None, dimension))
    declined: dict[str, list[ReferralView]] = {}
    for referral in await referrals_in_scope(session, scope, as_of, state="declined"):
        declined.setdefault(referral.uscc, []).append(referral)
    return [{**r, "referrals_declined": declined.get(r["uscc"], [])} for r in rows if r["overdue"]]


PAGE_LIMIT = "Rows per page (JSON only); without it, the whole list"


@router.get("/exits", response_model=None)
async def read_exit_list(
    scope: CallerScope,
    as_of: AsOf,
    session: Session,
    year: int | None = None,
    district: District | None = None,
    industry: Industry | None = None,
    dimension: Dimension | None = None,
    status: Annotated[Literal["exited", "revived"] | None, Query()] = None,
    format: Annotated[Literal["json", "csv", "xlsx", "pdf"], Query()] = "json",
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
    limit: Annotated[int | None, Query(ge=1, le=500, description=PAGE_LIMIT)] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Rows to skip")] = 0,
) -> Response:
    """依法关闭退出的落后产能企业清单, filterable, with totals per industry and unit; as `pdf`,
    one district's list for its government to sign (`district` required). As JSON, one page of
    it with `limit` (and `offset`): the totals and `total` are still the whole list's."""
    if format != "json" and (limit is not None or offset):
        raise InvalidInput(f"a {format} export is the whole list, not a page", field="limit")
    where = _where(scope, None, district, industry, dimension)
    found = await exit_list(
        session, as_of, scope, where, year=year, status=status, limit=limit, offset=offset
    )
    if format == "json":
        return model_json(found)
    if format == "pdf":
        return await exit_list_pdf.signed_list(found, year, district, as_of)
    if format == "csv":
        return download(exports.csv_lines(exports.table(found, lang)), f"exit-list-{as_of}.csv")
    named = scope_names(
        scope, lang, year=year, district=district, industry=industry, dimension=dimension
    )
    return download(exports.to_xlsx(found, lang, named), f"exit-list-{as_of}.xlsx")


@router.get("/districts/progress", response_model=list[DistrictProgress])
async def progress(scope: CallerScope, as_of: AsOf, session: Session) -> list[DistrictProgress]:
    """Per district and dimension: registered, inspected, open, overdue, exited; and flags."""
    return await district_progress(session, as_of, scope)


@router.get("/oversight-rule", response_model=OversightRule)
async def read_rule(_: CurrentPrincipal, session: Session) -> OversightRule:
    return await current_rule(session)


@router.put("/oversight-rule", response_model=OversightRule)
async def set_rule(
    body: OversightRule, principal: CurrentPrincipal, request: Request, now: InjectedClock
) -> OversightRule:
    """The city bureau sets when a lagging district is named in a circular or summoned."""
    if (
        principal.agency != CITY_BUREAU
        or not principal.city_wide
        or "officer" not in principal.roles
    ):
        raise Forbidden("only the city bureau's officers set the oversight rule", field="agency")
    values = {
        **body.model_dump(),
        "updated_by": principal.sub,
        "updated_at": now(),
    }
    async with request.app.state.db.sessions.begin() as session:
        statement = insert(oversight_rule).values(id=1, **values)
        await session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=values))
    return body


@router.get("/reports/annual", response_model=None)
async def read_annual_report(
    scope: CallerScope,
    session: Session,
    year: Annotated[int, Query(ge=2019, le=2100)] = 2019,
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
) -> Response:
    """The year's report: summary by district, exit list, disclosures (as of 31 December)."""
    report = await annual.annual_report(session, year, scope)
    if format == "json":
        return model_json(report)
    if format == "csv":
        return download(annual.to_csv(report, lang), f"annual-report-{year}.csv")
    named = scope_names(scope, lang, year=year)
    return download(annual.to_xlsx(report, lang, named), f"annual-report-{year}.xlsx")


@router.get("/registers", response_model=list[annual.RegisterRow])
async def read_registers(
    scope: CallerScope,
    session: Session,
    district: District | None = None,
    industry: Industry | None = None,
) -> list[annual.RegisterRow]:
    """The agencies' enterprise lists, consolidated: who supervises whom."""
    scope.check_district(district)
    return await annual.registers(session, scope, district, industry)


@router.get("/referrals", response_model=list[ReferralView])
async def read_referrals(
    scope: CallerScope,
    as_of: AsOf,
    session: Session,
    uscc: str | None = None,
    overdue_as_of: Annotated[
        Day | None, Query(description="Only those still open past due on this date")
    ] = None,
    state: Annotated[
        Literal["received", "accepted", "acted_on", "declined", "settled_elsewhere"] | None,
        Query(
            description="Only those in this state (e.g. declined, with who, when and why; "
            "settled_elsewhere, a revival_check whose alert another agency's check closed)"
        ),
    ] = None,
) -> list[ReferralView]:
    """Referrals between agencies (cross-agency follow-up) as of a date, the overdue ones on
    request: `overdue_as_of` answers as of that date. Each shows who answered, when, why it was
    declined or what was done, and the act an answer "acted on" names (for a pricing referral
    the measure, whether it is in force, and `act_ended` once it has ended)."""
    if overdue_as_of is not None:
        return await referrals_in_scope(
            session, scope, overdue_as_of, uscc=uscc, overdue=True, state=state
        )
    return await referrals_in_scope(session, scope, as_of, uscc=uscc, state=state)
