"""Shards that close and split: a child shard is read only once its parent is finished.
DynamoDB Local keeps one shard for a table's life, so the Streams API is scripted here
(the guide's exception: what no engine produces) in front of a real table for the leases."""

from __future__ import annotations

from typing import Any

from instaclone.data import Connection
from instaclone.domain import SCHEMA, InstagramService, Photo
from instaclone.events import INSERT, Processor, Router, StreamConsumer, StreamRecord
from tests.events.conftest import fresh_app
from tests.events.test_pipeline import lambda_record


class ScriptedStreams:
    """A parent shard (closed) split into two children, each with records."""

    def __init__(self, shards: dict[str, tuple[str | None, list[dict[str, Any]], bool]]) -> None:
        self.shards = shards  # id -> (parent, records, closed)
        self.reads: list[str] = []

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if action == "DescribeStream":
            listed = []
            for shard_id, (parent, _, _) in self.shards.items():
                entry: dict[str, Any] = {"ShardId": shard_id}
                if parent:
                    entry["ParentShardId"] = parent
                listed.append(entry)
            return {"StreamDescription": {"Shards": listed}}
        if action == "GetShardIterator":
            shard_id = payload["ShardId"]
            records = self.shards[shard_id][1]
            start = 0
            if payload["ShardIteratorType"] == "AFTER_SEQUENCE_NUMBER":
                seqs = [r["dynamodb"]["SequenceNumber"] for r in records]
                start = seqs.index(payload["SequenceNumber"]) + 1
            return {"ShardIterator": f"{shard_id}|{start}"}
        if action == "GetRecords":
            shard_id, start = payload["ShardIterator"].split("|")
            _, records, closed = self.shards[shard_id]
            batch = records[int(start) : int(start) + 2]
            self.reads.append(shard_id)
            end = int(start) + len(batch)
            following = None if closed and end >= len(records) else f"{shard_id}|{end}"
            return {"Records": batch, "NextShardIterator": following}
        raise AssertionError(action)

    async def close(self) -> None:
        pass


async def test_children_start_after_their_parent_is_finished(connection: Connection) -> None:
    app: InstagramService = await fresh_app(connection)
    order: list[str] = []
    router = Router()

    @router.on(Photo, INSERT)
    async def note(record: StreamRecord, service: InstagramService) -> None:
        order.append(record.event_id)

    def recs(first: int, n: int) -> list[dict[str, Any]]:
        return [
            lambda_record(i, INSERT, Photo(username="a", url="https://x.example/p.jpg"))
            for i in range(first, first + n)
        ]

    streams = ScriptedStreams(
        {
            # listed children first: the consumer must still wait for the parent
            "child-a": ("parent", recs(10, 3), False),
            "child-b": ("parent", recs(20, 2), False),
            "parent": (None, recs(1, 5), True),
        }
    )
    pipeline = Processor(router, app, app.table, SCHEMA)
    consumer = StreamConsumer(app.table, pipeline, streams=streams, lease_seconds=5)  # type: ignore[arg-type]
    await consumer.drain(within=60)
    assert order[:5] == [f"e{i}" for i in range(1, 6)]  # the whole parent first
    assert sorted(order[5:]) == sorted([f"e{i}" for i in (10, 11, 12, 20, 21)])
    assert len(order) == 10  # each once

    # A restart resumes from the checkpoints: nothing is handled again.
    again = StreamConsumer(app.table, pipeline, streams=streams, lease_seconds=5)  # type: ignore[arg-type]
    await again.drain(within=60)
    assert len(order) == 10
    leases = {lease.shard_id: lease for lease in await again.leases.query().all()}
    assert leases["parent"].finished and leases["parent"].checkpoint == f"{5:021d}"
    assert leases["child-a"].checkpoint == f"{12:021d}" and not leases["child-a"].finished
