from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from instaclone.api.app import create_app
from instaclone.data import Connection
from instaclone.domain import SCHEMA, InstagramService
from instaclone.media import LocalMediaStore
from instaclone.settings import Settings
from tests.conftest import docs_ui, new_table

_ips = itertools.count(1)


@dataclass
class Api:
    client: httpx.AsyncClient
    service: InstagramService
    media_root: Path

    async def sign_up(self, username: str, password: str = "correct horse") -> str:
        response = await self.client.post(
            "/api/accounts",
            json={"username": username, "name": username.title(), "password": password},
        )
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token


def fast_settings(tmp: Path, **changes: object) -> Settings:
    base = Settings.from_env({"INSTACLONE_HOME": str(tmp)})
    options: dict[str, object] = {
        "fast_hashing": True,
        "rate_limits": False,
        "docs_ui": docs_ui(),
        "fetch_hosts": "none",  # tests reach no other site; test_url_photos names its own
        **changes,
    }
    return replace(base, **options)  # type: ignore[arg-type]


async def make_api(connection: Connection, tmp: Path, **changes: object) -> Api:
    settings = fast_settings(tmp, **changes)
    table = await new_table(connection, SCHEMA, "api")
    service = InstagramService(
        table, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    media = LocalMediaStore(tmp / "media")
    app = create_app(settings, service=service, media_root=media)
    # Each test client looks like its own machine, so per-IP limits do not leak across tests.
    transport = httpx.ASGITransport(app=app, client=(f"10.9.0.{next(_ips) % 250}", 50000))
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    return Api(client, service, tmp / "media")


@pytest.fixture
async def api(connection: Connection, tmp_path: Path) -> AsyncIterator[Api]:
    made = await make_api(connection, tmp_path)
    async with made.client:
        yield made


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
