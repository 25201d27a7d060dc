"""Search, tags, Explore, saved posts and profile editing over HTTP: the shapes the web app
uses, bad input refused with nothing written, and the private parts private."""

from __future__ import annotations

import io
import os
from typing import Any

from PIL import Image

from tests.api.conftest import Api, bearer
from tests.api.test_authorization import snapshot
from tests.helpers import drain, unique


def image(size: tuple[int, int], exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    picture = Image.new("RGB", size, (200, 30, 30))
    picture.save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


async def photo(api: Api, user: str, token: str, caption: str) -> dict[str, Any]:
    response = await api.client.post(
        f"/api/users/{user}/photos",
        json={"url": "/static/favicon.svg", "caption": caption},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_search_tags_and_explore(api: Api) -> None:
    ana, ben = unique("ana").lower(), unique("ben").lower()
    ta, tb = await api.sign_up(ana), await api.sign_up(ben)
    api.client.cookies.clear()  # each request says who it is
    await api.client.patch(f"/api/users/{ana}", json={"name": "Anaïs Dupré"}, headers=bearer(ta))
    tag = unique("Tag")
    posted = await photo(api, ana, ta, f"hello #{tag} @{ben}")
    assert posted["tags"] == [tag.lower()] and posted["mentions"] == [ben]
    await drain(api.service)
    found = (await api.client.get("/api/search/users", params={"q": "anais DUP"})).json()
    assert [u["username"] for u in found["items"]] == [ana]
    exact = (await api.client.get("/api/search/users", params={"q": ana.upper()})).json()
    assert exact["items"][0] == {
        "username": ana,
        "name": "Anaïs Dupré",
        "avatarThumbUrl": None,
        "exact": True,
    }
    page = (await api.client.get(f"/api/tags/{tag.upper()}", headers=bearer(tb))).json()
    assert page["tag"] == tag.lower() and page["photoCount"] == 1
    assert [p["photoId"] for p in page["items"]] == [posted["photoId"]]
    assert page["items"][0]["likedByMe"] is False and page["items"][0]["savedByMe"] is False
    explore = (await api.client.get("/api/explore", headers=bearer(tb))).json()
    assert posted["photoId"] in [p["photoId"] for p in explore["items"]]
    bads: list[dict[str, str | int]] = [{"q": ""}, {"q": "x" * 1000}, {"q": "ok", "limit": 0}]
    for bad in bads:
        response = await api.client.get("/api/search/users", params=bad)
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] in ("invalid_request", "invalid_input")
    assert (await api.client.get("/api/search/users", params={"q": "%%%"})).status_code == 422
    assert (await api.client.get(f"/api/tags/{'x' * 500}")).status_code == 422
    assert (await api.client.get("/api/tags/not%20a%20tag")).status_code == 422
    assert (await api.client.get("/api/explore")).status_code == 401


async def test_saved_is_private_and_follows_the_photo(api: Api) -> None:
    ana, ben, cy = (unique(n).lower() for n in ("ana", "ben", "cy"))
    ta, tb, tc = await api.sign_up(ana), await api.sign_up(ben), await api.sign_up(cy)
    api.client.cookies.clear()  # each request says who it is
    posted = await photo(api, ana, ta, "keep me")
    path = f"/api/users/{ana}/photos/{posted['photoId']}/saved"
    for _ in range(2):  # twice is once
        response = await api.client.put(path, headers=bearer(tb))
        assert response.status_code == 200 and response.json() == {"saved": True}
    assert (await api.client.get(path, headers=bearer(tb))).json() == {"saved": True}
    assert (await api.client.get(path, headers=bearer(tc))).json() == {"saved": False}
    mine = (await api.client.get("/api/me/saved", headers=bearer(tb))).json()
    assert [p["photoId"] for p in mine["items"]] == [posted["photoId"]]
    assert mine["items"][0]["savedByMe"] is True
    assert (await api.client.get("/api/me/saved", headers=bearer(tc))).json()["items"] == []
    assert (await api.client.get("/api/me/saved")).status_code == 401
    missing = await api.client.put(f"/api/users/{cy}/photos/01NOSUCH/saved", headers=bearer(tb))
    assert missing.status_code == 404
    # the owner in the path counts: the same photo id under someone else is no such photo
    wrong = f"/api/users/{cy}/photos/{posted['photoId']}/saved"
    assert (await api.client.get(wrong, headers=bearer(tb))).json() == {"saved": False}
    assert (await api.client.put(wrong, headers=bearer(tb))).status_code == 404
    assert (await api.client.delete(wrong, headers=bearer(tb))).status_code == 204
    assert (await api.client.get(path, headers=bearer(tb))).json() == {"saved": True}
    # a deleted photo leaves the list
    await api.client.delete(f"/api/users/{ana}/photos/{posted['photoId']}", headers=bearer(ta))
    assert (await api.client.get("/api/me/saved", headers=bearer(tb))).json()["items"] == []
    await drain(api.service)
    assert (await api.client.get(path, headers=bearer(tb))).json() == {"saved": False}
    # and the feed says what you saved
    again = await photo(api, ana, ta, "again")
    await api.client.put(f"/api/users/{ana}/following/{ana}", headers=bearer(ta))
    await api.client.put(f"/api/users/{ana}/photos/{again['photoId']}/saved", headers=bearer(ta))
    feed = (await api.client.get("/api/feed", headers=bearer(ta))).json()["items"]
    assert feed[0]["savedByMe"] is True and feed[0]["user"]["username"] == ana


async def test_profile_edit_and_bad_input_writes_nothing(api: Api) -> None:
    ana = unique("ana").lower()
    ta = await api.sign_up(ana)
    me = f"/api/users/{ana}"
    ok = await api.client.patch(
        me,
        json={"bio": f"hi @{ana} #life", "website": "example.com/me"},
        headers=bearer(ta),
    )
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["bio"] == f"hi @{ana} #life" and body["website"] == "https://example.com/me"
    before = await snapshot(api)
    for bad in (
        {"bio": "x" * 151},
        {"website": "javascript:alert(1)"},
        {"website": "ftp://example.com"},
        {"website": "https://"},
        {"name": ""},
        {"name": "Ada\u202eevil"},  # a right-to-left override
        {"name": "\u0000"},
        {"bio": "line\u0007bell"},
        {"website": "https://evil.example\u202e"},
        {"website": "https://user:pw@evil.example"},
        {"website": "http://localhost"},
        {"avatarUrl": "https://evil.example/x.jpg"},
    ):
        response = await api.client.patch(me, json=bad, headers=bearer(ta))
        assert response.status_code == 422, (bad, response.text)
    for bad_file in (b"not an image", b"", b"GIF89a" + b"\0" * 20):
        response = await api.client.put(
            f"{me}/avatar", files={"file": ("a.jpg", bad_file, "image/jpeg")}, headers=bearer(ta)
        )
        assert response.status_code == 422, response.text
    assert await snapshot(api) == before
    padded = await api.client.patch(me, json={"bio": " " + "b" * 150 + "\n"}, headers=bearer(ta))
    assert padded.status_code == 200 and padded.json()["bio"] == "b" * 150  # counted trimmed
    cleared = await api.client.patch(me, json={"bio": "", "website": ""}, headers=bearer(ta))
    assert cleared.json()["bio"] is None and cleared.json()["website"] is None


async def test_avatar_is_a_square_exif_free_pair_and_replacing_removes_the_old(
    api: Api,
) -> None:
    ana = unique("ana").lower()
    ta = await api.sign_up(ana)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    first = await api.client.put(
        f"/api/users/{ana}/avatar",
        files={"file": ("a.jpg", image((900, 500), exif), "image/jpeg")},
        headers=bearer(ta),
    )
    assert first.status_code == 200, first.text
    user = first.json()
    big = await api.client.get(user["avatarUrl"])
    small = await api.client.get(user["avatarThumbUrl"])
    big_image, small_image = (
        Image.open(io.BytesIO(big.content)),
        Image.open(io.BytesIO(small.content)),
    )
    assert big_image.size == (320, 320) and small_image.size == (150, 150)
    assert not big_image.getexif() and not small_image.getexif()
    old_files = [api.media_root / k for k in user["avatarKeys"]]
    assert all(f.exists() for f in old_files)
    noise = io.BytesIO()  # a real photo's size (well over the 256 KiB of a JSON body)
    Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3)).save(noise, "PNG")
    assert len(noise.getvalue()) > 1 << 20
    second = await api.client.put(
        f"/api/users/{ana}/avatar",
        files={"file": ("b.png", noise.getvalue(), "image/png")},
        headers=bearer(ta),
    )
    assert second.status_code == 200
    assert not any(f.exists() for f in old_files)
    profile = (await api.client.get(f"/api/users/{ana}")).json()
    assert profile["avatarUrl"] == second.json()["avatarUrl"]
    removed = await api.client.delete(f"/api/users/{ana}/avatar", headers=bearer(ta))
    assert removed.json()["avatarUrl"] is None
    assert not any((api.media_root / k).exists() for k in second.json()["avatarKeys"])


