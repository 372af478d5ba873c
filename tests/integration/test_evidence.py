"""Evidence files on the real database: a sealing recorded with its photos, each file stored once
under its SHA-256, read back only within the fact's scope; refusals 413, 415 and 422 keep
nothing."""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Platform, client, create_app_for, running
from sqlalchemy import func, select, text
from support import make_uscc

from phaseout_shared.evidence import evidence_files

pytestmark = pytest.mark.integration
rng = random.Random(2121)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def photo(n: int) -> bytes:
    """A distinct small JPEG-headed file (the store keeps bytes; it does not decode images)."""
    return JPEG + f"sealed line, photo {n}".encode() + bytes(range(256))


async def eliminated_kiln(platform: Platform) -> tuple[str, str]:
    tech, miit = platform.clients["technology"], platform.stack.headers("miit")
    uscc = make_uscc(rng)
    r = await tech.post(
        "/v1/enterprises",
        json={
            "uscc": uscc,
            "name": "某水泥厂",
            "district": "baoan",
            "industry": "cement",
            "effective_on": "2019-04-01",
        },
        headers=miit,
    )
    assert r.status_code == 201, r.text
    r = await tech.post(
        f"/v1/enterprises/{uscc}/items",
        json={
            "item_id": "KILN-1",
            "equipment": {"kind": "shaft_kiln"},
            "capacity_amount": "200000",
            "capacity_unit": "t/a",
            "effective_on": "2019-06-03",
        },
        headers=miit,
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    assert case_id, r.text
    return uscc, case_id


async def upload(platform: Platform, body: bytes, media_type: str = "image/jpeg", **h: str) -> Any:
    headers = {**platform.stack.headers("miit", "baoan"), "Content-Type": media_type, **h}
    return await platform.clients["technology"].post(
        "/v1/evidence/files", content=body, headers=headers
    )


def attachment(uscc: str, case_id: str, sha256: str, **over: Any) -> dict[str, Any]:
    return {
        "sha256": sha256,
        "uscc": uscc,
        "target_kind": "case",
        "target_id": case_id,
        "caption": "封存后的主体设备",
        "effective_on": "2019-07-01",
        "latitude": "22.555000",
        "longitude": "113.883000",
        **over,
    }


async def count_files(platform: Platform, sha256: str) -> int:
    async with platform.apps["technology"].state.db.sessions() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(evidence_files)
            .where(evidence_files.c.sha256 == sha256)
        )
    return int(found or 0)


def kept(platform: Platform) -> list[Path]:
    root = platform.stack.config.state / "evidence" / "technology"
    return sorted(p for p in root.rglob("*") if p.is_file())


async def test_a_sealing_with_five_photos_each_stored_once_and_named_by_its_digest(
    platform: Platform,
) -> None:
    tech, h = platform.clients["technology"], platform.stack.headers("miit", "baoan")
    uscc, case_id = await eliminated_kiln(platform)
    digests = []
    for n in range(5):
        body = photo(n)
        r = await upload(platform, body)
        assert r.status_code == 201, r.text
        assert r.json() == {
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
            "media_type": "image/jpeg",
        }
        digests.append(r.json()["sha256"])
        r = await tech.post("/v1/evidence", json=attachment(uscc, case_id, digests[-1]), headers=h)
        assert r.status_code == 201, r.text
    again = await upload(platform, photo(0))
    assert again.status_code == 200 and again.json()["sha256"] == digests[0]
    assert await count_files(platform, digests[0]) == 1
    on_disk = {p.name for p in kept(platform)}
    assert set(digests) <= on_disk

    listed = await tech.get(
        "/v1/evidence", params={"target_kind": "case", "target_id": case_id}, headers=h
    )
    assert listed.status_code == 200
    assert sorted(a["sha256"] for a in listed.json()["items"]) == sorted(digests)
    first = next(a for a in listed.json()["items"] if a["sha256"] == digests[0])
    content = await tech.get(f"/v1/evidence/{first['evidence_id']}/content", headers=h)
    assert content.status_code == 200
    assert content.content == photo(0)
    assert content.headers["content-type"] == "image/jpeg"
    assert content.headers["etag"] == f'"{digests[0]}"'

    async with platform.apps["technology"].state.db.sessions() as session:
        rows = (
            await session.execute(
                text("SELECT data FROM outbox WHERE type = :t AND data->>'uscc' = :u"),
                {"t": "phaseout.technology.evidence.attached.v1", "u": uscc},
            )
        ).all()
    events = [r.data for r in rows]
    assert sorted(e["sha256"] for e in events) == sorted(digests)
    assert all(e["target_id"] == case_id and "content" not in e for e in events)


