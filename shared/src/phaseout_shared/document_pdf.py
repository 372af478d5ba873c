"""An enforcement document as a PDF (A4, in the layout of a bureau's 公文): the issuing agency's
heading, the title, the number, the addressee, the body, the legal basis, the deadline, the
evidence it cites, the date, and a QR code that resolves to the document's public verification
page.

The font is a Chinese font embedded as a subset (fpdf2 reads OpenType collections, CFF outlines
included): Debian's fonts-noto-cjk by default (`PHASEOUT_DOCUMENT_FONT` names another file), so a
printed or archived document reads the same on any machine. Rendering is pure: the same draft
and moment give the same bytes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

FONTS: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
)
"""Chinese fonts looked for, in order, with the index of the Simplified Chinese face in each
collection (Noto CJK: JP, KR, SC, TC, HK)."""

RED = (200, 16, 46)

logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs every glyph


def font(configured: Path | None = None) -> tuple[Path, int]:
    """The font file to embed and its face: the configured one, else the first one installed."""
    if configured is not None:
        if not configured.exists():
            raise RuntimeError(f"the document font {configured} is missing")
        return configured, 0
    for path, index in FONTS:
        if path.exists():
            return path, index
    raise RuntimeError(
        "no Chinese font is installed to print documents: apt-get install fonts-noto-cjk"
    )


def chinese_date(day: date) -> str:
    """2019年7月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Draft:
    """Everything a document says, in words (names, not codes)."""

    agency_name: str
    title: str
    number: str
    addressee: str
    paragraphs: Sequence[str]
    basis: Sequence[str]
    issued_on: date
    verify_url: str | None
    """Where the QR code resolves (None: a draft for signature, not yet issued)."""
    deadline: date | None = None
    deadline_label: str = "整改期限"
    facts: Sequence[tuple[str, str]] = ()
    evidence: Sequence[tuple[str, str, str]] = ()
    """Each cited file: what it shows, the day it was taken, its SHA-256."""
    replaces: str | None = None
    signature_lines: Sequence[str] = field(default_factory=tuple)
    table: Sequence[Sequence[str]] = ()
    """A list's heading row and its rows (a year's exit list), printed across a landscape page."""
    widths: Sequence[float] = ()
    """The table's column widths, in proportion."""


def render(draft: Draft, moment: datetime, font_file: tuple[Path, int]) -> bytes:
    """The PDF of a draft, dated `moment` (its metadata's creation date)."""
    path, index = font_file
    pdf = FPDF(orientation="L" if draft.table else "P", format="A4", unit="mm")
    pdf.set_creation_date(moment)
    pdf.set_title(f"{draft.title} {draft.number}")
    pdf.set_author(draft.agency_name)
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_font("cjk", fname=str(path), collection_font_number=index)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("cjk", size=22)
    pdf.set_text_color(*RED)
    pdf.cell(width, 14, draft.agency_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.l_margin + width, pdf.get_y() + 2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.ln(6)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=12)
    if draft.number:
        pdf.cell(width, 8, draft.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=18)
    pdf.cell(width, 12, draft.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("cjk", size=12)
    text = _Writer(pdf, width)
    text.line(f"{draft.addressee}：")
    for paragraph in draft.paragraphs:
        text.paragraph(paragraph)
    if draft.basis:
        text.heading("依据")
        for n, basis in enumerate(draft.basis, 1):
            text.paragraph(f"{n}. {basis}")
    if draft.deadline is not None:
        text.heading(draft.deadline_label)
        text.paragraph(f"{chinese_date(draft.deadline)}前（含当日）。")
    if draft.facts:
        text.heading("基本情况")
        for label, value in draft.facts:
            text.paragraph(f"{label}：{value}")
    if draft.evidence:
        text.heading("证据材料（SHA-256）")
        pdf.set_font("cjk", size=9)
        for n, (caption, taken_on, sha256) in enumerate(draft.evidence, 1):
            text.paragraph(f"{n}. {caption or '（无说明）'}，{taken_on}", indent=False)
            text.paragraph(f"   {sha256}", indent=False)
        pdf.set_font("cjk", size=12)
    if draft.table:
        pdf.set_font("cjk", size=7)
        with pdf.table(
            col_widths=tuple(draft.widths) or None,
            text_align="LEFT",
            line_height=4,
            wrapmode=WrapMode.CHAR,
            first_row_as_headings=True,
            headings_style=FontFace(emphasis=""),
        ) as grid:
            for cells in draft.table:
                row = grid.row()
                for cell in cells:
                    row.cell(cell)
        pdf.set_font("cjk", size=12)
        pdf.ln(4)
    if draft.replaces:
        text.paragraph(f"本文书更正并取代{draft.replaces}，原文书自本文书送达之日起不再执行。")
    for line in draft.signature_lines:
        text.paragraph(line, indent=False)

    pdf.ln(8)
    pdf.cell(width, 8, draft.agency_name, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 8, chinese_date(draft.issued_on), align="R", new_x="LMARGIN", new_y="NEXT")

    if draft.verify_url is None:
        return bytes(pdf.output())
    qr = segno.make(draft.verify_url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=4, border=2)
    image.seek(0)
    size = 28.0
    if pdf.get_y() + size + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.h - pdf.b_margin - size - 8
    pdf.image(image, x=pdf.l_margin, y=top, w=size, h=size)
    pdf.set_xy(pdf.l_margin + size + 4, top + 6)
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(
        width - size - 4,
        5,
        f"扫码核验文书真伪（文号、日期、签发机关、SHA-256）\n{draft.verify_url}",
        align="L",
        wrapmode=WrapMode.CHAR,
    )
    return bytes(pdf.output())


class _Writer:
    def __init__(self, pdf: FPDF, width: float) -> None:
        self.pdf, self.width = pdf, width

    def line(self, text: str) -> None:
        self._write(text)

    def paragraph(self, text: str, indent: bool = True) -> None:
        self._write(("\u3000\u3000" if indent else "") + text)

    def heading(self, text: str) -> None:
        self.pdf.ln(1)
        self._write(f"{text}：")

    def _write(self, text: str) -> None:
        # Chinese breaks between any two characters, not at spaces only; no justification.
        self.pdf.multi_cell(
            self.width, 7, text, align="L", wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT"
        )
