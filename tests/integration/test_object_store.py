"""The S3-compatible evidence store against a real MinIO on loopback: a file kept once under its
digest and never overwritten, read back in chunks, a missing one a 404; and a service configured
with it stores an upload, issues a document and serves both from the bucket."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import boto3
import pytest
from conftest import Platform, StackUnderTest, client, create_app_for, running
from pydantic import SecretStr
from sqlalchemy import text

from phaseout_cli import minio, stack
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.object_store import S3Store

pytestmark = pytest.mark.integration
BUCKET = "phaseout-evidence"


@pytest.fixture(scope="module")
def store_server(test_stack: StackUnderTest) -> Iterator[minio.Running]:
    binary = minio.ensure(stack.CACHE)
    folder = test_stack.config.state / "minio"
    port = test_stack.config.pg_port + 30
    with minio.running(binary, folder, port, secrets.token_hex(16)) as server:
        s3 = boto3.client(
            "s3",
            endpoint_url=server.endpoint,
            aws_access_key_id=server.access_key,
            aws_secret_access_key=server.secret_key,
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket=BUCKET)
        yield server


def store_on(server: minio.Running, tmp: Path, prefix: str = "tests") -> S3Store:
    return S3Store(
        endpoint=server.endpoint,
        bucket=BUCKET,
        access_key=server.access_key,
        secret_key=server.secret_key,
        local=tmp,
        prefix=prefix,
    )


def staged(store: S3Store, body: bytes) -> Path:
    path = store.staging() / secrets.token_hex(8)
    path.write_bytes(body)
    return path


def on_disk(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


async def read(store: S3Store, sha256: str) -> bytes:
    return b"".join([chunk async for chunk in store.chunks(sha256)])


async def test_a_file_is_kept_once_under_its_digest_and_never_overwritten(
    store_server: minio.Running, tmp_path: Path
) -> None:
    store = store_on(store_server, tmp_path)
    body = secrets.token_bytes(200_000)
    sha256 = hashlib.sha256(body).hexdigest()
    first = staged(store, body)
    await store.keep(sha256, first)
    assert not first.exists(), "nothing is left staged"
    assert await read(store, sha256) == body
    assert await store.size(sha256) == len(body)

    # The same digest again with other bytes (a forged or corrupt copy) changes nothing.
    await store.keep(sha256, staged(store, b"not the same bytes"))
    assert await read(store, sha256) == body
    listed = boto3.client(
        "s3",
        endpoint_url=store_server.endpoint,
        aws_access_key_id=store_server.access_key,
        aws_secret_access_key=store_server.secret_key,
        region_name="us-east-1",
    ).list_objects_v2(Bucket=BUCKET, Prefix=f"tests/{sha256[:2]}/{sha256[2:4]}/")
    assert [o["Key"] for o in listed["Contents"]] == [f"tests/{sha256[:2]}/{sha256[2:4]}/{sha256}"]

    with pytest.raises(NotFound):
        await store.size("0" * 64)
    with pytest.raises(NotFound):
        await read(store, "0" * 64)


@pytest.fixture
async def energy_on_s3(
    platform: Platform, store_server: minio.Running, tmp_path: Path
) -> AsyncIterator[tuple[Platform, object]]:
    """A second energy replica whose store is the bucket (no relay: the first one relays)."""
    settings = platform.stack.settings(
        "energy",
        evidence_store="s3",
        evidence_s3_endpoint=store_server.endpoint,
        evidence_s3_bucket=BUCKET,
        evidence_s3_access_key=store_server.access_key,
        evidence_s3_secret_key=SecretStr(store_server.secret_key),
        run_workers=False,
        run_migrations=False,
    ).model_copy(update={"evidence_dir": tmp_path})
    async with running(create_app_for("energy", settings)) as app, client(app, "energy") as http:
        yield platform, http


async def test_a_service_on_the_bucket_keeps_uploads_and_documents_there(
    energy_on_s3: tuple[Platform, object], store_server: minio.Running, tmp_path: Path
) -> None:
    import httpx
    from test_documents import opened_case

    platform, http = energy_on_s3
    assert isinstance(http, httpx.AsyncClient)
    h = platform.stack.headers("miit", "baoan")
    uscc, case_id = await opened_case(platform)
    photo = b"\xff\xd8\xff\xe0" + secrets.token_bytes(5000)
    r = await http.post(
        "/v1/evidence/files", content=photo, headers={**h, "Content-Type": "image/jpeg"}
    )
    assert r.status_code == 201, r.text
    sha256 = r.json()["sha256"]
    r = await http.post(
        "/v1/evidence",
        json={
            "sha256": sha256,
            "uscc": uscc,
            "target_kind": "case",
            "target_id": case_id,
            "effective_on": "2019-09-01",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    content = await http.get(f"/v1/evidence/{r.json()['evidence_id']}/content", headers=h)
    assert content.status_code == 200 and content.content == photo
    assert not on_disk(tmp_path), "nothing kept on the disk"

    r = await http.post(
        "/v1/documents",
        json={
            "kind": "rectification_notice",
            "target_kind": "case",
            "target_id": case_id,
            "effective_on": "2019-09-02",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    document = r.json()
    pdf = await http.get(f"/v1/documents/{document['document_id']}/pdf", headers=h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert hashlib.sha256(pdf.content).hexdigest() == document["sha256"]
    bucket = store_on(store_server, tmp_path, prefix="energy")
    assert await read(bucket, document["sha256"]) == pdf.content
    assert await read(bucket, sha256) == photo

    async with platform.apps["energy"].state.db.sessions() as session:
        number = await session.scalar(
            text("SELECT data->>'number' FROM outbox WHERE data->>'document_id' = :d"),
            {"d": document["document_id"]},
        )
    assert number == document["number"]
