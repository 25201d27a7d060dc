"""The S3 media store against an S3 server the test starts itself (moto's, on a free port):
the app's own store, made from its settings as in production (the bucket named by
INSTACLONE_MEDIA_BUCKET, the endpoint by the standard AWS_ENDPOINT_URL_S3). Uploads land as
their renditions under URLs of the public address (CloudFront's; the bucket itself refuses
anonymous reads); a new profile picture's files too; a deleted photo takes its files; a
bucket that fails in the middle of an upload, or a photo that cannot be written after its
files were, leaves nothing behind."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from instaclone.api.app import media_store
from instaclone.data import Connection
from instaclone.engine.local import free_port
from tests.api.conftest import Api, bearer, fast_settings, make_api
from tests.api.test_media import image_bytes
from tests.helpers import unique

BUCKET = "instaclone-media-test"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ENDPOINT_URL_S3": s3_server,
        "AWS_ACCESS_KEY_ID": "tests",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    name = unique(BUCKET).lower().replace("_", "-")
    client.create_bucket(Bucket=name)
    yield client, name


@pytest.fixture
async def s3_api(
    connection: Connection, tmp_path: Path, bucket: Any, s3_server: str
) -> AsyncIterator[tuple[Api, Any, str]]:
    client, name = bucket
    settings = fast_settings(tmp_path, media_bucket=name, media_public_url=f"{s3_server}/{name}")
    store = media_store(settings)  # exactly as the app makes it
    made = await make_api(connection, tmp_path)
    made.client._transport.app.state.media = store  # type: ignore[attr-defined]
    yield made, client, name
    await made.client.aclose()


def keys(client: Any, name: str) -> list[str]:
    listed = client.list_objects_v2(Bucket=name)
    return sorted(o["Key"] for o in listed.get("Contents", []))


async def upload(api: Api, user: str, token: str, data: bytes) -> httpx.Response:
    return await api.client.post(
        f"/api/users/{user}/photos/upload",
        files={"file": ("p.jpg", data, "image/jpeg")},
        data={"caption": "to s3"},
        headers=bearer(token),
    )


async def test_uploads_land_in_the_bucket_are_served_and_go_with_the_photo(
    s3_api: tuple[Api, Any, str], s3_server: str
) -> None:
    api, client, name = s3_api
    user = unique("s3").lower()
    token = await api.sign_up(user)
    response = await upload(api, user, token, image_bytes((1600, 1200)))
    assert response.status_code == 201, response.text
    photo = response.json()
    assert keys(client, name) == [
        f"photos/{user}/{photo['photoId']}.jpg",
        f"photos/{user}/{photo['photoId']}_320.jpg",
    ]
    assert photo["url"] == f"{s3_server}/{name}/photos/{user}/{photo['photoId']}.jpg"
    # The bucket is private: nobody reads it directly (CloudFront does, as the template sets
    # it up); what it holds are the renditions, with their type and a year's cache.
    async with httpx.AsyncClient() as web:
        assert (await web.get(photo["url"])).status_code == 403
    base = f"photos/{user}/{photo['photoId']}"
    large = client.get_object(Bucket=name, Key=f"{base}.jpg")
    small = client.get_object(Bucket=name, Key=f"{base}_320.jpg")
    assert large["ContentType"] == "image/jpeg" and "immutable" in large["CacheControl"]
    assert Image.open(io.BytesIO(large["Body"].read())).size == (1080, 810)
    assert max(Image.open(io.BytesIO(small["Body"].read())).size) == 320

    avatar = await api.client.put(
        f"/api/users/{user}/avatar",
        files={"file": ("a.png", image_bytes((400, 300), "PNG"), "image/png")},
        headers=bearer(token),
    )
    assert avatar.status_code == 200
    assert len([k for k in keys(client, name) if k.startswith(f"avatars/{user}/")]) == 2

    deleted = await api.client.delete(
        f"/api/users/{user}/photos/{photo['photoId']}", headers=bearer(token)
    )
    assert deleted.status_code == 204
    assert [k for k in keys(client, name) if k.startswith("photos/")] == []


async def test_a_bucket_failing_mid_upload_leaves_nothing_behind(
    s3_api: tuple[Api, Any, str],
) -> None:
    api, client, name = s3_api
    user = unique("s3").lower()
    token = await api.sign_up(user)
    store = api.client._transport.app.state.media  # type: ignore[attr-defined]
    puts = 0

    def second_put_fails(**_: Any) -> None:
        nonlocal puts
        puts += 1
        if puts == 2:  # the first file is stored; the bucket fails on the second
            from botocore.exceptions import EndpointConnectionError

            raise EndpointConnectionError(endpoint_url="http://bucket")

    store.client.meta.events.register("before-call.s3.PutObject", second_put_fails)
    try:
        failed = await upload(api, user, token, image_bytes((800, 600)))
    finally:
        store.client.meta.events.unregister("before-call.s3.PutObject", second_put_fails)
    assert failed.status_code == 503
    assert failed.json()["error"]["code"] == "storage_unavailable"
    assert keys(client, name) == []  # the first file was deleted again
    listed = await api.client.get(f"/api/users/{user}/photos", headers=bearer(token))
    assert listed.json()["items"] == []  # and no photo points at missing files


async def test_a_photo_that_cannot_be_written_takes_its_files_back(
    s3_api: tuple[Api, Any, str],
) -> None:
    api, client, name = s3_api
    user = unique("s3").lower()
    token = await api.sign_up(user)
    # The files are stored first, then the photo; its caption is refused only then.
    response = await api.client.post(
        f"/api/users/{user}/photos/upload",
        files={"file": ("p.jpg", image_bytes((800, 600)), "image/jpeg")},
        data={"caption": " ".join(f"#tag{i}" for i in range(31))},
        headers=bearer(token),
    )
    assert response.status_code == 422
    assert keys(client, name) == []
