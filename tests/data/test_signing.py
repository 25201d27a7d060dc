"""Our request signing must be AWS SigV4 exactly: DynamoDB Local does not check signatures,
so we compare, header for header, with aiodynamo's implementation."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aiodynamo import sign
from aiodynamo.credentials import Key
from yarl import URL

from instaclone.data.signing import TARGET_PREFIX, Signer


@pytest.mark.parametrize("token", [None, "session-token"])
def test_signature_matches_aiodynamo(monkeypatch: pytest.MonkeyPatch, token: str | None) -> None:
    moment = datetime(2026, 11, 24, 6, 30, 16, tzinfo=UTC)
    monkeypatch.setattr(sign.Instant, "now", classmethod(lambda cls: cls(moment)))
    key = Key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    endpoint = URL("https://dynamodb.eu-west-1.amazonaws.com/")
    payload = {"TableName": "InstagramClone", "Key": {"PK": {"S": "USER#juanca"}}}
    theirs = sign.signed_dynamo_request(
        key=key, payload=payload, action="GetItem", region="eu-west-1", endpoint=endpoint
    )
    body = json.dumps(payload, separators=(",", ":")).encode()
    assert body == theirs.body
    ours = Signer("eu-west-1", endpoint).headers(key, TARGET_PREFIX + "GetItem", body, moment)
    assert ours == theirs.headers
    # the cached signing key gives the same signature the second time
    assert (
        Signer("eu-west-1", endpoint).headers(key, TARGET_PREFIX + "GetItem", body, moment) == ours
    )


def test_non_default_port_is_part_of_the_signed_host() -> None:
    assert Signer("us-east-1", URL("http://127.0.0.1:8000")).host == "127.0.0.1:8000"
    assert Signer("us-east-1", URL("https://dynamodb.us-east-1.amazonaws.com")).host == (
        "dynamodb.us-east-1.amazonaws.com"
    )
