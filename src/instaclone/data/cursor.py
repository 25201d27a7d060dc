"""Opaque pagination cursors: URL-safe, versioned, and signed.

A cursor is ``v1.<payload>.<mac>``: the payload is DynamoDB's LastEvaluatedKey, the MAC binds
it to the query it came from (entity, index, partition). A cursor that was altered or that
comes from another query is refused with :class:`InvalidCursorError` instead of quietly
starting somewhere else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from instaclone.data.errors import InvalidCursorError

VERSION = "v1"
_MAC_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, scope: str, payload: str) -> bytes:
    msg = f"{VERSION}\n{scope}\n{payload}".encode()
    return hmac.new(secret, msg, hashlib.sha256).digest()[:_MAC_BYTES]


def encode_cursor(last_key: dict[str, Any], *, secret: bytes, scope: str) -> str:
    payload = _b64(json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode())
    return f"{VERSION}.{payload}.{_b64(_mac(secret, scope, payload))}"


def decode_cursor(cursor: str, *, secret: bytes, scope: str) -> dict[str, Any]:
    if not isinstance(cursor, str) or cursor.count(".") != 2:
        raise InvalidCursorError("malformed cursor")
    version, payload, mac = cursor.split(".")
    if version != VERSION:
        raise InvalidCursorError(f"unsupported cursor version {version!r}")
    try:
        given = _unb64(mac)
    except (binascii.Error, ValueError):
        raise InvalidCursorError("malformed cursor") from None
    if not hmac.compare_digest(given, _mac(secret, scope, payload)):
        raise InvalidCursorError("cursor was altered or belongs to another query")
    try:
        key = json.loads(_unb64(payload))
    except (binascii.Error, ValueError):
        raise InvalidCursorError("malformed cursor") from None
    if not isinstance(key, dict) or not all(isinstance(v, dict) for v in key.values()):
        raise InvalidCursorError("malformed cursor")
    return key
