"""The evidence store of a deployment: an S3-compatible object store (MinIO, Ceph, a cloud's).

Objects are named like the local store's files, `<prefix>/ab/cd/abcd…` under the digest, and
written only when absent (`If-None-Match: *`, and a HEAD first for stores that ignore it), so a
digest once held is never overwritten. Files are received on the service's own disk first
(`staging`), hashed and checked there, then sent; reads stream the object back in chunks.
boto3 is synchronous: each call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from fastapi import Response
from fastapi.responses import StreamingResponse

from phaseout_shared.domain.errors import NotFound

CHUNK = 1 << 16
ABSENT = {"404", "NoSuchKey", "NotFound"}
HELD = {"412", "PreconditionFailed", "ConditionalRequestConflict"}


@dataclass
class S3Store:
    """Evidence and documents in a bucket of an S3-compatible store."""

    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    local: Path
    """Where files being received are staged (the service's own disk)."""
    prefix: str = ""
    region: str = "us-east-1"
    _client: Any = field(default=None, init=False, repr=False)

    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint,
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
                region_name=self.region,
                config=Config(
                    signature_version="s3v4",
                    s3={"addressing_style": "path"},
                    retries={"max_attempts": 3, "mode": "standard"},
                ),
            )
        return self._client

    def key(self, sha256: str) -> str:
        where = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return f"{self.prefix.strip('/')}/{where}" if self.prefix.strip("/") else where

    def staging(self) -> Path:
        folder = self.local / "incoming"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    async def keep(self, sha256: str, staged: Path) -> None:
        await asyncio.to_thread(self._keep, sha256, staged)

    def _keep(self, sha256: str, staged: Path) -> None:
        try:
            if self._size(sha256) is not None:
                return
            with staged.open("rb") as body:
                try:
                    self.client().put_object(
                        Bucket=self.bucket, Key=self.key(sha256), Body=body, IfNoneMatch="*"
                    )
                except ClientError as exc:
                    if _code(exc) not in HELD:
                        raise
        finally:
            staged.unlink(missing_ok=True)

    def _size(self, sha256: str) -> int | None:
        try:
            head = self.client().head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if _code(exc) in ABSENT:
                return None
            raise
        return int(head["ContentLength"])

    async def size(self, sha256: str) -> int:
        """The size of a held object; NotFound if the store lacks it."""
        found = await asyncio.to_thread(self._size, sha256)
        if found is None:
            raise NotFound(f"the store holds no file {sha256}", field="sha256")
        return found

    async def chunks(self, sha256: str) -> AsyncIterator[bytes]:
        def get() -> Any:
            try:
                return self.client().get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]
            except ClientError as exc:
                if _code(exc) in ABSENT:
                    raise NotFound(f"the store holds no file {sha256}", field="sha256") from None
                raise

        body = await asyncio.to_thread(get)
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK):
                yield chunk
        finally:
            body.close()

    async def response(self, sha256: str, media_type: str, headers: Mapping[str, str]) -> Response:
        size = await self.size(sha256)
        return StreamingResponse(
            self.chunks(sha256),
            media_type=media_type,
            headers={**headers, "Content-Length": str(size)},
        )


def _code(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = str(error.get("Code", ""))
    return code if code not in ("", "None") else str(status)
