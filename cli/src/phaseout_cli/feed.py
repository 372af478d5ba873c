"""`phaseout feed import FILE`: load a grid company's or tax bureau's file into the revival watch.

The file (CSV or xlsx) goes whole to the technology service, which loads all of it in one
transaction or nothing: its answer lists every problem with its line and column. A file loaded
before changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


class FeedError(Exception):
    """The file was refused; the message lists why."""


def content_type(path: Path, content: bytes) -> str:
    return XLSX if path.suffix.lower() == ".xlsx" or content[:2] == b"PK" else "text/csv"


def guess_feed(content: bytes, kind: str) -> str:
    """The feed a file belongs to, from its header: readings name an account."""
    if kind == XLSX:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        header = [str(c or "") for c in next(sheet.iter_rows(values_only=True), ())]
    else:
        first = content.decode("utf-8-sig", errors="replace").splitlines()[:1]
        header = next(csv.reader(first), [])
    names = {h.strip().lower() for h in header}
    return "electricity" if "account" in names else "invoices"


def upload(
    url: str, token: str, path: Path, feed: str | None, *, timeout: float = 600
) -> dict[str, Any]:
    """Send the file with a progress bar; the import's report, or FeedError."""
    content = path.read_bytes()
    kind = content_type(path, content)
    chosen = feed or guess_feed(content, kind)
    with Progress(
        TextColumn(f"{path.name} → {chosen}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    ) as progress:
        task = progress.add_task("upload", total=len(content))

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(content), CHUNK):
                piece = content[start : start + CHUNK]
                progress.advance(task, len(piece))
                yield piece

        r = httpx.post(
            f"{url}/v1/watch/feeds/{chosen}/imports",
            params={"filename": path.name[:200]},
            content=chunks(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": kind,
                "Content-Length": str(len(content)),
            },
            timeout=timeout,
        )
    if r.status_code == 201:
        report: dict[str, Any] = r.json()
        return report
    try:
        detail = r.json().get("detail", [])
    except ValueError:
        detail = [{"field": None, "reason": r.text[:500]}]
    lines = [f"{d.get('field') or 'file'}: {d.get('reason')}" for d in detail]
    total = r.headers.get("X-Problems")
    if total and int(total) > len(lines):
        lines.append(f"… {int(total) - len(lines)} more problem(s)")
    raise FeedError(f"{path.name}: refused ({r.status_code}), nothing loaded\n" + "\n".join(lines))
