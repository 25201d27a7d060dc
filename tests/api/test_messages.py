"""Direct messages over HTTP: send (a retry answers the same message), list, page, read,
requests; and the authorization matrix: nobody gets 401, a third person 403 everywhere, and
nothing changes."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.api.conftest import Api, bearer
from tests.api.test_authorization import snapshot
from tests.api.test_media import image_bytes
from tests.helpers import unique


async def test_send_list_read_and_only_the_two(api: Api) -> None:
    ann, ben, eve = (unique(n).lower() for n in ("ann", "ben", "eve"))
    ta, tb, te = await api.sign_up(ann), await api.sign_up(ben), await api.sign_up(eve)
    api.client.cookies.clear()
    body = {"text": "hi ben", "clientId": "m-1"}
    first = await api.client.post(f"/api/users/{ben}/messages", json=body, headers=bearer(ta))
    again = await api.client.post(f"/api/users/{ben}/messages", json=body, headers=bearer(ta))
    assert first.status_code == 201 and first.json()["messageId"] == again.json()["messageId"]
    assert first.json()["createdAt"] and first.json()["createdAt"] == again.json()["createdAt"]
    cid = ":".join(sorted((ann, ben)))
    requests = await api.client.get("/api/me/conversations?folder=requests", headers=bearer(tb))
    assert [(c["other"], c["unread"]) for c in requests.json()["items"]] == [(ann, 1)]
    unread = await api.client.get("/api/me/direct/unread", headers=bearer(tb))
    assert unread.json() == {"unread": 0, "requests": 1}
    assert (
        await api.client.post(f"/api/conversations/{cid}/accept", headers=bearer(tb))
    ).status_code == 204
    assert (await api.client.get("/api/me/direct/unread", headers=bearer(tb))).json() == {
        "unread": 1,
        "requests": 0,
    }
    page = await api.client.get(f"/api/conversations/{cid}/messages", headers=bearer(tb))
    assert [m["text"] for m in page.json()["items"]] == ["hi ben"]
    assert (
        await api.client.post(f"/api/conversations/{cid}/read", headers=bearer(tb))
    ).status_code == 204
    assert (await api.client.get("/api/me/direct/unread", headers=bearer(tb))).json()["unread"] == 0

    before = await snapshot(api)
    reads = [f"/api/conversations/{cid}/messages"]
    writes = [f"/api/conversations/{cid}/{action}" for action in ("read", "accept", "decline")]
    for path in reads:
        assert (await api.client.get(path)).status_code == 401
        refused = await api.client.get(path, headers=bearer(te))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    for path in writes:
        assert (await api.client.post(path)).status_code == 401
        assert (await api.client.post(path, headers=bearer(te))).status_code == 403
    assert (await api.client.post(f"/api/users/{ben}/messages", json=body)).status_code == 401
    assert await snapshot(api) == before
    listed = await api.client.get("/api/me/conversations", headers=bearer(te))
    assert listed.json()["items"] == []
    for bad in (
        {"text": "", "clientId": "x"},
        {"text": "x" * 1001, "clientId": "x"},
        {"text": "x", "clientId": "no spaces"},
    ):
        assert (
            await api.client.post(f"/api/users/{ben}/messages", json=bad, headers=bearer(ta))
        ).status_code == 422
    assert (
        await api.client.post(f"/api/users/{ann}/messages", json=body, headers=bearer(ta))
    ).status_code == 422
    missing = await api.client.post(
        "/api/users/nobody_here/messages", json=body, headers=bearer(ta)
    )
    assert missing.status_code == 404


async def test_a_photo_message_is_rendered_and_a_retry_keeps_one_copy(api: Api) -> None:
    ann, ben, eve = (unique(n).lower() for n in ("ann", "ben", "eve"))
    ta, tb, te = await api.sign_up(ann), await api.sign_up(ben), await api.sign_up(eve)
    api.client.cookies.clear()
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"

    async def send(token: str, data: bytes, client_id: str = "p-1") -> Any:
        return await api.client.post(
            f"/api/users/{ben}/messages/photo",
            files={"file": ("p.jpg", data, "image/jpeg")},
            data={"clientId": client_id, "text": "look"},
            headers=bearer(token),
        )

    first = await send(ta, image_bytes((1600, 1200), exif=exif))
    assert first.status_code == 201, first.text
    message = first.json()
    assert message["text"] == "look" and message["photoUrl"].startswith("/media/messages/")
    shown = Image.open(io.BytesIO((await api.client.get(message["photoUrl"])).content))
    assert shown.size == (1080, 810) and not shown.getexif()
    assert (await api.client.get(message["photoThumbUrl"])).status_code == 200
    files = sorted(api.media_root.rglob("*.jpg"))
    assert len(files) == 2

    # the sender's connection dropped before the answer: the retry is the same message,
    # and its second upload is not kept
    again = await send(ta, image_bytes((1600, 1200)))
    assert again.status_code == 201 and again.json()["messageId"] == message["messageId"]
    assert sorted(api.media_root.rglob("*.jpg")) == files
    cid = ":".join(sorted((ann, ben)))
    page = await api.client.get(f"/api/conversations/{cid}/messages", headers=bearer(tb))
    assert [m["messageId"] for m in page.json()["items"]] == [message["messageId"]]

    # not an image, nobody signed in: refused, nothing stored, nothing sent
    bad = await send(ta, b"not an image at all", "p-2")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_image"
    assert (await send("", image_bytes((10, 10)), "p-3")).status_code == 401
    # to nobody: the files are stored before the message is refused, then deleted again
    nobody = await api.client.post(
        f"/api/users/{unique('nobody').lower()}/messages/photo",
        files={"file": ("p.jpg", image_bytes((200, 200)), "image/jpeg")},
        data={"clientId": "p-5"},
        headers=bearer(ta),
    )
    assert nobody.status_code == 404, nobody.text
    assert sorted(api.media_root.rglob("*.jpg")) == files
    # a third person can send their own message, never see this conversation
    assert (await send(te, image_bytes((10, 10)), "p-4")).status_code == 201
    refused = await api.client.get(f"/api/conversations/{cid}/messages", headers=bearer(te))
    assert refused.status_code == 403


async def test_direction_overrides_and_invisible_text_are_refused(api: Api) -> None:
    ann, ben = (unique(n).lower() for n in ("ann", "ben"))
    ta = await api.sign_up(ann)
    await api.sign_up(ben)
    api.client.cookies.clear()
    send = f"/api/users/{ben}/messages"
    for text in ("\u202egnp.exe", "nul\x00here", "\u200b\u200b", " \u2060 "):
        refused = await api.client.post(
            send, json={"text": text, "clientId": "bad"}, headers=bearer(ta)
        )
        assert refused.status_code == 422, text
    fine = await api.client.post(
        send, json={"text": "two\r\nlines\tand a tab", "clientId": "ok"}, headers=bearer(ta)
    )
    assert fine.status_code == 201 and fine.json()["text"] == "two\nlines\tand a tab"
    cid = ":".join(sorted((ann, ben)))
    page = await api.client.get(f"/api/conversations/{cid}/messages", headers=bearer(ta))
    assert [m["clientId"] for m in page.json()["items"]] == ["ok"]  # nothing else was stored
