"""The dashboard's path to evidence and documents: the aggregator relays a fixed set of requests
to the agency service that keeps them, with the caller's own token, on the real database. What
the agency answers passes unchanged (bytes, hashes, refusals with their field in the caller's
language); what it refuses the caller, the caller does not get; an agency away is a 503 naming
it; a path outside the set is not relayed."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from conftest import Platform
from test_evidence import PNG, attachment, eliminated_kiln, photo

from phaseout_shared.limits import MAX_EVIDENCE_BYTES

pytestmark = pytest.mark.integration
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
TECH = "/v1/dimensions/technology"


async def test_an_officer_attaches_and_reads_back_through_the_aggregator(
    platform: Platform,
) -> None:
    aggregator = platform.clients["aggregator"]
    officer = platform.stack.headers("miit", "baoan")
    uscc, case_id = await eliminated_kiln(platform)
    body = photo(2121)
    digest = hashlib.sha256(body).hexdigest()

    r = await aggregator.post(
        f"{TECH}/evidence/files", content=body, headers={**officer, "Content-Type": "image/jpeg"}
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"sha256": digest, "size": len(body), "media_type": "image/jpeg"}
    r = await aggregator.post(
        f"{TECH}/evidence", json=attachment(uscc, case_id, digest), headers=officer
    )
    assert r.status_code == 201, r.text
    listed = await aggregator.get(
        f"{TECH}/evidence",
        params={"uscc": uscc, "target_kind": "case", "target_id": case_id},
        headers=officer,
    )
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["sha256"] == digest and item["agency"] == "miit"
    content = await aggregator.get(
        f"{TECH}/evidence/{item['evidence_id']}/content", headers=officer
    )
    assert content.status_code == 200 and content.content == body
    assert content.headers["etag"] == f'"{digest}"'
    assert content.headers["content-type"] == "image/jpeg"

    archive = await aggregator.get(f"{TECH}/enterprises/{uscc}/archive", headers=officer)
    assert archive.status_code == 200 and archive.content[:2] == b"PK"
    assert f"technology-{uscc}-archive.zip" in archive.headers["content-disposition"]

    # Scope stays the agency's: another district's officer is refused the file, sees no row.
    futian = platform.stack.headers("miit", "futian")
    other = await aggregator.get(f"{TECH}/evidence/{item['evidence_id']}/content", headers=futian)
    assert other.status_code == 403, other.text
    theirs = await aggregator.get(f"{TECH}/evidence", params={"uscc": uscc}, headers=futian)
    assert theirs.status_code == 200 and theirs.json()["items"] == []
    archive = await aggregator.get(f"{TECH}/enterprises/{uscc}/archive", headers=futian)
    assert archive.status_code == 403
    anonymous = await aggregator.get(f"{TECH}/evidence", params={"uscc": uscc})
    assert anonymous.status_code == 401


async def test_refusals_pass_with_their_reason_in_the_callers_language(
    platform: Platform,
) -> None:
    aggregator = platform.clients["aggregator"]
    officer = {**platform.stack.headers("miit", "baoan"), **ZH}
    not_png = await aggregator.post(
        f"{TECH}/evidence/files",
        content=b"GIF89a, not a PNG",
        headers={**officer, "Content-Type": "image/png"},
    )
    assert not_png.status_code == 415
    [problem] = not_png.json()["detail"]
    assert problem["reason"] == "文件内容与其类型不符（不是 PNG 文件），未予保存"
    text = await aggregator.post(
        f"{TECH}/evidence/files",
        content=b"hello",
        headers={**officer, "Content-Type": "text/plain"},
    )
    assert text.status_code == 415 and text.json()["detail"][0]["field"] == "content-type"
    assert "仅接受 JPEG、PNG、WebP 图片和 PDF 文件" in text.json()["detail"][0]["reason"]
    over = await aggregator.post(
        f"{TECH}/evidence/files",
        content=PNG + bytes(MAX_EVIDENCE_BYTES),
        headers={**officer, "Content-Type": "image/png"},
    )
    assert over.status_code == 413
    [problem] = over.json()["detail"]
    assert problem["field"] == "body" and problem["rule"] == "body.size"
    assert problem["reason"].startswith("文件超过大小上限（20 MB"), problem
    reader = await aggregator.post(
        f"{TECH}/evidence/files",
        content=PNG,
        headers={
            **platform.stack.headers("miit", "baoan", roles=("reader",)),
            "Content-Type": "image/png",
        },
    )
    assert reader.status_code == 403, reader.text


async def test_an_agency_away_is_named_and_unknown_paths_are_not_relayed(
    platform: Platform,
) -> None:
    def away(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    aggregator = platform.clients["aggregator"]
    officer = platform.stack.headers("miit")
    transports = platform.apps["aggregator"].state.agency_transports
    kept = transports["energy"]
    transports["energy"] = httpx.MockTransport(away)
    try:
        r = await aggregator.get("/v1/dimensions/energy/documents", headers=officer)
    finally:
        transports["energy"] = kept
    assert r.status_code == 503
    assert r.json()["detail"][0]["field"] == "energy"
    unknown = await aggregator.get("/v1/dimensions/water/evidence", headers=officer)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "path.dimension"
    for path in ("/v1/dimensions/energy/enterprises", "/v1/dimensions/energy/cases"):
        assert (await aggregator.get(path, headers=officer)).status_code == 404, path
