"""A document's PDF, read back as a person and a printer would: the Chinese text is there as
text (pdftotext, so the font is embedded with its character map), every page renders (pdftoppm),
and the same draft at the same moment gives the same bytes."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import segno

from phaseout_shared import document_pdf
from phaseout_shared.documents import number_of

URL = "http://127.0.0.1:8100/v1/public/documents/6b3c5a0e-1d2f-4c1b-9a55-0d7e3c1f2a9b"
MOMENT = datetime(2019, 9, 2, 2, 0, tzinfo=UTC)


def draft(**over: object) -> document_pdf.Draft:
    fields: dict[str, object] = {
        "agency_name": "市工业和信息化局",
        "title": "责令限期整改通知书",
        "number": number_of("深工信节能", 2019, 12),
        "addressee": "某铝业有限公司（统一社会信用代码：91440300MA5XXXXXX1）",
        "paragraphs": ["经查，你单位电解铝产能（120000 吨/年）超过限定值。", "现责令整改。"],
        "basis": ["《电解铝企业单位产品能源消耗限额》（GB 21346-2013）"],
        "issued_on": date(2019, 9, 2),
        "verify_url": URL,
        "deadline": date(2020, 2, 29),
        "evidence": [("主体设备封存照片", "2020年4月18日", "ab" * 32)] * 30,
        **over,
    }
    return document_pdf.Draft(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return document_pdf.render(draft(), MOMENT, document_pdf.font())


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils (.ci/run does)")
    return found


def test_the_chinese_text_is_in_the_pdf(rendered: bytes, tmp_path: Path) -> None:
    source = tmp_path / "notice.pdf"
    source.write_bytes(rendered)
    said = subprocess.run(
        [poppler("pdftotext"), str(source), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", "", said)
    for words in (
        "市工业和信息化局",
        "责令限期整改通知书",
        "深工信节能〔2019〕12号",
        "《电解铝企业单位产品能源消耗限额》",
        "2020年2月29日前",
        "2019年9月2日",
        "扫码核验",
        URL,
    ):
        assert words in flat, f"{words} not in:\n{said}"


def test_every_page_renders(rendered: bytes, tmp_path: Path) -> None:
    source = tmp_path / "notice.pdf"
    source.write_bytes(rendered)
    subprocess.run(
        [poppler("pdftoppm"), "-png", "-r", "40", str(source), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2, "thirty cited files run onto a second page"
    assert all(
        p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 2000 for p in pages
    )


def test_the_font_is_embedded(rendered: bytes, tmp_path: Path) -> None:
    source = tmp_path / "notice.pdf"
    source.write_bytes(rendered)
    fonts = subprocess.run(
        [poppler("pdffonts"), str(source)], capture_output=True, check=True, text=True
    ).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts


def test_the_same_draft_gives_the_same_bytes(rendered: bytes) -> None:
    assert document_pdf.render(draft(), MOMENT, document_pdf.font()) == rendered
    other = document_pdf.render(
        draft(replaces="深工信节能〔2019〕11号"), MOMENT, document_pdf.font()
    )
    assert other != rendered


def test_the_qr_code_is_printed(rendered: bytes, tmp_path: Path) -> None:
    """One image, square: the QR code of the address that pdftotext reads beside it."""
    source = tmp_path / "notice.pdf"
    source.write_bytes(rendered)
    listed = subprocess.run(
        [poppler("pdfimages"), "-list", str(source)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert len(listed) == 1, listed
    width, height = listed[0].split()[3:5]
    version = segno.make(URL, error="m").symbol_size(scale=4, border=2)
    assert (int(width), int(height)) == version


def test_a_missing_font_is_named() -> None:
    with pytest.raises(RuntimeError, match="missing"):
        document_pdf.font(Path("/no/such/font.ttc"))
