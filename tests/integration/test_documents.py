"""Enforcement documents on the real stack: an energy case's rectification notice with its number,
its basis by name and the deadline the platform computed; the shutdown order; the sealing
recorded with five photos; the acceptance record citing them, signed off; each document's public
verification page answering without a token and showing nothing of the enterprise; the
enterprise's archive, whose manifest matches the hashes in the events. The PDFs are read back
with poppler (pdftotext, pdftoppm)."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Platform
from sqlalchemy import text
from support import eventually, make_uscc
from test_evidence import eliminated_kiln

from phaseout_technology.domain.catalogue import table5

pytestmark = pytest.mark.integration
rng = random.Random(2126)
ALUMINIUM = "gb21346.aluminium_liquid_ac_power"
NAME = "某铝业文书测试有限公司"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
NUMBER = re.compile(r"^(?P<prefix>\S+)〔(?P<year>\d{4})〕(?P<serial>\d+)号$")


def poppler() -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.fail("poppler-utils is missing: apt-get install poppler-utils (.ci/run does)")


def pdf_text(content: bytes, tmp: Path) -> str:
    poppler()
    source = tmp / "document.pdf"
    source.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True
    )
    return done.stdout.decode()


def pdf_pages(content: bytes, tmp: Path) -> list[Path]:
    """Each page rendered to PNG, as a printer or a reader sees it."""
    poppler()
    source = tmp / "pages.pdf"
    source.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(tmp / "page")], check=True)
    return sorted(tmp.glob("page*.png"))


async def opened_case(platform: Platform, district: str = "baoan") -> tuple[str, str]:
    """An aluminium works over the limit on 2019-08-31: due on 2020-02-29."""
    energy, miit = platform.clients["energy"], platform.stack.headers("miit")
    uscc = make_uscc(rng)
    r = await energy.post(
        "/v1/enterprises",
        json={
            "uscc": uscc,
            "name": NAME,
            "district": district,
            "industry": "electrolytic_aluminium",
            "effective_on": "2019-04-01",
        },
        headers=miit,
    )
    assert r.status_code == 201, r.text
    r = await energy.post(
        f"/v1/enterprises/{uscc}/inspections",
        json={
            "indicator_id": ALUMINIUM,
            "measured_value": "13800",
            "unit": "kWh/t",
            "effective_on": "2019-08-31",
            "capacity_amount": "120000",
            "capacity_unit": "t/a",
        },
        headers=platform.stack.headers("miit", district),
    )
    assert r.status_code == 201 and r.json()["case_id"], r.text
    return uscc, r.json()["case_id"]


async def act(platform: Platform, case_id: str, action: str, body: dict[str, Any], **who: Any):  # type: ignore[no-untyped-def]
    headers = platform.stack.headers(**who) if who else platform.stack.headers("miit", "baoan")
    r = await platform.clients["energy"].post(
        f"/v1/cases/{case_id}/{action}", json=body, headers=headers
    )
    assert r.status_code == 200, r.text
    return r.json()


async def issue(
    platform: Platform, case_id: str, kind: str, on: str, agency: str = "miit", **over: Any
) -> httpx.Response:
    headers = over.pop("headers", None) or platform.stack.headers(agency, "baoan")
    body = {"kind": kind, "target_kind": "case", "target_id": case_id, "effective_on": on, **over}
    return await platform.clients["energy"].post("/v1/documents", json=body, headers=headers)


async def pdf_of(platform: Platform, document_id: str) -> bytes:
    r = await platform.clients["energy"].get(
        f"/v1/documents/{document_id}/pdf", headers=platform.stack.headers("miit", "baoan")
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    return r.content


async def attach_photo(platform: Platform, uscc: str, case_id: str, n: int) -> str:
    energy, h = platform.clients["energy"], platform.stack.headers("miit", "baoan")
    body = JPEG + f"sealed electrolysis line, photo {n} of {uscc}".encode() + bytes(range(256))
    r = await energy.post(
        "/v1/evidence/files", content=body, headers={**h, "Content-Type": "image/jpeg"}
    )
    assert r.status_code == 201, r.text
    r = await energy.post(
        "/v1/evidence",
        json={
            "sha256": r.json()["sha256"],
            "uscc": uscc,
            "target_kind": "case",
            "target_id": case_id,
            "caption": f"主体设备封存照片 {n}",
            "effective_on": "2020-04-18",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["sha256"])


async def events(platform: Platform, uscc: str) -> list[dict[str, Any]]:
    async with platform.apps["energy"].state.db.sessions() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT type, data FROM outbox WHERE data->>'uscc' = :u "
                    "AND (type LIKE '%.document.%' OR type LIKE '%.evidence.%')"
                ),
                {"u": uscc},
            )
        ).all()
    return [{"type": r.type, **r.data} for r in rows]


async def verify_publicly(platform: Platform, document: dict[str, Any], content: bytes) -> None:
    """The QR code's page answers without a token: the number, the date, the agency and the
    digest of the PDF as held — nothing of the enterprise."""
    energy = platform.clients["energy"]
    r = await energy.get(f"/v1/public/documents/{document['document_id']}")
    assert r.status_code == 200, r.text
    shown = r.json()
    assert shown["number"] == document["number"]
    assert shown["sha256"] == hashlib.sha256(content).hexdigest() == document["sha256"]
    assert shown["issued_on"] == document["issued_on"] and shown["size"] == len(content)
    page = await energy.get(
        f"/v1/public/documents/{document['document_id']}", headers={"Accept": "text/html"}
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert document["number"] in page.text and document["sha256"] in page.text
    for private in (document["uscc"], NAME, document["target_id"], "baoan", "宝安"):
        assert private not in r.text and private not in page.text


async def test_an_energy_case_served_sealed_accepted_and_archived(
    platform: Platform, tmp_path: Path
) -> None:
    energy = platform.clients["energy"]
    uscc, case_id = await opened_case(platform)

    r = await issue(platform, case_id, "rectification_notice", "2019-09-02")
    assert r.status_code == 201, r.text
    notice = r.json()
    number = NUMBER.match(notice["number"])
    assert number and number["prefix"] == "深工信节能" and number["year"] == "2019", notice
    assert notice["deadline"] == "2020-02-29", "the deadline the case computed"
    assert "《电解铝企业单位产品能源消耗限额》（GB 21346-2013）" in notice["basis"]
    assert "节约能源法" in notice["basis"]
    content = await pdf_of(platform, notice["document_id"])
    said = pdf_text(content, tmp_path)
    flat = re.sub(r"\s+", "", said)
    for words in (
        "市工业和信息化局",
        "责令限期整改通知书",
        notice["number"],
        NAME,
        "2020年2月29日",
    ):
        assert words in flat, f"{words} not in the PDF's text:\n{said}"
    assert "GB21346-2013" in flat and "13800" in flat and "13700" in flat
    assert f"/v1/public/documents/{notice['document_id']}" in flat, "the QR code's address"
    pages = pdf_pages(content, tmp_path)
    assert pages and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)

    # Still over the limit at the re-inspection: drc orders the shutdown, by 30 April.
    over = {"inspected_on": "2020-01-10", "measured_value": "13900", "unit": "kWh/t"}
    assert (await act(platform, case_id, "reinspection", over))["state"] == "shutdown_required"
    ordered = {"ordered_on": "2020-01-15", "exit_by": "2020-04-30"}
    await act(platform, case_id, "shutdown-order", ordered, agency="drc", jurisdiction="baoan")
    r = await issue(platform, case_id, "shutdown_order", "2020-01-15", agency="drc")
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["number"].startswith("深发改节能〔2020〕") and order["deadline"] == "2020-04-30"
    assert "责令停产整改通知书" in re.sub(
        r"\s+", "", pdf_text(await pdf_of(platform, order["document_id"]), tmp_path)
    )

    # The sealing, with five photos; then the exit is verified and accepted on site.
    photos = [await attach_photo(platform, uscc, case_id, n) for n in range(1, 6)]
    await act(platform, case_id, "shutdown-verification", {"verified_on": "2020-04-20"})
    r = await issue(
        platform,
        case_id,
        "acceptance_record",
        "2020-04-20",
        remarks="主体设备已拆除封存，验收合格。",
    )
    assert r.status_code == 201, r.text
    record = r.json()
    assert record["deadline"] is None and record["signed_off_on"] is None
    said = re.sub(r"\s+", "", pdf_text(await pdf_of(platform, record["document_id"]), tmp_path))
    assert "现场验收意见" in said and "验收合格" in said
    assert all(p in said for p in photos), "the record cites each photo by its SHA-256"
    sign_off = f"/v1/documents/{record['document_id']}/sign-off"
    officer = platform.stack.headers("miit", "baoan")
    stale = await energy.post(
        sign_off, json={"effective_on": "2020-04-21"}, headers={**officer, "If-Match": '"2"'}
    )
    assert stale.status_code == 412, stale.text
    r = await energy.post(
        sign_off, json={"effective_on": "2020-04-21"}, headers={**officer, "If-Match": '"1"'}
    )
    assert r.status_code == 200 and r.json()["signed_off_on"] == "2020-04-21", r.text
    assert r.json()["sha256"] == record["sha256"], "signing changes no byte"
    assert r.headers["ETag"] == '"2"'
    again = await energy.post(
        sign_off, json={"effective_on": "2020-04-22"}, headers={**officer, "If-Match": '"1"'}
    )
    assert again.status_code == 412, again.text

    issued = [notice, order, record]
    for document in issued:
        await verify_publicly(platform, document, await pdf_of(platform, document["document_id"]))
    shown = (await energy.get(f"/v1/public/documents/{record['document_id']}")).json()
    assert shown["signed_off_on"] == "2020-04-21"

    # The archive: every document and photo, in order, with a manifest of their hashes.
    r = await energy.get(
        f"/v1/enterprises/{uscc}/archive", headers=platform.stack.headers("miit", "baoan")
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip", r.text
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    manifest = json.loads(archive.read("manifest.json"))
    files = manifest["files"]
    assert [f["seq"] for f in files] == list(range(1, 9))
    assert [f["number"] for f in files if f["record"] == "document"] == [
        d["number"] for d in issued
    ]
    for entry in files:
        assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
        assert entry["verified"] is True
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [r["sha256"] for r in rows] == [f["sha256"] for f in files]
    happened = await events(platform, uscc)
    in_events = sorted(
        e["sha256"] for e in happened if e["type"].endswith((".document.issued.v1", ".attached.v1"))
    )
    assert sorted(f["sha256"] for f in files) == in_events
    assert all("content" not in e and "bytes" not in e for e in happened)
    signed = [e for e in happened if e["type"] == "phaseout.energy.document.signed_off.v1"]
    assert [e["number"] for e in signed] == [record["number"]]

    r = await energy.get(
        f"/v1/enterprises/{uscc}/archive", headers=platform.stack.headers("miit", "futian")
    )
    assert r.status_code == 403, "another district's officer reads no archive of baoan's"


async def test_numbers_have_no_gaps_nor_duplicates_when_issued_at_once(
    platform: Platform,
) -> None:
    cases = [await opened_case(platform) for _ in range(6)]
    answers = await asyncio.gather(
        *(issue(platform, case_id, "rectification_notice", "2021-03-01") for _, case_id in cases)
    )
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers]
    serials = sorted(int(NUMBER.match(r.json()["number"])["serial"]) for r in answers)  # type: ignore[index]
    assert serials == list(range(serials[0], serials[0] + len(cases)))

    # A refused issue takes no number: the next one follows on.
    _, rectifying = cases[0]
    r = await issue(platform, rectifying, "shutdown_order", "2021-03-02")
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "kind", r.text
    r = await issue(platform, cases[1][1], "rectification_notice", "2021-03-02")
    assert int(NUMBER.match(r.json()["number"])["serial"]) == serials[-1] + 1  # type: ignore[index]


async def test_a_correction_is_a_new_document_citing_the_one_it_replaces(
    platform: Platform, tmp_path: Path
) -> None:
    energy = platform.clients["energy"]
    _, case_id = await opened_case(platform)
    first = (await issue(platform, case_id, "rectification_notice", "2019-09-02")).json()
    r = await issue(
        platform, case_id, "rectification_notice", "2019-09-03", replaces=first["document_id"]
    )
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["number"] != first["number"] and second["sha256"] != first["sha256"]
    said = re.sub(r"\s+", "", pdf_text(await pdf_of(platform, second["document_id"]), tmp_path))
    assert f"更正并取代{first['number']}" in said
    old = (await energy.get(f"/v1/public/documents/{first['document_id']}")).json()
    assert old["replaced_by"] == second["number"] and old["sha256"] == first["sha256"]
    read = await energy.get(
        f"/v1/documents/{first['document_id']}", headers=platform.stack.headers("miit")
    )
    assert read.json()["replaced_by"] == second["document_id"]

    again = await issue(
        platform, case_id, "rectification_notice", "2019-09-04", replaces=first["document_id"]
    )
    assert again.status_code == 409 and again.json()["detail"][0]["field"] == "replaces"


@pytest.mark.parametrize(
    ("over", "status", "field"),
    [
        ({"kind": "summons"}, 422, "kind"),
        ({"target_kind": "tip"}, 422, "target_kind"),
        ({"target_id": "no-such-case"}, 422, "target_id"),
        ({"effective_on": "2999-01-01"}, 422, "effective_on"),
        ({"effective_on": "2019-13-01"}, 422, "effective_on"),
        ({"kind": "shutdown_order"}, 409, "kind"),
        ({"replaces": "00000000-0000-4000-8000-000000000000"}, 422, "replaces"),
        ({"remarks": "x" * 2001}, 422, "remarks"),
        ({"extra": 1}, 422, "extra"),
    ],
)
async def test_bad_input_is_a_4xx_naming_the_field(
    platform: Platform, over: dict[str, Any], status: int, field: str
) -> None:
    _, case_id = await opened_case(platform)
    body = {"kind": "rectification_notice", "target_kind": "case", "target_id": case_id}
    r = await platform.clients["energy"].post(
        "/v1/documents",
        json={**body, "effective_on": "2019-09-02", **over},
        headers=platform.stack.headers("miit", "baoan"),
    )
    assert r.status_code == status, r.text
    assert r.json()["detail"][0]["field"].split(".")[-1] == field, r.text


async def test_who_may_issue_read_sign_and_verify(platform: Platform) -> None:
    energy, stack = platform.clients["energy"], platform.stack
    _, case_id = await opened_case(platform)
    r = await issue(
        platform,
        case_id,
        "rectification_notice",
        "2019-09-02",
        headers=stack.headers("miit", "futian"),
    )
    assert r.status_code == 403, "another district's officer issues nothing on baoan's case"
    r = await issue(
        platform, case_id, "rectification_notice", "2019-09-02", headers=stack.headers("mee")
    )
    assert r.status_code == 403, "an agency that does not lead energy issues nothing here"
    notice = (await issue(platform, case_id, "rectification_notice", "2019-09-02")).json()
    r = await energy.get(
        f"/v1/documents/{notice['document_id']}/pdf", headers=stack.headers("miit", "futian")
    )
    assert r.status_code == 403
    r = await energy.post(
        f"/v1/documents/{notice['document_id']}/sign-off",
        json={"effective_on": "2019-09-03"},
        headers=stack.headers("miit", "baoan"),
    )
    assert r.status_code == 409 and r.json()["detail"][0]["rule"] == "documents.signed"
    assert (await energy.get("/v1/public/documents/not-a-uuid")).status_code == 422
    r = await energy.get("/v1/public/documents/00000000-0000-4000-8000-000000000000")
    assert r.status_code == 404
    listed = await energy.get(
        "/v1/documents", params={"target_id": case_id}, headers=stack.headers("miit", "baoan")
    )
    assert [d["number"] for d in listed.json()["items"]] == [notice["number"]]
    hidden = await energy.get(
        "/v1/documents", params={"target_id": case_id}, headers=stack.headers("miit", "futian")
    )
    assert hidden.json()["items"] == []


async def test_a_districts_year_end_exit_list_for_signature(
    platform: Platform, tmp_path: Path
) -> None:
    """The aggregator, which holds the lists, prints one district's for its government to sign."""
    uscc, case_id = await opened_case(platform, district="pingshan")
    who = {"agency": "miit", "jurisdiction": "pingshan"}
    over = {"inspected_on": "2020-01-10", "measured_value": "13900", "unit": "kWh/t"}
    await act(platform, case_id, "reinspection", over, **who)
    ordered = {"ordered_on": "2020-01-15", "exit_by": "2020-04-30"}
    await act(platform, case_id, "shutdown-order", ordered, **who)
    await act(platform, case_id, "shutdown-verification", {"verified_on": "2020-04-20"}, **who)
    aggregator, city = platform.clients["aggregator"], platform.stack.headers("miit")

    async def listed() -> bytes | None:
        r = await aggregator.get(
            "/v1/exits", params={"year": 2020, "district": "pingshan"}, headers=city
        )
        if uscc not in r.text:
            return None
        pdf = await aggregator.get(
            "/v1/exits",
            params={"year": 2020, "district": "pingshan", "format": "pdf"},
            headers=city,
        )
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        return pdf.content

    said = re.sub(r"\s+", "", pdf_text(await eventually(listed), tmp_path))
    for words in ("坪山区人民政府", "2020年坪山区依法关闭退出的落后产能企业清单", NAME, uscc):
        assert words in said, f"{words} not in:\n{said}"
    assert "负责人（签字）" in said and "电解铝" in said
    assert pdf_pages(await eventually(listed), tmp_path)

    r = await aggregator.get("/v1/exits", params={"format": "pdf"}, headers=city)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "district", r.text


async def test_a_technology_document_quotes_its_rule_in_the_plans_words(
    platform: Platform, tmp_path: Path
) -> None:
    """Every agency's documents state their own basis (here Table 5's rule and the State
    Council's notice), not a generic sentence."""
    _, case_id = await eliminated_kiln(platform)
    tech, miit = platform.clients["technology"], platform.stack.headers("miit", "baoan")
    body = {
        "kind": "acceptance_record",
        "target_kind": "case",
        "target_id": case_id,
        "effective_on": "2019-06-10",
    }
    r = await tech.post("/v1/documents", json=body, headers=miit)
    assert r.status_code == 201, r.text
    assert r.json()["number"].startswith("深工信淘汰〔2019〕")
    pdf = await tech.get(f"/v1/documents/{r.json()['document_id']}/pdf", headers=miit)
    said = re.sub(r"\s+", "", pdf_text(pdf.content, tmp_path))
    rule = table5().rule_for("shaft_kiln")
    assert "国发〔2010〕7号" in said
    assert re.sub(r"\s+", "", rule.wording_zh) in said
    assert table5().kinds["shaft_kiln"].name_zh in said
