"""Bodies are limited while they stream, before sign-in is checked for anything else, and an
upload is refused before its body is read when the request is not signed in (issue: four
250 MiB JSON bodies took the server to 2.45 GB; a 1 GiB unauthenticated upload was written
to disk whole before the 401)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tests.api.conftest import Api, bearer
from tests.helpers import unique

MIB = 1 << 20


class Feeder:
    """A request body sent in chunks, counting how much of it the server pulled."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.sent = total, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            self.sent += self.chunk
            yield b"x" * self.chunk


async def test_a_declared_huge_body_gets_413_before_it_is_read(api: Api) -> None:
    body = Feeder(250 * MIB)
    response = await api.client.post(
        "/api/sessions",
        content=body.__aiter__(),
        headers={"Content-Length": str(250 * MIB), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert body.sent <= 64 * 1024  # at most the first chunk was pulled


async def test_a_body_growing_past_the_limit_is_cut_off(api: Api) -> None:
    body = Feeder(50 * MIB)  # chunked: no Content-Length to trust
    response = await api.client.post(
        "/api/sessions", content=body.__aiter__(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert body.sent < 1 * MIB


async def test_an_upload_without_a_session_is_refused_unread(api: Api) -> None:
    user = unique("u").lower()
    await api.sign_up(user)  # leaves a session cookie in the client: signed in, but no CSRF
    for headers, status in (({}, 403), ({"Cookie": ""}, 401), (bearer("not-a-token"), 401)):
        if status == 401:
            api.client.cookies.clear()
        body = Feeder(1024 * MIB)
        response = await api.client.post(
            f"/api/users/{user}/photos/upload",
            content=body.__aiter__(),
            headers={"Content-Type": "multipart/form-data; boundary=xyz", **headers},
        )
        assert response.status_code == status, response.text
        assert body.sent <= 64 * 1024
    assert not list(api.media_root.rglob("*"))


async def test_an_upload_larger_than_allowed_is_413_when_declared(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    body = Feeder(64 * MIB)
    response = await api.client.post(
        f"/api/users/{user}/photos/upload",
        content=body.__aiter__(),
        headers={
            "Content-Type": "multipart/form-data; boundary=xyz",
            "Content-Length": str(64 * MIB),
            **bearer(token),
        },
    )
    assert response.status_code == 413
    assert body.sent <= 64 * 1024


async def test_ordinary_requests_pass(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    made = await api.client.post(
        f"/api/users/{user}/photos",
        json={"url": "/static/favicon.svg", "caption": "é" * 2200},
        headers=bearer(token),
    )
    assert made.status_code == 201, made.text


async def test_story_fields_are_bounded_with_a_clear_422(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    url = f"/api/users/{user}/stories"
    huge = {"frames": [{"url": "/a.jpg", "mediaType": "x" * 300_000}] * 20}
    assert (await api.client.post(url, json=huge, headers=bearer(token))).status_code == 413
    for media_type in ("x" * 41, "<script>", "image video"):
        odd = {"frames": [{"url": "/a.jpg", "mediaType": media_type}]}
        refused = await api.client.post(url, json=odd, headers=bearer(token))
        assert refused.status_code == 422, media_type
        assert "mediaType" in refused.json()["error"]["message"]
    fine = {"frames": [{"url": "/a.jpg", "mediaType": "image/jpeg"}] * 20}
    assert (await api.client.post(url, json=fine, headers=bearer(token))).status_code == 201
    stories = await api.client.get(url, headers=bearer(token))
    assert len(stories.json()["items"]) == 1


async def test_an_upload_to_someone_elses_path_is_refused_unread(api: Api) -> None:
    alice, mallory = unique("a").lower(), unique("m").lower()
    await api.sign_up(alice)
    token = await api.sign_up(mallory)
    body = Feeder(150 * MIB)
    response = await api.client.post(
        f"/api/users/{alice}/stories/upload",
        content=body.__aiter__(),
        headers={"Content-Type": "multipart/form-data; boundary=xyz", **bearer(token)},
    )
    assert response.status_code == 403
    assert body.sent <= 64 * 1024
