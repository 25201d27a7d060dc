"""The embedded engine: install, start/stop, persistence across a crash, the CLI, and the
table it creates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from instaclone.data import Connection, Table
from instaclone.domain.models import SCHEMA, User
from instaclone.engine import EngineInstallError, LocalEngine, ensure_engine, require_java
from instaclone.engine.local import CORS_ORIGIN, ping
from instaclone.settings import Settings
from tests.conftest import engine_cache, new_table

CLI = [sys.executable, "-m", "instaclone.cli"]


def test_engine_install_is_cached_and_idempotent(jar: Path) -> None:
    assert jar.name == "DynamoDBLocal.jar" and jar.exists()
    assert ensure_engine(engine_cache()) == jar  # second call: no fetch, same jar


def test_missing_java_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineInstallError, match="openjdk-17-jre-headless"):
        require_java()


def test_engine_command_is_locked_down(jar: Path) -> None:
    cmd = LocalEngine(jar, db_path=Path("data")).command()
    assert "-disableTelemetry" in cmd
    assert cmd[cmd.index("-cors") + 1] == CORS_ORIGIN  # not the default "*"
    assert "-sharedDb" not in cmd  # data is per access key
    assert "-inMemory" in LocalEngine(jar).command()


async def test_created_table_has_the_seed_shape(connection: Connection) -> None:
    table = await new_table(connection, SCHEMA, "shape")
    assert await table.create(ttl_attribute="expiresAt") is False  # idempotent
    description = await table.describe()
    assert description is not None
    assert description["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert description["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    (gsi,) = description["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "gsi1"
    assert gsi["KeySchema"] == [
        {"AttributeName": "GSI1PK", "KeyType": "HASH"},
        {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
    ]
    assert gsi["Projection"] == {"ProjectionType": "ALL"}
    ttl = await connection.call("DescribeTimeToLive", {"TableName": table.name})
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expiresAt",
    }


async def test_acknowledged_writes_survive_a_crash(jar: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    engine = LocalEngine(jar, db_path=data, access_key="crash")
    engine.start()
    try:
        async with Connection.with_static_key(engine.endpoint, "crash", "s") as conn:
            table = Table(conn, "Crash", SCHEMA)
            await table.create()
            users = table.entity(User)
            for i in range(50):
                await users.create(username=f"user{i}", name=f"User {i}").execute()
        assert engine.process is not None
        engine.process.kill()  # SIGKILL: no shutdown hook runs
        engine.process.wait()
        engine.start()
        async with Connection.with_static_key(engine.endpoint, "crash", "s") as conn:
            users = Table(conn, "Crash", SCHEMA).entity(User)
            got = await users.batch_get({"username": f"user{i}"} for i in range(50)).execute()
            assert len(got.items) == 50
    finally:
        engine.stop()


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A fresh install folder sharing the jar cache, so the CLI does not fetch it again."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "engine").symlink_to(engine_cache())
    yield home
    subprocess.run([*CLI, "db", "stop"], env=_env(home), capture_output=True, check=False)


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and not k.startswith("INSTACLONE_")
    }
    return {**env, "INSTACLONE_HOME": str(home), **extra}


def _cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=_env(home, **env), capture_output=True, text=True, timeout=120
    )


def test_every_command_has_help(home: Path) -> None:
    for args in (
        [],
        ["serve"],
        ["worker"],
        ["demo"],
        ["db"],
        ["db", "install"],
        ["db", "start"],
        ["db", "stop"],
        ["db", "status"],
        ["db", "create-table"],
    ):
        out = _cli(home, *args, "--help")
        assert out.returncode == 0, out.stderr
        assert "usage: instaclone" in out.stdout


def test_db_start_status_create_table_stop(home: Path) -> None:
    assert _cli(home, "db", "status").returncode == 3
    started = _cli(home, "db", "start")
    assert started.returncode == 0, started.stderr
    assert "started at http://127.0.0.1:" in started.stdout
    state = json.loads((home / "engine.json").read_text())
    assert ping(f"http://127.0.0.1:{state['port']}", "x")
    assert "already running" in _cli(home, "db", "start").stdout
    status = _cli(home, "db", "status")
    assert status.returncode == 0 and str(state["port"]) in status.stdout
    for verdict in ("created", "already exists"):
        made = _cli(home, "db", "create-table", INSTACLONE_TABLE="Cli")
        assert made.returncode == 0, made.stderr
        assert f"table Cli {verdict}" in made.stdout
    # data goes to a file of this install's own random access key
    key = json.loads((home / "local-credentials.json").read_text())["accessKeyId"]
    assert key.isalnum()
    assert any(p.name.startswith(key) for p in (home / "data").iterdir())
    assert "stopped" in _cli(home, "db", "stop").stdout
    assert _cli(home, "db", "status").returncode == 3
    assert not ping(f"http://127.0.0.1:{state['port']}", "x")


async def test_configured_endpoint_is_used_and_nothing_is_started(
    home: Path, engine: LocalEngine
) -> None:
    """AWS_ENDPOINT_URL_DYNAMODB (AWS or any compatible endpoint) with the standard
    credential chain: no local engine is started or recorded."""
    out = _cli(
        home,
        "db",
        "create-table",
        AWS_ENDPOINT_URL_DYNAMODB=engine.endpoint,
        AWS_ACCESS_KEY_ID="tests",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_REGION="us-east-1",
        INSTACLONE_TABLE="ViaEndpoint",
    )
    assert out.returncode == 0, out.stderr
    assert not (home / "engine.json").exists() and not (home / "data").exists()
    async with Connection.with_static_key(engine.endpoint, "tests", "secret") as conn:
        assert await Table(conn, "ViaEndpoint", SCHEMA).describe() is not None
    status = _cli(home, "db", "status", AWS_ENDPOINT_URL_DYNAMODB=engine.endpoint)
    assert "configured endpoint" in status.stdout


def test_settings_read_the_standard_variables() -> None:
    s = Settings.from_env(
        {"AWS_ENDPOINT_URL_DYNAMODB": "https://ddb.example", "AWS_REGION": "eu-west-1"}
    )
    assert s.endpoint == "https://ddb.example" and s.region == "eu-west-1" and not s.embedded
    local = Settings.from_env({})
    assert local.embedded and local.table_name == "InstagramClone"


def test_demo_runs_the_seed_examples_twice(home: Path) -> None:
    for _ in range(2):  # the demo table is recreated, so a second run works too
        out = _cli(home, "demo")
        assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "name: Juan Carlos Bondi, followers: 0" in text
    assert "Already liked" in text and "Already liked this photo" in text
    assert "Alice Liddell: Updated: Amazing photo! Love the composition!" in text
    assert "2 followers" in text and "Following 2 users" in text
    assert "bob: A happy tree" in text
    assert "2 likes, 2 comments" in text and "3 photos" in text
    assert "page 2: 'Sunset at the beach!'" in text
    assert "{" not in text  # labelled lines, not raw Python values
    assert not (home / "engine.json").exists()  # its engine stopped with it


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_data_folder_is_private_from_the_start_and_fixed_on_old_installs(
    home: Path,
) -> None:
    # An install made before this check: everything readable by everyone.
    (home / "data").mkdir(mode=0o755)
    (home / "data" / "old.db").write_text("x")
    (home / "secret").write_text("s")
    for path in (home, home / "data", home / "data" / "old.db", home / "secret"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert _cli(home, "db", "start").returncode == 0
    try:
        made = _cli(home, "db", "create-table", INSTACLONE_TABLE="Private")
        assert made.returncode == 0, made.stderr
        assert mode(home) == 0o700 and mode(home / "data") == 0o700
        files = [p for p in (home / "data").iterdir() if p.is_file()]
        assert len(files) >= 2  # the old file and the engine's database
        assert all(mode(p) & 0o077 == 0 for p in files), [(p.name, oct(mode(p))) for p in files]
        for name in ("secret", "local-credentials.json", "engine.json"):
            assert mode(home / name) & 0o077 == 0, name
    finally:
        _cli(home, "db", "stop")


def test_a_restarted_engine_comes_back_on_the_same_port(home: Path) -> None:
    first = _cli(home, "db", "start")
    assert first.returncode == 0, first.stderr
    port = json.loads((home / "engine.json").read_text())["port"]
    assert "stopped" in _cli(home, "db", "stop").stdout
    again = _cli(home, "db", "start")
    assert again.returncode == 0, again.stderr
    # where a running server still looks for it (tests/api/test_resilience.py shows the
    # server recovering when the engine answers on its port again)
    assert json.loads((home / "engine.json").read_text())["port"] == port


def test_serve_on_a_busy_port_says_so_before_starting(home: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = _cli(home, "serve", "--port", str(port))
    assert out.returncode == 1
    assert f"port {port}" in out.stderr and "--port" in out.stderr
    assert "serving on" not in out.stdout
    assert not (home / "engine.json").exists()  # nothing was started


def test_demo_into_app_fills_the_apps_own_table_once(home: Path) -> None:
    first = _cli(home, "demo", "--into-app")
    assert first.returncode == 0, first.stderr
    assert "added 5 people" in first.stdout and "instaclone demo" in first.stdout
    assert "5/" in first.stderr or "[#" in first.stderr  # a progress bar
    again = _cli(home, "demo", "--into-app")
    assert again.returncode == 0 and "there already" in again.stdout

    async def look() -> tuple[int, int, int]:
        from instaclone.runtime import connect
        from instaclone.settings import Settings

        settings = Settings.from_env({"INSTACLONE_HOME": str(home)})
        async with connect(settings) as app:
            feed = await app.get_user_feed("maya", 30)
            tray = await app.get_story_tray("maya")
            profile = await app.get_user_profile("theo")
            assert profile is not None
            return len(feed.items), len(tray.items), profile.photo_count

    import asyncio

    feed, tray, photos = asyncio.run(look())
    assert feed == 15  # her 3 and the 12 of the 4 people she follows
    assert tray == 3 and photos == 3
    assert len(list((home / "media" / "photos").rglob("*.jpg"))) == 5 * 3 * 2
