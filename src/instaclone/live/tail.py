"""Following the table's stream from now on, without leases or checkpoints: a second reader
beside the event pipeline's consumer, for a process that only needs to hear changes as they
happen (what it missed while down is read from the table by whoever reconnects)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from instaclone.data import Connection, DataError, ServiceError, Table
from instaclone.data.attributes import from_item

log = logging.getLogger(__name__)

Change = tuple[str, dict[str, Any] | None, dict[str, Any] | None]
"""(entity type, old image, new image), images as plain values."""


class StreamTail:
    def __init__(
        self,
        table: Table,
        deliver: Callable[[list[Change]], Awaitable[None]],
        *,
        interval: float = 0.25,
        rediscover: float = 10.0,
    ) -> None:
        self.table = table
        self.deliver = deliver
        self.interval = interval
        self.rediscover = rediscover
        self.streams: Connection = table.connection.streams()
        self._iterators: dict[str, str] = {}
        self._arn: str | None = None
        self._listed = 0.0
        self.positioned = asyncio.Event()
        """Set once every shard has an iterator: changes from then on will be heard."""

    async def _discover(self) -> None:
        if self._arn is None:
            description = await self.table.describe()
            self._arn = str((description or {}).get("LatestStreamArn") or "") or None
            if self._arn is None:
                raise DataError(f"table {self.table.name} has no stream")
        shards: list[dict[str, Any]] = []
        payload: dict[str, Any] = {"StreamArn": self._arn}
        while True:
            described = (await self.streams.call("DescribeStream", payload))["StreamDescription"]
            shards += described.get("Shards", [])
            last = described.get("LastEvaluatedShardId")
            if not last:
                break
            payload["ExclusiveStartShardId"] = last
        for shard in shards:
            shard_id = shard["ShardId"]
            closed = "EndingSequenceNumber" in shard.get("SequenceNumberRange", {})
            if shard_id in self._iterators or closed:
                continue
            # A shard seen for the first time: from its start if it opened after we began
            # (a split's child), from now if it was there already.
            kind = "TRIM_HORIZON" if self._listed else "LATEST"
            response = await self.streams.call(
                "GetShardIterator",
                {"StreamArn": self._arn, "ShardId": shard_id, "ShardIteratorType": kind},
            )
            self._iterators[shard_id] = str(response["ShardIterator"])
        self._listed = time.monotonic()

    async def _poll(self, shard_id: str, iterator: str) -> None:
        try:
            response = await self.streams.call("GetRecords", {"ShardIterator": iterator})
        except ServiceError as error:
            if error.code in ("ExpiredIteratorException", "TrimmedDataAccessException"):
                self._iterators.pop(shard_id, None)
                self._listed = 0.0
                return
            raise
        following = response.get("NextShardIterator")
        if following:
            self._iterators[shard_id] = str(following)
        else:
            self._iterators.pop(shard_id, None)
            self._listed = 0.0
        changes: list[Change] = []
        type_attribute = self.table.schema.type_attribute
        for record in response.get("Records", []):
            images = record.get("dynamodb", {})
            old = from_item(images["OldImage"]) if images.get("OldImage") else None
            new = from_item(images["NewImage"]) if images.get("NewImage") else None
            kind = (new or old or {}).get(type_attribute)
            if kind is not None:
                changes.append((str(kind), old, new))
        if changes:
            await self.deliver(changes)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if not self._listed or time.monotonic() - self._listed > self.rediscover:
                    await self._discover()
                    self.positioned.set()
                for shard_id, iterator in list(self._iterators.items()):
                    await self._poll(shard_id, iterator)
            except Exception:
                log.exception("reading the stream for live updates failed; retrying")
                self._listed = 0.0
                await _sleep(stop, 2.0)
                continue
            await _sleep(stop, self.interval)

    async def close(self) -> None:
        await self.streams.close()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
