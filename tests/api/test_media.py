"""Photo and story uploads: content checks, EXIF, renditions, storage, clean-up."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.api.conftest import Api, bearer
from tests.helpers import unique


def image_bytes(size: tuple[int, int], fmt: str = "JPEG", exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, fmt, **({"exif": exif} if exif else {}))
    return out.getvalue()


async def upload(api: Api, user: str, token: str, data: bytes, name: str = "p.jpg") -> object:
    return await api.client.post(
        f"/api/users/{user}/photos/upload",
        files={"file": (name, data, "image/jpeg")},
        data={"caption": "uploaded"},
        headers=bearer(token),
    )


async def test_upload_makes_upright_exif_free_renditions(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display
    exif[0x010F] = "SpyCam"  # camera make; GPS would sit here too
    response = await upload(api, user, token, image_bytes((2400, 1600), exif=exif))
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    photo = response.json()  # type: ignore[attr-defined]
    assert photo["caption"] == "uploaded" and photo["url"].startswith("/media/photos/")
    large = await api.client.get(photo["url"])
    small = await api.client.get(photo["thumbnailUrl"])
    assert large.status_code == 200 and large.headers["content-type"] == "image/jpeg"
    big, thumb = Image.open(io.BytesIO(large.content)), Image.open(io.BytesIO(small.content))
    assert big.size == (720, 1080)  # turned upright (portrait), longest edge 1080
    assert max(thumb.size) == 320 and thumb.size[1] > thumb.size[0]
    assert not big.getexif() and not thumb.getexif()  # no EXIF at all, orientation included

    # deleting the photo removes its files too
    deleted = await api.client.delete(
        f"/api/users/{user}/photos/{photo['photoId']}", headers=bearer(token)
    )
    assert deleted.status_code == 204
    assert (await api.client.get(photo["url"])).status_code == 404
    assert list(api.media_root.rglob("*.jpg")) == []


async def test_png_and_webp_are_accepted_others_refused(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    for fmt in ("PNG", "WEBP"):
        ok = await upload(api, user, token, image_bytes((50, 40), fmt), "x.bin")
        assert ok.status_code == 201, ok.text  # type: ignore[attr-defined]
    for data in (
        b"<?php echo 'not an image'; ?>",
        image_bytes((40, 30), "GIF"),
        image_bytes((400, 300))[:200],  # truncated JPEG
    ):
        bad = await upload(api, user, token, data)
        assert bad.status_code == 422, bad.text  # type: ignore[attr-defined]
        assert bad.json()["error"]["code"] == "invalid_image"  # type: ignore[attr-defined]
    empty = await upload(api, user, token, b"")
    assert empty.status_code == 422  # type: ignore[attr-defined]


async def test_decompression_bomb_is_refused_before_decoding(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # 144 Mpx in a few hundred KB
    assert len(out.getvalue()) < 1_000_000
    bomb = await upload(api, user, token, out.getvalue(), "bomb.png")
    assert bomb.status_code == 422  # type: ignore[attr-defined]
    assert "pixels" in bomb.json()["error"]["message"]  # type: ignore[attr-defined]


async def test_upload_size_is_limited(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    api.client._transport.app.state.max_upload = 50_000  # type: ignore[attr-defined]
    big = await upload(api, user, token, b"\xff\xd8" + b"0" * 60_000)
    assert big.status_code == 413  # type: ignore[attr-defined]
    assert big.json()["error"]["code"] == "too_large"  # type: ignore[attr-defined]
    photos = await api.client.get(f"/api/users/{user}/photos")
    assert photos.json()["items"] == []


async def test_story_frames_can_be_uploaded_images(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    response = await api.client.post(
        f"/api/users/{user}/stories/upload",
        files=[
            ("files", ("a.jpg", image_bytes((300, 200)), "image/jpeg")),
            ("files", ("b.png", image_bytes((200, 300), "PNG"), "image/png")),
        ],
        data={"duration": "2.5", "city": "Montevideo"},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    story = response.json()
    assert [f["mediaType"] for f in story["frames"]] == ["image", "image"]
    assert story["frames"][0]["duration"] == 2.5  # a JSON number, not a string
    assert story["location"]["city"] == "Montevideo"
    frame = await api.client.get(story["frames"][1]["url"])
    assert frame.status_code == 200 and Image.open(io.BytesIO(frame.content)).size == (200, 300)


async def test_numbers_are_json_numbers(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    await api.client.post(
        f"/api/users/{user}/photos", json={"url": "/static/favicon.svg"}, headers=bearer(token)
    )
    profile = (await api.client.get(f"/api/users/{user}")).json()
    assert profile["photoCount"] == 1 and isinstance(profile["followerCount"], int)


async def test_feed_items_say_whether_i_liked_them(api: Api) -> None:
    author, reader = unique("a").lower(), unique("r").lower()
    ta, tr = await api.sign_up(author), await api.sign_up(reader)
    await api.client.put(f"/api/users/{reader}/following/{author}", headers=bearer(tr))
    ids = []
    for i in range(2):
        r = await api.client.post(
            f"/api/users/{author}/photos",
            json={"url": "/static/favicon.svg", "caption": f"photo {i}"},
            headers=bearer(ta),
        )
        ids.append(r.json()["photoId"])
    await api.client.put(f"/api/users/{author}/photos/{ids[0]}/likes/{reader}", headers=bearer(tr))
    feed = (await api.client.get("/api/feed", headers=bearer(tr))).json()
    assert {p["photoId"]: p["likedByMe"] for p in feed["items"]} == {ids[0]: True, ids[1]: False}


async def test_a_full_disk_answers_507_and_leaves_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    user = unique("u").lower()
    token = await api.sign_up(user)

    def no_room(fd: int) -> None:  # the disk fills while the file is being written
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_room)
    response = await upload(api, user, token, image_bytes((300, 200)))
    assert response.status_code == 507  # type: ignore[attr-defined]
    assert response.json()["error"]["code"] == "storage_full"  # type: ignore[attr-defined]
    assert [p for p in api.media_root.rglob("*") if p.is_file()] == []  # no .part, no file
    photos = await api.client.get(f"/api/users/{user}/photos")
    assert photos.json()["items"] == []
    monkeypatch.undo()
    assert (await upload(api, user, token, image_bytes((300, 200)))).status_code == 201  # type: ignore[attr-defined]
