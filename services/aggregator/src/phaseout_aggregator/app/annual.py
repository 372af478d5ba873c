"""The annual report (年度总结): the year's summary by district, the exit list, the disclosures;
and the consolidated registers (who supervises whom), as the plan asks them to be shared."""

from __future__ import annotations

import io
from datetime import date

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import disclosures, identity
from phaseout_aggregator.app import exports
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.disclosure import PublicDisclosure
from phaseout_aggregator.app.exit_list import ExitList, exit_list
from phaseout_aggregator.app.history import Where
from phaseout_aggregator.app.progress import DistrictProgress, district_progress
from phaseout_shared.reference import NAMES_ZH


class AnnualReport(BaseModel):
    year: int
    as_of: date
    summary: list[DistrictProgress]
    exits: ExitList
    disclosures: list[PublicDisclosure]


async def annual_report(session: AsyncSession, year: int, scope: Scope) -> AnnualReport:
    """The year as it stood on 31 December: what the districts and agencies report."""
    end = date(year, 12, 31)
    t = disclosures
    q = select(t).where(func.extract("year", t.c.published_on) == year)
    if scope.district is not None:
        q = q.where(t.c.district == scope.district)
    if scope.dimensions is not None:
        q = q.where(t.c.dimension.in_(sorted(scope.dimensions)))
    published = [
        PublicDisclosure.model_validate(dict(r._mapping)) for r in await session.execute(q)
    ]
    return AnnualReport(
        year=year,
        as_of=end,
        summary=await district_progress(session, end, scope),
        exits=await exit_list(session, end, scope, Where(), year=year, status="exited"),
        disclosures=published,
    )


SUMMARY = ("district", "registered", "inspected", "open_cases", "overdue", "exited", "flag")
SUMMARY_ZH = ("区", "在册企业", "已检查", "未结案件", "逾期", "已退出", "督办")


def _summary_rows(report: AnnualReport, lang: exports.Language) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in report.summary:
        name = NAMES_ZH[p.district] if lang == "zh" else p.district
        t = p.totals
        rows.append(
            [name, t.registered, t.inspected, t.open_cases, t.overdue, t.exited, p.flag or ""]
        )
    return rows


def to_xlsx(report: AnnualReport, lang: exports.Language) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.to_xlsx(report.exits, lang)))
    summary = book.create_sheet("年度总结" if lang == "zh" else "Summary", 0)
    exports.append(
        summary,
        [f"{report.year} " + ("年度落后产能退出工作总结" if lang == "zh" else "annual report")],
    )
    exports.append(summary, SUMMARY_ZH if lang == "zh" else SUMMARY)
    for row in _summary_rows(report, lang):
        exports.append(summary, row)
    public = book.create_sheet("信息公开" if lang == "zh" else "Disclosures")
    exports.append(
        public,
        ["统一社会信用代码", "企业名称", "违法行为", "处理措施", "公示起", "公示止"]
        if lang == "zh"
        else ["USCC", "Enterprise", "Violation", "Order", "From", "Until"],
    )
    for d in report.disclosures:
        exports.append(
            public, [d.uscc, d.name, d.violation, d.order, d.publicity_from, d.publicity_until]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(report: AnnualReport, lang: exports.Language) -> str:
    return exports.csv_text(
        [
            SUMMARY_ZH if lang == "zh" else SUMMARY,
            *_summary_rows(report, lang),
            [],
            *exports.table(report.exits, lang),
        ],
        lang,
    )


class RegisterRow(BaseModel):
    """One enterprise and the dimensions whose agencies supervise it."""

    uscc: str
    name: str
    district: str
    industry: str
    supervised_by: list[str]


async def registers(
    session: AsyncSession, scope: Scope, district: str | None, industry: str | None
) -> list[RegisterRow]:
    q = select(
        identity.c.uscc,
        func.min(identity.c.name),
        func.min(identity.c.district),
        func.min(identity.c.industry),
        func.array_agg(identity.c.dimension),
    ).group_by(identity.c.uscc)
    if scope.dimensions is not None:
        q = q.where(identity.c.dimension.in_(sorted(scope.dimensions)))
    for column, value in (
        (identity.c.district, district or scope.district),
        (identity.c.industry, industry),
    ):
        if value is not None:
            q = q.where(column == value)
    rows = await session.execute(q.order_by(identity.c.uscc))
    return [
        RegisterRow(uscc=u, name=n, district=d, industry=i, supervised_by=sorted(dims))
        for u, n, d, i, dims in rows.tuples()
    ]
