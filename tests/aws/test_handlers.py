"""Both Lambda functions called exactly as AWS calls them, against DynamoDB Local: the API
with API Gateway HTTP API events (payload format 2.0) through its real entry point, the
pipeline with a DynamoDB Streams event made of the records the table's stream really holds.
A sign-up, a follow, a post, the fan-out, a feed read; and live polling, as on Lambda."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from instaclone.api import aws_lambda as api_lambda
from instaclone.data import Connection, Table
from instaclone.domain import SCHEMA
from instaclone.engine import LocalEngine
from instaclone.engine.local import free_port
from instaclone.events import aws_lambda as stream_lambda
from instaclone.settings import SecretUnavailableError
from tests.helpers import unique

REGION = "us-east-1"


def http_event(
    method: str, path: str, body: Any = None, token: str | None = None, query: str = ""
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, as Lambda receives it."""
    headers = {"content-type": "application/json", "user-agent": "tests", "host": "api.example"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "tests",
            },
            "requestId": unique("req"),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def answer(response: dict[str, Any]) -> tuple[int, Any]:
    body = response.get("body") or ""
    kind = (response.get("headers") or {}).get("content-type", "")
    return response["statusCode"], json.loads(body) if kind.startswith("application/json") else body


@pytest.fixture
def deployed(engine: LocalEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The functions' environment, as the template sets it, on a table made beforehand."""
    table = unique("lambda")
    for name, value in {
        "AWS_ENDPOINT_URL_DYNAMODB": engine.endpoint,
        "AWS_ACCESS_KEY_ID": "tests",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": REGION,
        "INSTACLONE_TABLE": table,
        "INSTACLONE_SECRET": "a secret the template keeps in Secrets Manager",
        "INSTACLONE_HOME": str(tmp_path),
        "INSTACLONE_FAST_HASHING": "1",
        "INSTACLONE_FETCH_HOSTS": "none",
        "INSTACLONE_LIVE": "poll",
        "INSTACLONE_LOG_LEVEL": "warning",
    }.items():
        monkeypatch.setenv(name, value)

    async def create() -> None:
        async with Connection.with_static_key(engine.endpoint, "tests", "secret") as conn:
            await Table(conn, table, SCHEMA).create(ttl_attribute="expiresAt")

    asyncio.run(create())
    try:
        yield table
    finally:
        api_lambda.reset()
        stream_lambda.reset()


def stream_event(endpoint: str, table: str) -> dict[str, Any]:
    """Every record the table's stream holds, as the event source mapping delivers them."""

    async def read() -> dict[str, Any]:
        async with Connection.with_static_key(endpoint, "tests", "secret") as conn:
            arn = (await Table(conn, table, SCHEMA).describe() or {})["LatestStreamArn"]
            streams = conn.streams()
            shards = (await streams.call("DescribeStream", {"StreamArn": arn}))[
                "StreamDescription"
            ]["Shards"]
            records: list[dict[str, Any]] = []
            for shard in shards:
                iterator = (
                    await streams.call(
                        "GetShardIterator",
                        {
                            "StreamArn": arn,
                            "ShardId": shard["ShardId"],
                            "ShardIteratorType": "TRIM_HORIZON",
                        },
                    )
                )["ShardIterator"]
                while iterator:
                    page = await streams.call("GetRecords", {"ShardIterator": iterator})
                    records += page.get("Records", [])
                    if not page.get("Records"):
                        break
                    iterator = page.get("NextShardIterator")
            await streams.close()
            for record in records:
                record["eventSourceARN"] = arn
            return {"Records": records}

    return asyncio.run(read())


def test_sign_up_post_fan_out_and_feed_as_aws_calls_them(
    deployed: str, engine: LocalEngine
) -> None:
    call = api_lambda.handler
    ann, ben = unique("ann").lower(), unique("ben").lower()
    made = {}
    for name in (ann, ben):
        status, body = answer(
            call(
                http_event(
                    "POST",
                    "/api/accounts",
                    {"username": name, "name": name.title(), "password": "pw pw pw pw"},
                )
            )
        )
        assert status == 201, body
        made[name] = body["token"]
    status, _ = answer(
        call(http_event("PUT", f"/api/users/{ben}/following/{ann}", token=made[ben]))
    )
    assert status == 201
    status, photo = answer(
        call(
            http_event(
                "POST",
                f"/api/users/{ann}/photos",
                {"url": "/static/favicon.svg", "caption": "from lambda"},
                made[ann],
            )
        )
    )
    assert status == 201, photo
    # What follows a write waits for the stream function: ann is not told of ben yet.
    status, told = answer(call(http_event("GET", "/api/me/notifications", token=made[ann])))
    assert status == 200 and told["items"] == []

    event = stream_event(engine.endpoint, deployed)
    assert {r["eventName"] for r in event["Records"]} >= {"INSERT"}
    assert stream_lambda.handler(event) == {"batchItemFailures": []}
    assert stream_lambda.handler(event) == {"batchItemFailures": []}  # delivered twice: same

    status, told = answer(call(http_event("GET", "/api/me/notifications", token=made[ann])))
    assert [(n["kind"], [a["username"] for a in n["actors"]]) for n in told["items"]] == [
        ("follow", [ben])
    ]
    status, feed = answer(call(http_event("GET", "/api/feed", token=made[ben], query="limit=5")))
    assert status == 200
    assert [(p["photoId"], p["caption"], p["user"]["username"]) for p in feed["items"]] == [
        (photo["photoId"], "from lambda", ann)
    ]
    # errors keep their shape through the adapter
    status, refused = answer(
        call(http_event("DELETE", f"/api/users/{ann}/photos/{photo['photoId']}", token=made[ben]))
    )
    assert status == 403 and refused["error"]["code"] == "forbidden"

    # Live, polled: the event stream answers at once with the state and a resume point
    status, text = answer(call(http_event("GET", "/api/me/events", token=made[ben])))
    assert status == 200
    assert "retry: 10000" in text and "event: direct" in text and "\nid: " in text
    resume = text.split("\nid: ")[1].split("\n")[0]
    sent = answer(
        call(
            http_event(
                "POST",
                f"/api/users/{ben}/messages",
                {"text": "polled", "clientId": "l1"},
                made[ann],
            )
        )
    )[1]
    polled = call(http_event("GET", "/api/me/events", token=made[ben]) | {})
    event_with_id = http_event("GET", "/api/me/events", token=made[ben])
    event_with_id["headers"]["last-event-id"] = resume
    status, text = answer(call(event_with_id))
    assert status == 200 and f"id: {sent['messageId']}" in text and '"text":"polled"' in text
    assert polled["statusCode"] == 200


@pytest.fixture
def secrets_manager(deployed: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Secrets Manager as moto's server on a free port (the standard endpoint variable points
    the function at it); the environment as the template sets it: the secret by name only."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint)
        monkeypatch.delenv("INSTACLONE_SECRET")
        yield boto3.client("secretsmanager", endpoint_url=endpoint, region_name=REGION)
    finally:
        server.stop()


def sign_up(prefix: str) -> tuple[str, str]:
    name = unique(prefix).lower()
    body = {"username": name, "name": name.title(), "password": "pw pw pw pw"}
    status, made = answer(api_lambda.handler(http_event("POST", "/api/accounts", body)))
    assert status == 201, made
    return name, made["token"]


def test_the_api_reads_its_secret_at_start_and_every_container_agrees(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = secrets_manager.create_secret(Name=unique("app"), SecretString="s" * 48)
    monkeypatch.setenv("INSTACLONE_SECRET_ARN", made["ARN"])
    call = api_lambda.handler
    ann, _ = sign_up("ann")
    fans = []
    for _ in range(3):
        fan, token = sign_up("fan")
        assert (
            answer(call(http_event("PUT", f"/api/users/{fan}/following/{ann}", token=token)))[0]
            == 201
        )
        fans.append(fan)
    followers = f"/api/users/{ann}/followers"
    status, first = answer(call(http_event("GET", followers, query="limit=2")))
    assert status == 200 and len(first["items"]) == 2 and first["cursor"]

    api_lambda.reset()  # another container: it reads the same secret, so the cursor holds
    status, rest = answer(
        call(http_event("GET", followers, query=f"limit=2&cursor={first['cursor']}"))
    )
    assert status == 200, rest
    assert sorted(u["username"] for u in first["items"] + rest["items"]) == sorted(fans)

    # a container given another secret refuses the cursor the first one signed
    other = secrets_manager.create_secret(Name=unique("other"), SecretString="o" * 48)
    monkeypatch.setenv("INSTACLONE_SECRET_ARN", other["ARN"])
    api_lambda.reset()
    status, refused = answer(
        call(http_event("GET", followers, query=f"limit=2&cursor={first['cursor']}"))
    )
    assert status == 400 and refused["error"]["code"] == "invalid_cursor"


def test_an_unreadable_secret_stops_the_start_and_says_which(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{unique('gone')}"
    monkeypatch.setenv("INSTACLONE_SECRET_ARN", missing)
    with pytest.raises(SecretUnavailableError, match=missing):
        api_lambda.handler(http_event("GET", "/api/health"))
