"""`python -m bench.exports`: the exit list written as xlsx and CSV, 100,000 rows by default,
beside the same rows written by openpyxl's ordinary (not write-only) workbook, in one run.

No stack is needed: the rows are made in memory as the aggregator's exit list holds them, so the
figure is the writer's alone (the query is measured by `python -m bench --only reads`).

    python -m bench.exports --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from phaseout_aggregator.app import exports
from phaseout_aggregator.app.exit_list import ExitList, ExitRow, Total
from phaseout_aggregator.app.names import Named


def exit_list(rows: int) -> ExitList:
    named = {
        "item_name": Named(zh="炼铁高炉", en="iron-making blast furnace"),
        "basis": Named(
            zh="淘汰 400 立方米及以下炼铁高炉（《行动计划》表 5 第 1 行第（1）项，目录 2019.1 版）",
            en="Eliminate iron-making blast furnaces of 400 m³ and below (Table 5, row 1)",
        ),
        "unit_name": Named(zh="吨/年", en="tonnes a year"),
        "status_name": Named(zh="已退出", en="Exited"),
    }
    listed = [
        ExitRow(
            uscc="91440300708461136T",
            name=f"深圳市示范钢铁有限公司{n:06d}",
            district="futian",
            industry="steel",
            dimension="technology",
            item="blast_furnace",
            capacity_amount=Decimal(100_000 + n),
            capacity_unit="t/a",
            legal_basis="technology: T5-steel-blast-furnace (catalogue 2019.1)",
            opened_on=date(2019, 5, 6),
            exited_on=date(2019, 6, 20),
            status="exited",
            **named,
        )
        for n in range(rows)
    ]
    total = Total(
        industry="steel",
        capacity_unit="t/a",
        unit_name=named["unit_name"],
        capacity_amount=sum((r.capacity_amount for r in listed), Decimal(0)),
        items=rows,
    )
    return ExitList(
        as_of=date(2020, 3, 1), rows=listed, totals=[total], total=len(listed), limit=None, offset=0
    )


def ordinary_xlsx(found: ExitList) -> bytes:
    """The baseline: the same cells in an ordinary workbook, no layout."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in exports.table(found, "zh"):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(what: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        what()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    found = exit_list(args.rows)
    print(f"exit list of {args.rows:,} rows, median of {args.repeat}")
    results = {
        "xlsx, bureaus' layout (streaming)": lambda: exports.to_xlsx(found, "zh", ["全市"]),
        "csv with BOM": lambda: exports.to_csv(found, "zh"),
        "baseline: ordinary openpyxl workbook": lambda: ordinary_xlsx(found),
    }
    for name, what in results.items():
        print(f"  {name:40s} {timed(what, args.repeat):7.2f} s")


if __name__ == "__main__":
    main()
