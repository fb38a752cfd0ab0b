"""The blob store port and its two adapters: the file store (the default) and the S3 store,
against moto's S3-compatible HTTP server run as its own process (no real S3 or MinIO server
installs from the registries here; moto's server speaks the S3 REST API over HTTP)."""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from central.blobstore import BlobMissing, BlobStore, FileBlobStore, open_blob_store, sha256_hex

from .conftest import Central, _central_factory, free_port, wait_listening

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("outbox-sync")]

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "hall-kiosk-test",
    "AWS_SECRET_ACCESS_KEY": "hall-kiosk-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not Path(binary).exists():
        pytest.skip("moto[server] not installed (setup.cfg test extra)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_listening(port, proc, "moto_server")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def s3_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where a centre reads S3 credentials in production too (boto3's chain).
    for k, v in S3_ENV.items():
        monkeypatch.setenv(k, v)


def _bucket(endpoint: str) -> str:
    import boto3

    name = "blobs-" + uuid.uuid4().hex[:12]
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path, s3_credentials: None) -> BlobStore:
    if request.param == "file":
        return FileBlobStore(tmp_path / "blobs")
    endpoint = request.getfixturevalue("s3_endpoint")
    return open_blob_store(f"s3://{_bucket(endpoint)}/centre?endpoint={endpoint}")


def test_the_port_contract(store: BlobStore) -> None:
    a, b = os.urandom(70_000), os.urandom(10)
    sa, sb = sha256_hex(a), sha256_hex(b)
    store.put_many({sa: a, sb: b})
    store.put_many({sa: a})  # idempotent
    assert store.get(sa) == a and store.get(sb) == b
    assert store.exists(sa) and not store.exists("0" * 64)
    with pytest.raises(BlobMissing):
        store.get("0" * 64)
    usage = store.usage()
    assert usage.count == 2 and usage.bytes >= len(a) + len(b)
    assert set(store.older_than(-60)) == {sa, sb}  # every blob is older than a minute ago
    assert list(store.older_than(3600)) == []
    age = store.age_s(sa)
    assert age is not None and age < 60
    store.delete(sa)
    store.delete(sa)  # deleting twice is fine
    assert not store.exists(sa) and store.exists(sb)
    assert "blobs" in store.describe() or "s3://" in store.describe()


def test_a_centre_on_the_s3_store_stores_and_purges_there(
    s3_endpoint: str, s3_credentials: None, tmp_path: Path
) -> None:
    import boto3

    bucket = _bucket(s3_endpoint)
    config = tmp_path / "centre.toml"
    config.write_text("[retention]\nblob_grace_s = 1\n[retention.kinds]\nphoto = 0.00002\n")
    gen = _central_factory(tmp_path)
    make = next(gen)
    try:
        # The fixture's environment carries the AWS variables set above.
        c: Central = make(
            "--blobs", f"s3://{bucket}/hall?endpoint={s3_endpoint}", "--config", str(config),
            "--purge-every", "1",
        )  # fmt: skip
        photo = os.urandom(200_000)
        body = {
            "terminal_id": "T01",
            "kind": "photo.id",
            "created_at": 1.0,
            "record": {},
            "blobs": {"photo.jpg": base64.b64encode(photo).decode()},
        }
        r = requests.post(
            f"{c.url}/v1/submissions",
            json=body,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
        sha = sha256_hex(photo)
        key = f"hall/{sha[:2]}/{sha[2:4]}/{sha}"
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == photo
        assert not list(tmp_path.glob("*-blobs"))  # nothing on the local disk

        def gone() -> bool:
            listed = s3.list_objects_v2(Bucket=bucket, Prefix="hall/")
            return listed.get("KeyCount", 0) == 0

        deadline = time.monotonic() + 30  # the centre's own purge loop, every second
        while time.monotonic() < deadline and not gone():
            time.sleep(0.5)
        assert gone()
        assert c.stats()["purged_blobs"] == 1
    finally:
        with contextlib.suppress(StopIteration):
            next(gen)
