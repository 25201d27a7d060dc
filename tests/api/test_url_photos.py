"""A photo "from a URL" is fetched once by the server and served from the app: viewers'
browsers never call the other site; private, loopback and link-local addresses are refused
unless named in a setting (as the stand-in image server of these tests is); redirects, huge
files and non-images are refused with a clear 422 and leave nothing behind."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from instaclone.data import Connection
from tests.api.conftest import Api, bearer, make_api
from tests.api.test_media import image_bytes
from tests.helpers import unique

JPEG = image_bytes((800, 600))


class Images(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Images.hits.append(self.path)
        if self.path == "/photo.jpg":
            self._send(200, JPEG, "image/jpeg")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif self.path == "/big":
            self._send(200, b"\xff" * (2 * 1024 * 1024), "image/jpeg")
        elif self.path == "/text":
            self._send(200, b"<html>not an image</html>", "text/html")
        else:
            self._send(404, b"", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def images() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Images)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
async def fetching(connection: Connection, tmp_path: Path, images: str) -> AsyncIterator[Api]:
    made = await make_api(connection, tmp_path, fetch_hosts=images)
    made.client._transport.app.state.max_upload = 1024 * 1024  # type: ignore[attr-defined]
    async with made.client:
        yield made


@pytest.fixture
async def public_only(connection: Connection, tmp_path: Path) -> AsyncIterator[Api]:
    made = await make_api(connection, tmp_path, fetch_hosts=None)
    async with made.client:
        yield made


async def post(api: Api, user: str, token: str, url: str) -> object:
    return await api.client.post(
        f"/api/users/{user}/photos", json={"url": url, "caption": "fetched"}, headers=bearer(token)
    )


async def test_a_url_photo_is_fetched_once_and_served_from_here(fetching: Api, images: str) -> None:
    user = unique("u").lower()
    token = await fetching.sign_up(user)
    Images.hits.clear()
    made = await post(fetching, user, token, f"http://{images}/photo.jpg")
    assert made.status_code == 201, made.text  # type: ignore[attr-defined]
    photo = made.json()  # type: ignore[attr-defined]
    assert photo["url"].startswith("/media/photos/") and photo["thumbnailUrl"].endswith("_320.jpg")
    assert images not in photo["url"]
    for _ in range(3):  # viewers load it from the app, not from the other site
        assert (await fetching.client.get(photo["url"])).status_code == 200
    assert Images.hits == ["/photo.jpg"]


async def test_redirects_huge_files_and_non_images_are_refused(fetching: Api, images: str) -> None:
    user = unique("u").lower()
    token = await fetching.sign_up(user)
    for path, words in (("/redirect", "redirects"), ("/big", "larger"), ("/missing", "404")):
        refused = await post(fetching, user, token, f"http://{images}{path}")
        assert refused.status_code == 422, path  # type: ignore[attr-defined]
        assert words in refused.json()["error"]["message"]  # type: ignore[attr-defined]
    not_image = await post(fetching, user, token, f"http://{images}/text")
    assert not_image.status_code == 422  # type: ignore[attr-defined]
    elsewhere = await post(fetching, user, token, "http://other.invalid/x.jpg")
    assert elsewhere.status_code == 422  # type: ignore[attr-defined]
    assert not [p for p in fetching.media_root.rglob("*") if p.is_file()]
    photos = await fetching.client.get(f"/api/users/{user}/photos")
    assert photos.json()["items"] == []


async def test_private_and_local_addresses_are_never_fetched(public_only: Api, images: str) -> None:
    user = unique("u").lower()
    token = await public_only.sign_up(user)
    Images.hits.clear()
    for url in (
        f"http://{images}/photo.jpg",
        "http://localhost/x.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x.jpg",
        "http://10.0.0.1/x.jpg",
        "http://0.0.0.0/x.jpg",
        "ftp://example.invalid/x.jpg",
    ):
        refused = await post(public_only, user, token, url)
        assert refused.status_code == 422, url  # type: ignore[attr-defined]
    assert Images.hits == []  # not even one request reached the machine's own server
