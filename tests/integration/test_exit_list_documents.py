"""A district's year-end exit list issued as a document on the real stack: the district
government's officer issues it from the aggregator's list (numbered in its series, kept by its
digest, verifiable by anyone), signs it once, and corrects it only by a new list that names it.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Platform
from support import eventually
from test_documents import act, opened_case, pdf_text

pytestmark = pytest.mark.integration
DISTRICT, YEAR = "guangming", 2020
NUMBER = re.compile(r"^深光明府〔2020〕(\d+)号$")


async def exited_in_2020(platform: Platform) -> str:
    """An aluminium works in the district, shut down and verified in 2020."""
    uscc, case_id = await opened_case(platform, district=DISTRICT)
    who = {"agency": "miit", "jurisdiction": DISTRICT}
    over = {"inspected_on": "2020-01-10", "measured_value": "13900", "unit": "kWh/t"}
    await act(platform, case_id, "reinspection", over, **who)
    ordered = {"ordered_on": "2020-01-15", "exit_by": "2020-04-30"}
    await act(platform, case_id, "shutdown-order", ordered, **who)
    await act(platform, case_id, "shutdown-verification", {"verified_on": "2020-04-20"}, **who)
    return uscc


async def test_a_district_issues_signs_and_corrects_its_year_end_list(
    platform: Platform, tmp_path: Path
) -> None:
    aggregator = platform.clients["aggregator"]
    government = platform.stack.headers(None, DISTRICT)
    uscc = await exited_in_2020(platform)
    query = {"year": YEAR, "district": DISTRICT, "status": "exited", "as_of": "2020-12-31"}

    async def listed() -> Any:
        r = await aggregator.get("/v1/exits", params=query, headers=government)
        return r.json() if uscc in r.text else None

    expected = await eventually(listed)
    body = {"district": DISTRICT, "year": YEAR, "as_of": "2020-12-31"}

    # Two officers issue the year's list at once: one list, the other told which it is.
    first, second = await asyncio.gather(
        aggregator.post("/v1/exit-lists", json=body, headers=government),
        aggregator.post("/v1/exit-lists", json=body, headers=government),
    )
    assert sorted((first.status_code, second.status_code)) == [201, 409], (first, second)
    issued, refused = (first, second) if first.status_code == 201 else (second, first)
    assert refused.json()["detail"][0]["field"] == "replaces"
    listing = issued.json()
    assert NUMBER.match(listing["number"]), listing["number"]
    assert listing["items"] == len(expected["rows"])
    assert listing["enterprises"] == len({r["uscc"] for r in expected["rows"]})
    assert listing["title"] == "2020年光明区依法关闭退出落后产能企业清单"

    pdf = await aggregator.get(f"/v1/exit-lists/{listing['document_id']}/pdf", headers=government)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == listing["sha256"] == pdf.headers["etag"][1:-1]
    said = re.sub(r"\s+", "", pdf_text(pdf.content, tmp_path))
    assert listing["number"] in said and uscc in said and "光明区人民政府" in said

    # Anyone may verify it; what it lists is not public.
    public = await aggregator.get(f"/v1/public/exit-lists/{listing['document_id']}")
    assert public.status_code == 200, public.text
    assert public.json()["sha256"] == listing["sha256"]
    assert public.json()["issuing_agency"] == "光明区人民政府"
    assert uscc not in public.text
    page = await aggregator.get(
        f"/v1/public/exit-lists/{listing['document_id']}", headers={"Accept": "text/html"}
    )
    assert listing["number"] in page.text and page.headers["content-type"].startswith("text/html")

    # Signed once, by the district's government, at the version read.
    sign_off = f"/v1/exit-lists/{listing['document_id']}/sign-off"
    signed_on = {"effective_on": "2021-01-04"}
    miit = platform.stack.headers("miit", DISTRICT)
    r = await aggregator.post(sign_off, json=signed_on, headers={**miit, "If-Match": '"1"'})
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "district", r.text
    r = await aggregator.post(sign_off, json=signed_on, headers={**government, "If-Match": '"2"'})
    assert r.status_code == 412, r.text
    r = await aggregator.post(sign_off, json=signed_on, headers={**government, "If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["signed_off_on"] == "2021-01-04" and r.headers["etag"] == '"2"'
    again = await aggregator.post(sign_off, json=signed_on, headers=government)
    assert again.status_code == 409, again.text

    # A correction names the list it replaces; the old one's page then names its successor.
    corrected = {**body, "as_of": "2021-01-10", "replaces": listing["document_id"]}
    r = await aggregator.post("/v1/exit-lists", json=corrected, headers=government)
    assert r.status_code == 201, r.text
    assert r.json()["replaces"] == listing["number"]
    old = await aggregator.get(f"/v1/public/exit-lists/{listing['document_id']}")
    assert old.json()["replaced_by"] == r.json()["number"]
    r = await aggregator.post("/v1/exit-lists", json=corrected, headers=government)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "replaces", r.text

    # Another district reads neither the lists nor the PDF.
    elsewhere = platform.stack.headers(None, "futian")
    r = await aggregator.get(f"/v1/exit-lists/{listing['document_id']}", headers=elsewhere)
    assert r.status_code == 403, r.text
    r = await aggregator.get("/v1/exit-lists", params={"district": DISTRICT}, headers=elsewhere)
    assert r.status_code == 403, r.text
    mine = await aggregator.get("/v1/exit-lists", params={"year": YEAR}, headers=government)
    assert [x["number"] for x in mine.json()][1] == listing["number"]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"year": 2018}, "year", 422),
        ({"district": "atlantis"}, "district", 422),
        ({"as_of": "2999-01-01"}, "as_of", 422),
        ({"district": "futian"}, "district", 403),
        ({"replaces": "00000000-0000-4000-8000-000000000000"}, "replaces", 422),
    ],
)
async def test_issuing_names_what_is_wrong(
    platform: Platform, change: dict[str, Any], field: str, code: int
) -> None:
    body = {"district": "dapeng", "year": 2019, "as_of": "2019-12-31", **change}
    r = await platform.clients["aggregator"].post(
        "/v1/exit-lists", json=body, headers=platform.stack.headers(None, "dapeng")
    )
    assert r.status_code == code, r.text
    assert r.json()["detail"][0]["field"] == field, r.text
