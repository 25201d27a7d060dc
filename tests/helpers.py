"""Small helpers shared by the tests."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from instaclone.data import Table
from instaclone.data.attributes import from_item

_n = itertools.count()


def unique(prefix: str = "u") -> str:
    """A fresh identifier, so tests sharing a table never see each other's items."""
    return f"{prefix}{next(_n)}x{uuid.uuid4().hex[:8]}"


async def raw_get(table: Table, pk: str, sk: str) -> dict[str, Any] | None:
    """The stored item exactly as DynamoDB holds it, internal attributes included."""
    response = await table.connection.call(
        "GetItem", {"TableName": table.name, "Key": {"PK": {"S": pk}, "SK": {"S": sk}}}
    )
    item = response.get("Item")
    return None if item is None else from_item(item)


async def drain(app: Any, within: float = 120, **options: Any) -> None:
    """Handle everything pending on the app's table stream (what `instaclone worker --drain`
    does), with quick retries."""
    from instaclone.events import HandlerRetry
    from instaclone.events.worker import consumer

    retry = HandlerRetry(max_attempts=2, base_delay=0.01, max_delay=0.02)
    worker = consumer(app, retry, **{"lease_seconds": 5.0, **options})
    try:
        await worker.drain(within=within)
    finally:
        await worker.close()
