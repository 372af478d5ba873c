"""The annual report (年度总结): the year's summary by district, the exit list, the disclosures;
and the consolidated registers (who supervises whom), as the plan asks them to be shared."""

from __future__ import annotations

from collections.abc import Sequence
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
from phaseout_shared.reference import name_of


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


SUMMARY_COLUMNS: Sequence[exports.Column] = (
    exports.Column("区", "District", 16),
    exports.Column("在册企业", "Enterprises registered", 12, "int"),
    exports.Column("已检查企业", "Enterprises inspected", 12, "int"),
    exports.Column("未结案件", "Open cases", 10, "int"),
    exports.Column("逾期", "Overdue", 8, "int"),
    exports.Column("已退出", "Exited", 8, "int"),
    exports.Column("督办", "Flag", 8),
)
DISCLOSURE_COLUMNS: Sequence[exports.Column] = (
    exports.Column("统一社会信用代码", "USCC", 22, "code"),
    exports.Column("企业名称", "Enterprise", 32),
    exports.Column("违法行为", "Violation", 40),
    exports.Column("处理措施", "Order", 30),
    exports.Column("公示起", "From", 12, "date"),
    exports.Column("公示止", "Until", 12, "date"),
)
FLAGS = {"circular": ("通报", "Circular"), "talk": ("约谈", "Talk")}


def _summary_rows(report: AnnualReport, lang: exports.Language) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in report.summary:
        t = p.totals
        flag = FLAGS[p.flag][0 if lang == "zh" else 1] if p.flag in FLAGS else ""
        rows.append(
            [
                name_of(p.district, lang),
                t.registered,
                t.inspected,
                t.open_cases,
                t.overdue,
                t.exited,
                flag,
            ]
        )
    return rows


def title_of(report: AnnualReport, lang: exports.Language) -> str:
    if lang == "zh":
        return f"{report.year} 年度落后产能退出工作总结"
    return f"{report.year} annual report on the phase-out of backward capacity"


def to_xlsx(report: AnnualReport, lang: exports.Language, scope: Sequence[str] = ()) -> bytes:
    book = exports.workbook()
    line = exports.scope_line(lang, report.as_of, scope)
    summary = exports.Sheet(
        book,
        "年度总结" if lang == "zh" else "Summary",
        SUMMARY_COLUMNS,
        lang,
        title=title_of(report, lang),
        subtitle=line,
    )
    exports.fill(summary, _summary_rows(report, lang))
    exports.exit_sheets(book, report.exits, lang, scope)
    public = exports.Sheet(
        book,
        "信息公开" if lang == "zh" else "Disclosures",
        DISCLOSURE_COLUMNS,
        lang,
        title="信息公开" if lang == "zh" else "Public disclosures",
        subtitle=line,
    )
    exports.fill(
        public,
        (
            [d.uscc, d.name, d.violation, d.order, d.publicity_from, d.publicity_until]
            for d in report.disclosures
        ),
    )
    return exports.saved(book)


def to_csv(report: AnnualReport, lang: exports.Language) -> str:
    return exports.csv_text(
        [
            exports.headings(SUMMARY_COLUMNS, lang),
            *_summary_rows(report, lang),
            [],
            *exports.table(report.exits, lang),
        ]
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