async def test_caption_edit_moves_the_photo_between_tags(api: Api) -> None:
    ana = unique("ana").lower()
    ta = await api.sign_up(ana)
    old, new = unique("old").lower(), unique("new").lower()
    posted = await photo(api, ana, ta, f"#{old}")
    await drain(api.service)
    edited = await api.client.patch(
        f"/api/users/{ana}/photos/{posted['photoId']}",
        json={"caption": f"now #{new}"},
        headers=bearer(ta),
    )
    assert edited.status_code == 200 and edited.json()["tags"] == [new]
    untouched = await api.client.patch(
        f"/api/users/{ana}/photos/{posted['photoId']}", json={}, headers=bearer(ta)
    )
    assert untouched.status_code == 200 and untouched.json()["caption"] == f"now #{new}"
    await drain(api.service)
    assert (await api.client.get(f"/api/tags/{old}")).json()["photoCount"] == 0
    assert (await api.client.get(f"/api/tags/{new}")).json()["photoCount"] == 1


async def test_captions_and_comments_refuse_what_names_and_bios_refuse(api: Api) -> None:
    """Control and direction-changing characters ("evil\u202etxt.exe" shows as
    "evilexe.txt") are refused in captions and comments too, kept in neither."""
    ann = unique("ann").lower()
    token = await api.sign_up(ann)
    photos = f"/api/users/{ann}/photos"
    made = await api.client.post(
        photos, json={"url": "/static/favicon.svg", "caption": "fine\nlines"}, headers=bearer(token)
    )
    assert made.status_code == 201, made.text
    photo = f"{photos}/{made.json()['photoId']}"
    before = await snapshot(api)
    for bad in ("hi\x00there", "evil\u202etxt.exe", "bell\u0007"):
        for method, path, body in (
            ("POST", photos, {"url": "/static/favicon.svg", "caption": bad}),
            ("PATCH", photo, {"caption": bad}),
            ("POST", f"{photo}/comments", {"content": bad}),
        ):
            refused = await api.client.request(method, path, json=body, headers=bearer(token))
            assert refused.status_code == 422, (method, path, bad, refused.text)
            assert "control or direction-changing" in refused.json()["error"]["message"]
    assert await snapshot(api) == before
