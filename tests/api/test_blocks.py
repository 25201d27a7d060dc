"""Blocking over HTTP: only you see and change your list; a blocked person's follow and
message are refused with a clear 403 that leaves nothing behind; bad names are 404/422."""

from __future__ import annotations

from tests.api.conftest import Api, bearer
from tests.api.test_authorization import snapshot
from tests.helpers import unique


async def test_block_refuses_follows_and_messages_and_is_yours_alone(api: Api) -> None:
    ann, ben, eve = (unique(n).lower() for n in ("ann", "ben", "eve"))
    ta, tb, te = await api.sign_up(ann), await api.sign_up(ben), await api.sign_up(eve)
    api.client.cookies.clear()
    a, b, e = bearer(ta), bearer(tb), bearer(te)

    blocked = await api.client.put(f"/api/me/blocked/{ben}", headers=a)
    assert blocked.status_code == 200 and blocked.json() == {"blocked": True}
    again = await api.client.put(f"/api/me/blocked/{ben.upper()}", headers=a)
    assert again.status_code == 200  # twice (and in capitals) is one block
    listed = await api.client.get("/api/me/blocked", headers=a)
    assert [u["username"] for u in listed.json()["items"]] == [ben]
    assert (await api.client.get(f"/api/me/blocked/{ben}", headers=a)).json() == {"blocked": True}
    # ... and nobody else's business: Ben and Eve see their own (empty) lists
    assert (await api.client.get("/api/me/blocked", headers=b)).json()["items"] == []
    assert (await api.client.get(f"/api/me/blocked/{ben}", headers=e)).json() == {"blocked": False}

    before = await snapshot(api)
    follow = await api.client.put(f"/api/users/{ben}/following/{ann}", headers=b)
    assert follow.status_code == 403 and follow.json()["error"]["code"] == "forbidden"
    assert f"you can't follow '{ann}'" in follow.json()["error"]["message"]
    follow_back = await api.client.put(f"/api/users/{ann}/following/{ben}", headers=a)
    assert follow_back.status_code == 403
    assert "unblock them first" in follow_back.json()["error"]["message"]
    message = {"text": "hi", "clientId": "m-1"}
    sent = await api.client.post(f"/api/users/{ann}/messages", json=message, headers=b)
    assert sent.status_code == 403 and "message" in sent.json()["error"]["message"]
    sent = await api.client.post(f"/api/users/{ben}/messages", json=message, headers=a)
    assert sent.status_code == 403
    assert await snapshot(api) == before  # refused, and nothing written

    # Eve is not blocked: she follows and writes as before
    assert (await api.client.put(f"/api/users/{eve}/following/{ann}", headers=e)).status_code == 201

    assert (await api.client.delete(f"/api/me/blocked/{ben}", headers=a)).status_code == 204
    assert (await api.client.delete(f"/api/me/blocked/{ben}", headers=a)).status_code == 204
    assert (await api.client.get("/api/me/blocked", headers=a)).json()["items"] == []
    assert (await api.client.put(f"/api/users/{ben}/following/{ann}", headers=b)).status_code == 201


async def test_what_cannot_be_blocked(api: Api) -> None:
    ann = unique("ann").lower()
    a = bearer(await api.sign_up(ann))
    api.client.cookies.clear()
    for path in ("/api/me/blocked", f"/api/me/blocked/{ann}"):
        assert (await api.client.get(path)).status_code == 401
    assert (await api.client.put(f"/api/me/blocked/{ann}")).status_code == 401
    assert (await api.client.delete(f"/api/me/blocked/{ann}")).status_code == 401
    assert (await api.client.put(f"/api/me/blocked/{ann}", headers=a)).status_code == 422
    missing = await api.client.put("/api/me/blocked/no_such_person", headers=a)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad = await api.client.put("/api/me/blocked/not%20a%20name", headers=a)
    assert bad.status_code == 422
    assert (await api.client.get("/api/me/blocked", headers=a)).json()["items"] == []


async def test_relations_of_a_list_of_people(api: Api) -> None:
    ann, ben, cat = (unique(n).lower() for n in ("ann", "ben", "cat"))
    ta, tb = await api.sign_up(ann), await api.sign_up(ben)
    await api.sign_up(cat)
    api.client.cookies.clear()
    a, b = bearer(ta), bearer(tb)
    assert (await api.client.put(f"/api/users/{ann}/following/{ben}", headers=a)).status_code == 201
    assert (await api.client.put(f"/api/me/blocked/{cat}", headers=a)).status_code == 200

    asked = await api.client.get("/api/me/relations", params={"users": [ben, cat]}, headers=a)
    assert asked.status_code == 200
    assert asked.json()["items"] == [
        {"username": ben, "following": True, "followsYou": False, "blocked": False},
        {"username": cat, "following": False, "followsYou": False, "blocked": True},
    ]
    # Ben sees his side: Ann follows him; Cat's block by Ann is none of his business
    seen = await api.client.get("/api/me/relations", params={"users": [ann, cat]}, headers=b)
    assert [(r["followsYou"], r["blocked"]) for r in seen.json()["items"]] == [
        (True, False),
        (False, False),
    ]

    assert (await api.client.get("/api/me/relations", params={"users": [ben]})).status_code == 401
    for params in ({}, {"users": [f"p{i}" for i in range(51)]}, {"users": ["USER#x"]}):
        refused = await api.client.get("/api/me/relations", params=params, headers=a)
        assert refused.status_code == 422, params
        assert refused.json()["error"]["message"]
