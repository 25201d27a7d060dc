"""Every write, as nobody and as the wrong user: none may succeed, and nothing may change."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.api.conftest import Api, bearer
from tests.helpers import unique


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG")
    return out.getvalue()


async def snapshot(api: Api) -> list[Any]:
    items = [i.item async for i in api.service.table.scan_items() if i.entity != "Session"]
    return sorted(repr(i) for i in items)


async def test_authorization_matrix(api: Api) -> None:
    alice, bob, carol, dave, mallory = (unique(n).lower() for n in ("a", "b", "c", "d", "m"))
    tokens = {u: await api.sign_up(u) for u in (alice, bob, carol, dave, mallory)}
    api.client.cookies.clear()  # "nobody" must really be nobody: no session cookie either
    a, b = bearer(tokens[alice]), bearer(tokens[bob])
    photo = (
        await api.client.post(
            f"/api/users/{alice}/photos", json={"url": "/static/favicon.svg"}, headers=a
        )
    ).json()["photoId"]
    comment = (
        await api.client.post(
            f"/api/users/{alice}/photos/{photo}/comments", json={"content": "bob's"}, headers=b
        )
    ).json()["commentId"]
    assert (
        await api.client.put(f"/api/users/{alice}/photos/{photo}/likes/{bob}", headers=b)
    ).status_code == 201
    assert (
        await api.client.put(f"/api/users/{alice}/following/{carol}", headers=a)
    ).status_code == 201
    story = (
        await api.client.post(
            f"/api/users/{alice}/stories",
            json={"frames": [{"url": "https://x.example/s.jpg"}]},
            headers=a,
        )
    ).json()["storyId"]
    photo_path = f"/api/users/{alice}/photos/{photo}"
    upload = {"files": {"file": ("p.jpg", jpeg(), "image/jpeg")}}
    story_upload = {"files": {"files": ("s.jpg", jpeg(), "image/jpeg")}}

    # (method, path, request options, may a *different* signed-in user do it?)
    writes: list[tuple[str, str, dict[str, Any], bool]] = [
        ("PATCH", f"/api/users/{alice}", {"json": {"name": "Hacked"}}, False),
        (
            "POST",
            f"/api/users/{alice}/photos",
            {"json": {"url": "https://evil.example/x.jpg"}},
            False,
        ),
        ("POST", f"/api/users/{alice}/photos/upload", upload, False),
        ("DELETE", photo_path, {}, False),
        ("PATCH", photo_path, {"json": {"caption": "#hacked"}}, False),
        ("PUT", f"/api/users/{alice}/avatar", upload, False),
        ("DELETE", f"/api/users/{alice}/avatar", {}, False),
        ("PUT", f"{photo_path}/saved", {}, True),  # saves it for oneself: tested apart
        ("DELETE", f"{photo_path}/saved", {}, True),
        ("PUT", f"{photo_path}/likes/{alice}", {}, False),
        ("PUT", f"{photo_path}/likes/{bob}", {}, False),
        ("DELETE", f"{photo_path}/likes/{bob}", {}, False),
        ("POST", f"{photo_path}/comments", {"json": {"content": "hi"}}, True),
        ("PATCH", f"{photo_path}/comments/{comment}", {"json": {"content": "edited"}}, False),
        ("DELETE", f"{photo_path}/comments/{comment}", {}, False),
        ("PUT", f"/api/users/{alice}/following/{dave}", {}, False),
        ("DELETE", f"/api/users/{alice}/following/{carol}", {}, False),
        (
            "POST",
            f"/api/users/{alice}/stories",
            {"json": {"frames": [{"url": "https://x.example/f.jpg"}]}},
            False,
        ),
        ("POST", f"/api/users/{alice}/stories/upload", story_upload, False),
        ("POST", f"/api/users/{alice}/stories/{story}/views", {}, True),
        ("DELETE", "/api/sessions/current", {}, True),
        # one's own sessions and password: only ever one's own (tested in test_sessions.py)
        ("DELETE", "/api/me/sessions", {}, True),
        ("DELETE", "/api/me/sessions/01ANYSESSION", {}, True),
        (
            "PUT",
            "/api/me/password",
            {"json": {"currentPassword": "x" * 8, "newPassword": "y" * 8}},
            True,
        ),
    ]
    before = await snapshot(api)
    succeeded: list[str] = []
    for method, path, options, others_may in writes:
        anonymous = await api.client.request(method, path, **options)
        if anonymous.status_code != 401:
            succeeded.append(f"nobody {method} {path}: {anonymous.status_code}")
        if others_may:
            continue
        wrong = await api.client.request(method, path, headers=bearer(tokens[mallory]), **options)
        if wrong.status_code < 400:
            succeeded.append(f"{mallory} {method} {path}: {wrong.status_code}")
        else:
            assert wrong.status_code == 403, (method, path, wrong.text)
            assert wrong.json()["error"]["code"] == "forbidden"
    assert succeeded == []
    assert await snapshot(api) == before
    for private in ("/api/me/saved", "/api/explore", f"{photo_path}/saved"):
        assert (await api.client.get(private)).status_code == 401, private

    # the photo's owner may delete bob's comment, but not edit it
    edit = await api.client.patch(
        f"{photo_path}/comments/{comment}", json={"content": "x"}, headers=a
    )
    assert edit.status_code == 403
    gone = await api.client.delete(f"{photo_path}/comments/{comment}", headers=a)
    assert gone.status_code == 204
