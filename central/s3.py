"""The blob store on an S3-compatible object store (a city's MinIO, Ceph RGW, or a cloud).

``kiosk-central serve --blobs s3://BUCKET/PREFIX?endpoint=https://s3.example:9000``.
Objects are named ``PREFIX/ab/cd/<sha256>`` like the file store. Credentials come from
the usual places boto3 reads (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, the
shared credentials file, an instance role). Needs ``pip install hall-kiosk[s3]``.

Durability is the store's: a PUT that returned 200 is stored. Each PUT carries the
blob's SHA-256 (``x-amz-checksum-sha256``), so the store refuses bytes damaged in transit.
A PUT of an existing blob is repeated on purpose: it refreshes ``LastModified``, the age
the purge's grace period reads.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from central.blobstore import SHA256, BlobMissing, BlobStoreError, BlobUsage, sha256_hex


class S3BlobStore:
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        if client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError:
                raise BlobStoreError(
                    "s3:// blob stores need boto3: pip install 'hall-kiosk[s3]'"
                ) from None
            client = boto3.client(
                "s3",
                endpoint_url=endpoint_url,
                region_name=region,
                config=Config(retries={"max_attempts": 5, "mode": "standard"}),
            )
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._endpoint = endpoint_url or "AWS"

    def _key(self, sha256: str) -> str:
        if not SHA256.match(sha256):
            raise BlobStoreError("a blob name must be 64 lowercase hex digits")
        name = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def _error(self, what: str, exc: Exception) -> BlobStoreError:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
        return BlobStoreError(f"{what} failed on {self.describe()}: {code}")

    def put_many(self, blobs: dict[str, bytes]) -> None:
        def put(item: tuple[str, bytes]) -> None:
            sha, data = item
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=self._key(sha),
                    Body=data,
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(sha)).decode(),
                )
            except BlobStoreError:
                raise
            except Exception as exc:
                raise self._error("put", exc) from None

        if len(blobs) <= 1:
            for item in blobs.items():
                put(item)
            return
        with ThreadPoolExecutor(min(8, len(blobs))) as pool:
            list(pool.map(put, blobs.items()))

    def get(self, sha256: str) -> bytes:
        try:
            data: bytes = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))[
                "Body"
            ].read()
        except Exception as exc:
            if _not_found(exc):
                raise BlobMissing(f"blob {sha256[:16]}... is not in {self.describe()}") from None
            raise self._error("get", exc) from None
        if sha256_hex(data) != sha256:
            raise BlobStoreError(f"blob {sha256[:16]}... is damaged in {self.describe()}")
        return data

    def _head(self, sha256: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=self._key(sha256)
            )
        except Exception as exc:
            if _not_found(exc):
                return None
            raise self._error("head", exc) from None
        return head

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def delete(self, sha256: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))
        except Exception as exc:
            if not _not_found(exc):
                raise self._error("delete", exc) from None

    def _objects(self) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else ""
        )
        for page in pages:
            for obj in page.get("Contents", []):
                if SHA256.match(obj["Key"].rsplit("/", 1)[-1]):
                    yield obj

    def older_than(self, age_s: float) -> Iterator[str]:
        cutoff = time.time() - age_s
        for obj in self._objects():
            if obj["LastModified"].timestamp() < cutoff:
                yield obj["Key"].rsplit("/", 1)[-1]

    def age_s(self, sha256: str) -> float | None:
        head = self._head(sha256)
        return None if head is None else time.time() - head["LastModified"].timestamp()

    def usage(self) -> BlobUsage:
        count = size = 0
        for obj in self._objects():
            count += 1
            size += int(obj["Size"])
        return BlobUsage(count, size)

    def describe(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
        return f"{where} at {self._endpoint}"


def _not_found(exc: Exception) -> bool:
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")