async def test_evidence_is_read_within_the_facts_scope(platform: Platform) -> None:
    tech, stack = platform.clients["technology"], platform.stack
    uscc, case_id = await eliminated_kiln(platform)
    r = await upload(platform, photo(10))
    r = await tech.post(
        "/v1/evidence",
        json=attachment(uscc, case_id, r.json()["sha256"]),
        headers=stack.headers("miit", "baoan"),
    )
    evidence_id = r.json()["evidence_id"]
    for path in (f"/v1/evidence/{evidence_id}", f"/v1/evidence/{evidence_id}/content"):
        assert (await tech.get(path, headers=stack.headers("miit", "futian"))).status_code == 403
        assert (await tech.get(path, headers=stack.headers("miit", "baoan"))).status_code == 200
    others = await tech.get(
        "/v1/evidence", params={"uscc": uscc}, headers=stack.headers("miit", "futian")
    )
    assert others.json()["total"] == 0
    refused = await upload(platform, photo(11), Authorization=stack.headers("mee")["Authorization"])
    assert refused.status_code == 403


async def test_attaching_names_what_is_wrong(platform: Platform) -> None:
    tech, h = platform.clients["technology"], platform.stack.headers("miit", "baoan")
    uscc, case_id = await eliminated_kiln(platform)
    _, other_case = await eliminated_kiln(platform)
    sha = (await upload(platform, photo(20))).json()["sha256"]
    cases = [
        (attachment(uscc, case_id, "0" * 64), "sha256"),
        (attachment(uscc, other_case, sha), "target_id"),
        (attachment(uscc, case_id, sha, target_kind="tip"), "target_kind"),
        (attachment(uscc, case_id, sha, effective_on="2999-01-01"), "effective_on"),
        (attachment(uscc, case_id, sha, latitude="91"), "latitude"),
    ]
    for body, field in cases:
        r = await tech.post("/v1/evidence", json=body, headers=h)
        assert r.status_code == 422, r.text
        assert field in r.json()["detail"][0]["field"], r.text
    listed = await tech.get("/v1/evidence", params={"uscc": uscc}, headers=h)
    assert listed.json()["total"] == 0


async def test_a_type_not_accepted_or_bytes_not_of_their_type_are_415_and_kept_nowhere(
    platform: Platform,
) -> None:
    before = kept(platform)
    r = await upload(platform, b"just text", "text/plain")
    assert r.status_code == 415 and r.json()["detail"][0]["field"] == "content-type"
    r = await upload(platform, photo(30), "image/png")
    assert r.status_code == 415 and r.json()["detail"][0]["rule"] == "evidence.media_type"
    r = await upload(platform, PNG + b"x" * 100, "image/png")
    assert r.status_code == 201
    assert await count_files(platform, hashlib.sha256(photo(30)).hexdigest()) == 0
    assert {p.name for p in kept(platform)} - {p.name for p in before} == {r.json()["sha256"]}


async def test_a_file_over_the_limit_is_413_and_leaves_nothing_behind(platform: Platform) -> None:
    limit = platform.apps["technology"].state.evidence.max_bytes
    before = kept(platform)
    big = JPEG + b"\x00" * limit
    r = await upload(platform, big)
    assert r.status_code == 413 and r.json()["detail"][0]["field"] == "body"

    async def chunks() -> AsyncIterator[bytes]:
        yield JPEG
        for _ in range(limit // (1 << 20) + 1):
            yield b"\x01" * (1 << 20)

    streamed = await platform.clients["technology"].post(
        "/v1/evidence/files",
        content=chunks(),
        headers={**platform.stack.headers("miit", "baoan"), "Content-Type": "image/jpeg"},
    )
    assert streamed.status_code == 413, streamed.text
    assert kept(platform) == before
    assert await count_files(platform, hashlib.sha256(big).hexdigest()) == 0


async def test_the_scanning_hook_refuses_a_file_and_nothing_is_kept(platform: Platform) -> None:
    stack = platform.stack
    settings = stack.settings("technology", evidence_scan_command="false", run_workers=False)
    async with running(create_app_for("technology", settings)) as app, client(app, "t") as c:
        body = photo(40)
        r = await c.post(
            "/v1/evidence/files",
            content=body,
            headers={**stack.headers("miit", "baoan"), "Content-Type": "image/jpeg"},
        )
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["rule"] == "evidence.scan"
    assert await count_files(platform, hashlib.sha256(body).hexdigest()) == 0
    assert hashlib.sha256(body).hexdigest() not in {p.name for p in kept(platform)}
