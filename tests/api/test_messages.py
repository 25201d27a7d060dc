"""Direct messages over HTTP: send (a retry answers the same message), list, page, read,
requests; and the authorization matrix: nobody gets 401, a third person 403 everywhere, and
nothing changes."""

from __future__ import annotations

from tests.api.conftest import Api, bearer
from tests.api.test_authorization import snapshot
from tests.helpers import unique


async def test_send_list_read_and_only_the_two(api: Api) -> None:
    ann, ben, eve = (unique(n).lower() for n in ("ann", "ben", "eve"))
    ta, tb, te = await api.sign_up(ann), await api.sign_up(ben), await api.sign_up(eve)
    api.client.cookies.clear()
    body = {"text": "hi ben", "clientId": "m-1"}
    first = await api.client.post(f"/api/users/{ben}/messages", json=body, headers=bearer(ta))
    again = await api.client.post(f"/api/users/{ben}/messages", json=body, headers=bearer(ta))
    assert first.status_code == 201 and first.json()["messageId"] == again.json()["messageId"]
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
