"""The local stream consumer: the table's DynamoDB stream read through the Streams API
(DescribeStream, GetShardIterator, GetRecords), the way a Kinesis Client Library worker does.

- Shards are followed as they close and split: a child starts once its parent is finished.
- One consumer per shard: a lease item per shard, renewed while working and taken over
  only after it expires, so two consumers started together never both work a shard.
- A checkpoint per shard (the last sequence number handled) is written after each batch,
  so a restart resumes there: at-least-once, with idempotent handlers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass
from typing import Any

from instaclone.data import (
    ConditionFailedError,
    Connection,
    DataError,
    ItemNotFoundError,
    ServiceError,
    Table,
    attr,
)
from instaclone.events.processor import Processor
from instaclone.events.state import PIPELINE_SCHEMA, ShardLease

log = logging.getLogger("instaclone.events")
LEASE_KEEP = 7 * 24 * 3600


class NoStreamError(DataError):
    """The table has no stream to read."""


class ShardBusyError(DataError):
    """Another live consumer holds a shard's lease."""


@dataclass
class ConsumerStats:
    batches: int = 0
    records: int = 0
    handled: int = 0
    parked: int = 0
    lag_seconds: float = 0.0
    """How old the last record handled was when it was handled (0 once caught up)."""


class StreamConsumer:
    def __init__(
        self,
        table: Table,
        processor: Processor,
        *,
        owner: str | None = None,
        streams: Connection | None = None,
        lease_seconds: float = 20.0,
        poll_seconds: float = 0.5,
        batch_size: int = 1000,
        refresh_seconds: float = 10.0,
    ) -> None:
        self.table = table
        self.processor = processor
        self.streams = streams or table.connection.streams()
        self._own_streams = streams is None
        state = Table(table.connection, table.name, PIPELINE_SCHEMA)
        self.leases = state.entity(ShardLease)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.refresh_seconds = refresh_seconds
        self.stats = ConsumerStats()
        self._arn: str | None = None
        self._shards: list[dict[str, Any]] = []
        self._refreshed = 0.0
        self._state: dict[str, ShardLease] = {}
        self._owned: dict[str, ShardLease] = {}
        self._iterators: dict[str, str] = {}
        self._tried: dict[str, float] = {}

    # -- the stream -----------------------------------------------------------------------

    async def stream_arn(self) -> str:
        if self._arn is None:
            description = await self.table.describe()
            arn = (description or {}).get("LatestStreamArn")
            if not arn:
                raise NoStreamError(f"table {self.table.name} has no stream enabled")
            self._arn = str(arn)
        return self._arn

    async def _refresh(self) -> None:
        arn = await self.stream_arn()
        shards: list[dict[str, Any]] = []
        payload: dict[str, Any] = {"StreamArn": arn}
        while True:
            response = await self.streams.call("DescribeStream", payload)
            description = response["StreamDescription"]
            shards += description.get("Shards", [])
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            payload["ExclusiveStartShardId"] = last
        leases = await self.leases.query().all()
        self._state = {lease.shard_id: lease for lease in leases}
        self._shards = shards
        self._refreshed = time.monotonic()

    def _ready(self) -> list[str]:
        """Shards to work now: not finished, and whose parent (if still listed) is."""
        listed = {s["ShardId"] for s in self._shards}
        ready = []
        for shard in self._shards:
            shard_id = shard["ShardId"]
            state = self._state.get(shard_id)
            if state is not None and state.finished:
                continue
            parent = shard.get("ParentShardId")
            parent_state = self._state.get(parent) if parent else None
            if parent and parent in listed and not (parent_state and parent_state.finished):
                continue
            ready.append(shard_id)
        return ready

    # -- leases ---------------------------------------------------------------------------

    async def _acquire(self, shard_id: str) -> bool:
        now = time.time()
        update = (
            self.leases.update(shard_id=shard_id)
            .upsert()
            .set("stream_arn", await self.stream_arn())
            .set("owner", self.owner)
            .set("lease_until", now + self.lease_seconds)
            .set("expires_at", int(now) + LEASE_KEEP)
            .condition(
                attr("owner").not_exists()
                | (attr("owner") == self.owner)
                | (attr("lease_until") < now)
            )
            .returning("ALL_NEW")
        )
        try:
            lease = await update.execute()
        except ConditionFailedError:
            return False
        assert lease is not None
        if lease.finished:
            return False
        self._owned[shard_id] = lease
        self._state[shard_id] = lease
        return True

    async def _renew(
        self, shard_id: str, checkpoint: str | None = None, *, finished: bool = False
    ) -> bool:
        now = time.time()
        update = self.leases.update(shard_id=shard_id).set("lease_until", now + self.lease_seconds)
        if checkpoint is not None:
            update.set("checkpoint", checkpoint)
        if finished:
            update.set("finished", True)
        update.condition(attr("owner") == self.owner).returning("ALL_NEW")
        try:
            lease = await update.execute()
        except (ConditionFailedError, ItemNotFoundError):
            log.warning("lost the lease of shard %s", shard_id)
            self._owned.pop(shard_id, None)
            self._iterators.pop(shard_id, None)
            return False
        assert lease is not None
        self._owned[shard_id] = lease
        self._state[shard_id] = lease
        if finished:
            self._owned.pop(shard_id, None)
            self._iterators.pop(shard_id, None)
        return True

    async def release(self) -> None:
        """Give up every lease now (a clean stop), so another consumer goes on at once."""
        for shard_id in list(self._owned):
            with contextlib.suppress(DataError, ConditionFailedError):
                await (
                    self.leases.update(shard_id=shard_id)
                    .set("lease_until", 0)
                    .condition(attr("owner") == self.owner)
                    .execute()
                )
        self._owned.clear()
        self._iterators.clear()

    # -- reading --------------------------------------------------------------------------

    async def _iterator(self, shard_id: str) -> str:
        lease = self._owned[shard_id]
        payload: dict[str, Any] = {"StreamArn": await self.stream_arn(), "ShardId": shard_id}
        if lease.checkpoint:
            payload |= {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "SequenceNumber": lease.checkpoint,
            }
        else:
            payload["ShardIteratorType"] = "TRIM_HORIZON"
        try:
            response = await self.streams.call("GetShardIterator", payload)
        except ServiceError as error:
            if error.code != "TrimmedDataAccessException":
                raise
            log.error("shard %s was trimmed past its checkpoint; resuming at the oldest", shard_id)
            payload = {k: v for k, v in payload.items() if k != "SequenceNumber"}
            payload["ShardIteratorType"] = "TRIM_HORIZON"
            response = await self.streams.call("GetShardIterator", payload)
        return str(response["ShardIterator"])

    async def _poll(self, shard_id: str) -> int:
        """Read and handle one batch of a shard we hold; returns how many records it had
        that were not the pipeline's own bookkeeping. Raises when a record could be neither
        handled nor set aside (the caller backs off; the checkpoint stays before it)."""
        iterator = self._iterators.get(shard_id) or await self._iterator(shard_id)
        try:
            response = await self.streams.call(
                "GetRecords", {"ShardIterator": iterator, "Limit": self.batch_size}
            )
        except ServiceError as error:
            if error.code not in ("ExpiredIteratorException", "TrimmedDataAccessException"):
                raise
            self._iterators.pop(shard_id, None)
            return 0
        records: list[dict[str, Any]] = response.get("Records", [])
        following = response.get("NextShardIterator")
        meaningful = 0
        if not records and following is not None:
            self.stats.lag_seconds = 0.0  # nothing waiting: caught up
        if records:
            created = records[-1].get("dynamodb", {}).get("ApproximateCreationDateTime")
            if created is not None:
                self.stats.lag_seconds = max(time.time() - float(created), 0.0)
            outcome = await self.processor.process(records)
            self.stats.batches += 1
            self.stats.records += len(records)
            self.stats.handled += outcome.handled
            self.stats.parked += outcome.parked
            if outcome.failed_at is not None:
                if outcome.last_done is not None:
                    await self._renew(shard_id, outcome.last_done)
                self._iterators.pop(shard_id, None)
                raise DataError(f"shard {shard_id}: a record could not be handled nor set aside")
            if outcome.meaningful:
                meaningful = len(records)
                if not await self._renew(shard_id, records[-1]["dynamodb"]["SequenceNumber"]):
                    return 0
        if following is None:  # closed and read to its end: its children may start
            last = records[-1]["dynamodb"]["SequenceNumber"] if records else None
            await self._renew(shard_id, last, finished=True)
            self._refreshed = 0.0
            return meaningful
        self._iterators[shard_id] = str(following)
        lease = self._owned.get(shard_id)
        if lease is not None and lease.lease_until - time.time() < self.lease_seconds / 2:
            await self._renew(shard_id)
        return meaningful

    async def _claim(self, shard_ids: list[str], *, eager: bool) -> None:
        now = time.monotonic()
        for shard_id in shard_ids:
            if shard_id in self._owned:
                continue
            if not eager and now - self._tried.get(shard_id, 0.0) < self.lease_seconds / 2:
                continue
            self._tried[shard_id] = now
            await self._acquire(shard_id)

    async def step(self, *, eager: bool = False) -> tuple[int, list[str]]:
        """One pass over the ready shards: (records that were not bookkeeping, shards
        ready but held by another consumer)."""
        if time.monotonic() - self._refreshed > self.refresh_seconds:
            await self._refresh()
        ready = self._ready()
        await self._claim(ready, eager=eager)
        busy = 0
        for shard_id in ready:
            if shard_id in self._owned:
                busy += await self._poll(shard_id)
        return busy, [s for s in self._ready() if s not in self._owned]

    # -- running --------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Work the stream until ``stop`` is set; failures back off and are retried."""
        delay = self.poll_seconds
        try:
            while not stop.is_set():
                try:
                    busy, _ = await self.step()
                    delay = self.poll_seconds
                except (DataError, OSError) as error:
                    log.warning("stream consumer: %s; retrying in %.1f s", error, delay)
                    busy = 0
                    delay = min(delay * 2, 30.0)
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
        finally:
            with contextlib.suppress(Exception):
                await self.release()

    async def drain(self, within: float = 300.0, *, wait_for_others: bool = True) -> ConsumerStats:
        """Handle everything on the stream now, then return (for scripts, tests, demos).
        A shard held by another live consumer is waited for until its lease expires, or,
        with ``wait_for_others=False``, left to it at once (ShardBusyError says who)."""
        deadline = time.monotonic() + within
        self._refreshed = 0.0
        try:
            while True:
                busy, others = await self.step(eager=True)
                if not busy and not others:
                    return self.stats
                if others and not busy and not wait_for_others:
                    raise ShardBusyError(
                        f"shards worked by another consumer: {self._holders(others)}"
                    )
                if time.monotonic() > deadline:
                    holders = self._holders(others)
                    raise ShardBusyError(
                        f"gave up after {within:.0f} s; "
                        + (
                            f"shards worked by another consumer: {holders}"
                            if holders
                            else "the stream kept changing"
                        )
                    )
                if others and not busy:
                    await asyncio.sleep(min(1.0, self.lease_seconds / 4))
                    self._refreshed = 0.0
        finally:
            await self.release()

    def _holders(self, shards: list[str]) -> str:
        return ", ".join(
            f"{s} (held by {self._state[s].owner})" for s in shards if s in self._state
        )

    async def close(self) -> None:
        if self._own_streams:
            await self.streams.close()
