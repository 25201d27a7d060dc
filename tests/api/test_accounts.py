"""Accounts and sessions over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import httpx
import pytest

from instaclone.api.errors import ApiError
from instaclone.api.security import RateLimit
from instaclone.data import Connection
from instaclone.engine import LocalEngine
from tests.api.conftest import Api, bearer, make_api
from tests.api.test_media import image_bytes
from tests.helpers import unique
from tests.live import live_server


def uname() -> str:
    return unique("u").lower()


async def test_sign_up_log_in_me_log_out(api: Api) -> None:
    name = uname()
    token = await api.sign_up(name)
    me = await api.client.get("/api/me", headers=bearer(token))
    assert me.status_code == 200 and me.json()["username"] == name
    assert "passwordHash" not in me.text and "password" not in me.text

    wrong = await api.client.post("/api/sessions", json={"username": name, "password": "nope-nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"
    nobody = await api.client.post("/api/sessions", json={"username": uname(), "password": "x" * 9})
    assert nobody.status_code == 401 and nobody.json() == wrong.json()  # same answer either way

    second = await api.client.post(
        "/api/sessions", json={"username": name, "password": "correct horse"}
    )
    assert second.status_code == 200
    token2 = second.json()["token"]
    assert token2 != token
    out = await api.client.delete("/api/sessions/current", headers=bearer(token))
    assert out.status_code == 204
    assert (await api.client.get("/api/me", headers=bearer(token))).status_code == 401
    assert (await api.client.get("/api/me", headers=bearer(token2))).status_code == 200


async def test_sessions_are_stored_hashed_with_ttl(api: Api) -> None:
    token = await api.sign_up(uname())
    sessions = [i.item async for i in api.service.table.scan_items() if i.entity == "Session"]
    assert sessions and all(token not in repr(s) for s in sessions)
    assert all(s.expires_at > 0 for s in sessions)


async def test_sign_up_refusals(api: Api) -> None:
    name = uname()
    await api.sign_up(name)
    again = await api.client.post(
        "/api/accounts", json={"username": name.upper(), "name": "X", "password": "long enough"}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    for body in (
        {"username": "bad#name", "name": "X", "password": "long enough"},
        {"username": uname(), "name": "X", "password": "short"},
        {"username": uname(), "name": "", "password": "long enough"},
        {"username": uname(), "name": "X"},
        {"username": uname(), "name": "X", "password": "long enough", "admin": True},
    ):
        response = await api.client.post("/api/accounts", json=body)
        assert response.status_code == 422, (body, response.text)
        assert set(response.json()) == {"error"}


async def test_cookie_sessions_need_the_csrf_token_for_writes(api: Api) -> None:
    name = uname()
    response = await api.client.post(
        "/api/accounts", json={"username": name, "name": "N", "password": "correct horse"}
    )
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert (await api.client.get("/api/me")).status_code == 200  # the cookie alone reads
    body = {"url": "/static/favicon.svg"}
    refused = await api.client.post(f"/api/users/{name}/photos", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    csrf = api.client.cookies["csrf"]
    ok = await api.client.post(
        f"/api/users/{name}/photos", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 201


async def test_sign_up_and_log_in_are_rate_limited(connection: Connection, tmp_path: Path) -> None:
    made = await make_api(connection, tmp_path, rate_limits=True)
    async with made.client as client:
        codes = []
        for _ in range(6):
            r = await client.post(
                "/api/accounts", json={"username": uname(), "name": "N", "password": "long enough"}
            )
            codes.append(r.status_code)
        assert codes == [201] * 5 + [429]
        assert int(r.headers["Retry-After"]) >= 1
        assert r.json()["error"]["code"] == "rate_limited"
        victim = uname()
        attempts = [
            (
                await client.post(
                    "/api/sessions", json={"username": victim, "password": "guess" * 2}
                )
            ).status_code
            for _ in range(11)
        ]
        assert attempts[:10] == [401] * 10 and attempts[10] == 429


async def test_unknown_pages_get_the_apps_404_page_and_api_gets_json(api: Api) -> None:
    page = await api.client.get("/no/such/page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<main" in page.text
    data = await api.client.get("/api/no-such-thing", headers={"Accept": "text/html"})
    assert data.status_code == 404 and data.json()["error"]["code"] == "not_found"


async def test_usernames_that_read_as_paths_or_routes_are_refused(api: Api) -> None:
    for name in (".", "..", "a..b", ".hidden", "trailing.", "api", "Login", "media", "docs"):
        refused = await api.client.post(
            "/api/accounts", json={"username": name, "name": "X", "password": "correct horse"}
        )
        assert refused.status_code == 422, (name, refused.text)
    name = f"j.d_{unique('x').lower()}"[:30]
    token = await api.sign_up(name)
    upload = await api.client.post(
        f"/api/users/{name}/photos/upload",
        files={"file": ("p.jpg", image_bytes((40, 30)), "image/jpeg")},
        headers=bearer(token),
    )
    assert upload.status_code == 201, upload.text  # a dotted name uploads fine


async def test_a_planted_csrf_cookie_or_another_sessions_token_is_refused(api: Api) -> None:
    victim, other = uname(), uname()
    await api.client.post(
        "/api/accounts", json={"username": other, "name": "O", "password": "correct horse"}
    )
    others_csrf = api.client.cookies["csrf"]
    api.client.cookies.clear()
    await api.client.post(
        "/api/accounts", json={"username": victim, "name": "V", "password": "correct horse"}
    )
    body = {"url": "/static/favicon.svg"}
    session = api.client.cookies["session"]
    for planted in ("attacker-chosen", others_csrf):
        api.client.cookies.set("csrf", planted)  # as a sibling subdomain or a MITM could
        refused = await api.client.post(
            f"/api/users/{victim}/photos", json=body, headers={"X-CSRF-Token": planted}
        )
        assert refused.status_code == 403, planted
        assert api.client.cookies["session"] == session
    me = await api.client.get("/api/me")  # the page loads: it gets its session's token back
    api.client.cookies.set("csrf", me.cookies["csrf"])
    ok = await api.client.post(
        f"/api/users/{victim}/photos", json=body, headers={"X-CSRF-Token": me.cookies["csrf"]}
    )
    assert ok.status_code == 201


async def test_the_docs_serve_only_the_files_their_page_loads(api: Api) -> None:
    page = await api.client.get("/docs")
    assert page.status_code == 200
    for used in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert f"/docs-assets/{used}" in page.text
        assert (await api.client.get(f"/docs-assets/{used}")).status_code == 200
    for unused in ("index.html", "oauth2-redirect.html", "swagger-ui.js.map", "..%2F..%2Fsetup.py"):
        assert (await api.client.get(f"/docs-assets/{unused}")).status_code == 404, unused


async def test_a_guesser_locks_out_only_themselves(connection: Connection, tmp_path: Path) -> None:
    made = await make_api(connection, tmp_path, rate_limits=True)
    owner = uname()
    async with made.client as attacker:
        await made.sign_up(owner, "the real password")
        tries = [
            (await attacker.post("/api/sessions", json={"username": owner, "password": "nope" * 3}))
            for _ in range(11)
        ]
        assert tries[-1].status_code == 429
        app = attacker._transport.app  # type: ignore[attr-defined]
        elsewhere = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("10.77.0.1", 1)), base_url="http://t"
        )
        async with elsewhere:
            ok = await elsewhere.post(
                "/api/sessions", json={"username": owner, "password": "the real password"}
            )
            assert ok.status_code == 200, ok.text


def test_a_flood_of_new_keys_does_not_free_a_limited_one() -> None:
    limit = RateLimit(2, 60, max_keys=100)
    limit.hit("guesser|victim")
    limit.hit("guesser|victim")
    for i in range(1_000):  # the limiter once wiped every counter past its size
        limit.hit(f"flood{i}")
    with pytest.raises(ApiError) as held:
        limit.hit("guesser|victim")
    assert held.value.status == 429
    assert len(limit._hits) <= 101


def test_forwarded_addresses_are_believed_only_from_named_proxies(
    engine: LocalEngine, tmp_path: Path
) -> None:
    env = {"INSTACLONE_NO_RATE_LIMITS": ""}
    with live_server(engine.endpoint, tmp_path, **env) as url:
        codes = []
        for i in range(7):  # 5 sign-ups a minute per address; each claims another address
            body = json.dumps({"username": uname(), "name": "N", "password": "long enough"})
            request = urllib.request.Request(
                url + "/api/accounts",
                data=body.encode(),
                headers={"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{i}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    codes.append(response.status)
            except urllib.error.HTTPError as error:
                codes.append(error.code)
        assert codes == [201] * 5 + [429] * 2
