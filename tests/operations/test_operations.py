"""What an operator sees, on the real server process: a request id on every answer and log
line, Prometheus metrics that move with the traffic, liveness and readiness; and several
API processes on one port sharing sessions, cursors and one event pipeline."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from instaclone.data import Connection
from instaclone.engine import LocalEngine
from tests.api.conftest import make_api
from tests.helpers import unique
from tests.live import live_server, server_pid
from tests.web.test_walk import IMAGE, call


def account(server: str, prefix: str) -> tuple[str, str]:
    name = unique(prefix).lower()
    made = call(
        server, "POST", "/api/accounts", {"username": name, "name": name, "password": "pw pw pw pw"}
    )
    return name, made["token"]


def get(
    server: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include these."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture(scope="module")
def server(
    engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("ops")
    with live_server(engine.endpoint, home) as url:
        yield url, home


def test_every_answer_and_log_line_carries_its_request_id(server: tuple[str, Path]) -> None:
    url, home = server
    status, headers, _ = get(url, "/api/users/nobody_at_all")
    assert status == 404
    made = headers["x-request-id"]
    assert re.fullmatch(r"[0-9A-Z]{26}", made)  # a new ULID
    _, given, _ = get(url, "/api/health", {"X-Request-ID": "trace-42"})
    assert given["x-request-id"] == "trace-42"  # the caller's, kept for tracing
    _, odd, _ = get(url, "/api/health", {"X-Request-ID": 'x" onerror="1'})
    assert odd["x-request-id"] != 'x" onerror="1'  # not a plain token: replaced
    time.sleep(0.5)
    lines = [
        json.loads(line)
        for line in (home / "server.log").read_text().splitlines()
        if line.startswith("{")
    ]
    mine = [line for line in lines if line.get("request_id") == made]
    assert mine and mine[0]["status"] == 404 and mine[0]["route"] == "/api/users/{username}"
    assert all("request_id" in line and "level" in line for line in lines)


def test_metrics_follow_the_traffic(server: tuple[str, Path]) -> None:
    url, _ = server
    name, token = account(url, "ops")
    before = get(url, "/metrics")[2].decode()
    for _ in range(3):
        call(url, "GET", f"/api/users/{name}", token=token)
    call(url, "POST", f"/api/users/{name}/photos", {"url": IMAGE}, token)
    after = get(url, "/metrics")[2].decode()
    route = {"route": "/api/users/{username}", "method": "GET"}
    assert (
        metric(after, "instaclone_http_request_duration_seconds_count", **route)
        - metric(before, "instaclone_http_request_duration_seconds_count", **route)
        == 3
    )
    reads = metric(after, "instaclone_dynamodb_calls_total", operation="GetItem", outcome="ok")
    assert (
        reads - metric(before, "instaclone_dynamodb_calls_total", operation="GetItem", outcome="ok")
        >= 3
    )
    assert metric(
        after, "instaclone_dynamodb_calls_total", operation="TransactWriteItems"
    ) > metric(before, "instaclone_dynamodb_calls_total", operation="TransactWriteItems")
    assert "instaclone_dynamodb_calls_total" in after and 'outcome="throttled"' not in after
    assert "instaclone_pipeline_lag_seconds" in after
    assert "instaclone_pipeline_parked_records_total" in after


def test_metrics_and_logs_can_be_turned_down(engine: LocalEngine, tmp_path: Path) -> None:
    with live_server(
        engine.endpoint, tmp_path, INSTACLONE_METRICS="off", INSTACLONE_LOG_LEVEL="warning"
    ) as url:
        assert get(url, "/api/health")[0] == 200
        assert get(url, "/metrics")[0] == 404
        time.sleep(0.3)
        assert not [
            line for line in (tmp_path / "server.log").read_text().splitlines() if '"GET' in line
        ]


def test_several_processes_share_sessions_cursors_and_one_pipeline(
    engine: LocalEngine, tmp_path: Path
) -> None:
    with live_server(engine.endpoint, tmp_path, args=("--workers", "2")) as url:
        parent = server_pid(url)
        workers = _children(parent)
        assert len(workers) == 2
        ann, ann_token = account(url, "ann")
        bob, bob_token = account(url, "bob")
        call(url, "PUT", f"/api/users/{bob}/following/{ann}", token=bob_token)
        for _ in range(3):
            call(url, "POST", f"/api/users/{ann}/photos", {"url": IMAGE}, ann_token)
        # every request on a new connection: the kernel spreads them over both processes,
        # and the session and each cursor are good on either
        for _ in range(10):
            assert call(url, "GET", "/api/me", token=ann_token)["username"] == ann
        pages: list[str] = []
        cursor = ""
        for _ in range(5):
            page = call(url, "GET", f"/api/users/{ann}/photos?limit=1{cursor}", token=bob_token)
            pages += [p["photoId"] for p in page["items"]]
            if not page["cursor"]:
                break
            cursor = f"&cursor={page['cursor']}"
        assert len(pages) == len(set(pages)) == 3
        # one pipeline among them: bob's feed gets each photo once
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            feed = call(url, "GET", "/api/feed", token=bob_token)["items"]
            if len(feed) == 3:
                break
            time.sleep(0.5)
        assert sorted(p["photoId"] for p in feed) == sorted(pages)
        # a worker that dies is replaced, and the port keeps answering meanwhile (only a
        # connection caught in the dying process's queue at that instant is reset)
        subprocess.run(["kill", "-9", str(workers[0])], check=True)
        time.sleep(0.5)
        for _ in range(5):
            assert call(url, "GET", "/api/me", token=bob_token)["username"] == bob
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(_children(parent)) < 2:
            time.sleep(0.5)
        now = _children(parent)
        assert len(now) == 2 and workers[0] not in now
        metrics = get(url, "/metrics")[2].decode()
        assert (
            metric(metrics, "instaclone_http_request_duration_seconds_count", route="/api/me") >= 15
        )


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and b"--shared-port" in command and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


async def test_metrics_are_not_for_the_public(connection: Connection, tmp_path: Path) -> None:
    api = await make_api(connection, tmp_path)
    app = api.client._transport.app  # type: ignore[attr-defined]

    async def scrape(address: str, headers: dict[str, str] | None = None) -> int:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return (await client.get("/metrics", headers=headers)).status_code

    assert await scrape("10.0.0.9") == 200  # the private network (a scraper beside it)
    assert await scrape("127.0.0.1") == 200
    assert await scrape("93.184.216.34") == 403  # anyone else
    app.state.settings = replace(app.state.settings, metrics_token="s3cret")
    assert await scrape("93.184.216.34", {"Authorization": "Bearer s3cret"}) == 200
    assert await scrape("10.0.0.9") == 403  # with a token set, the token is what counts
    assert await scrape("10.0.0.9", {"Authorization": "Bearer wrong"}) == 403
    await api.client.aclose()
