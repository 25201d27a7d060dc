"""When DynamoDB is down the API answers 503 with a clear message (and readiness says so), and
recovers by itself."""

from __future__ import annotations

from pathlib import Path

import httpx
from argon2 import PasswordHasher

from instaclone.api.app import create_app
from instaclone.data import Connection, Table
from instaclone.domain import SCHEMA, InstagramService
from instaclone.engine import LocalEngine
from instaclone.media import LocalMediaStore
from tests.api.conftest import fast_settings


async def test_engine_outage_is_503_then_recovers(jar: Path, tmp_path: Path) -> None:
    engine = LocalEngine(jar, db_path=tmp_path / "db", access_key="outage")
    engine.start()
    try:
        async with Connection.with_static_key(engine.endpoint, "outage", "s") as conn:
            table = Table(conn, "Outage", SCHEMA)
            await table.create()
            service = InstagramService(
                table, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
            )
            app = create_app(
                fast_settings(tmp_path), service=service, media_root=LocalMediaStore(tmp_path)
            )
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as client:
                await service.create_user("juanca", "Juan")
                assert (await client.get("/api/users/juanca")).status_code == 200
                assert (await client.get("/api/ready")).json() == {"status": "ready"}
                engine.stop()
                # alive, and not ready: a load balancer sends its traffic elsewhere
                assert (await client.get("/api/health")).status_code == 200
                unready = await client.get("/api/ready")
                assert unready.status_code == 503
                assert unready.json()["error"]["code"] == "not_ready"
                down = await client.get("/api/users/juanca")
                assert down.status_code == 503
                assert down.json()["error"]["code"] == "database_unavailable"
                assert "unavailable" in down.json()["error"]["message"]
                assert down.headers["Retry-After"] == "1"
                engine.start()  # same port, same files
                back = await client.get("/api/users/juanca")
                assert back.status_code == 200 and back.json()["name"] == "Juan"
                assert (await client.get("/api/ready")).status_code == 200
    finally:
        engine.stop()
