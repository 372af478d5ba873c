"""A district's year-end exit list as a PDF for signature (年度关闭退出企业清单): the rows of the
bureaus' list, every code named, the totals per industry, and the lines the district government
signs and seals. `GET /v1/exits?format=pdf` answers it as a draft, neither numbered nor kept;
`POST /v1/exit-lists` issues it numbered, with its verification code, and keeps it
(`phaseout_aggregator.api.exit_lists`)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from functools import partial

from fastapi.responses import Response

from phaseout_aggregator.app.exit_list import ExitList
from phaseout_aggregator.app.exports import EXIT_COLUMNS, TITLE, exit_rows
from phaseout_shared import document_pdf
from phaseout_shared.city_time import CITY_TIME
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import name_of

WIDER = {"统一社会信用代码": 36.0, "依据": 48.0}
"""Column widths that differ from the workbook's: a code on one line."""


def to_pdf(
    exits: ExitList,
    *,
    year: int | None,
    district: str,
    moment: datetime,
    number: str = "",
    verify_url: str | None = None,
    replaces: str | None = None,
) -> bytes:
    """The list of `district` (exited in `year`, or all), as of `exits.as_of`, for signature;
    a draft unless it has its `number` and `verify_url`."""
    named = name_of(district)
    when = f"{year}年" if year is not None else ""
    totals = "；".join(
        f"{name_of(t.industry)} {t.capacity_amount} {t.unit_name.zh}（{t.items} 项）"
        for t in exits.totals
    )
    enterprises = len({row.uscc for row in exits.rows})
    draft = document_pdf.Draft(
        agency_name=f"{named}人民政府",
        title=f"{when}{named}{TITLE['zh']}",
        number=number,
        addressee="市淘汰落后产能工作领导小组办公室",
        paragraphs=[
            f"截至{document_pdf.chinese_date(exits.as_of)}，本区{when}依法关闭退出落后产能企业 "
            f"{enterprises} 家，生产线或设备 {len(exits.rows)} 项，清单如下。",
            f"合计：{totals or '无'}。",
            "经核实，以上企业已依法关闭退出，特此报送。",
        ],
        basis=(),
        issued_on=exits.as_of,
        verify_url=verify_url,
        replaces=replaces,
        table=[
            [c.zh for c in EXIT_COLUMNS],
            *([_cell(v) for v in cells] for cells in exit_rows(exits, "zh")),
        ],
        widths=[WIDER.get(c.zh, c.width) for c in EXIT_COLUMNS],
        signature_lines=("区人民政府（盖章）：", "负责人（签字）：", "签署日期："),
    )
    return document_pdf.render(draft, moment, document_pdf.font())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


async def signed_list(
    exits: ExitList, year: int | None, district: str | None, as_of: date
) -> Response:
    """The `format=pdf` answer of the exit list: one district's, for signature."""
    if district is None:
        raise InvalidInput(
            "a list for signature is one district's: name the district", field="district"
        )
    moment = datetime.combine(as_of, time(), tzinfo=CITY_TIME)
    content = await asyncio.to_thread(
        partial(to_pdf, exits, year=year, district=district, moment=moment)
    )
    name = f"exit-list-{district}-{year or 'all'}-{as_of}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
