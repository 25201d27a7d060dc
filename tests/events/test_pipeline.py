"""The pipeline itself: AWS-shaped records on the Lambda handler, poisoned records set aside
and replayed, one consumer per shard, a consumer killed mid fan-out."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from instaclone.data import Connection
from instaclone.domain import SCHEMA, FeedItem, Follow, InstagramService, Photo
from instaclone.engine import LocalEngine
from instaclone.engine.local import _die_with_parent
from instaclone.events import INSERT, Processor, Router, StreamConsumer, StreamRecord
from instaclone.events.aws_lambda import handle_event
from instaclone.events.consumer import ShardBusyError
from instaclone.events.worker import processor
from tests.events.conftest import FAST_RETRY, drain, fresh_app, users
from tests.helpers import unique


def image(model: Any) -> dict[str, Any]:
    meta = SCHEMA.meta(type(model))
    return meta.to_item(meta.dump(model))


def lambda_record(seq: int, event: str, new: Any = None, old: Any = None) -> dict[str, Any]:
    """A record exactly as a DynamoDB Streams event source mapping hands it to Lambda."""
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": 1795786800.0,
        "Keys": {k: v for k, v in image(new or old).items() if k in ("PK", "SK")},
        "SequenceNumber": f"{seq:021d}",
        "SizeBytes": 120,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        body["NewImage"] = image(new)
    if old is not None:
        body["OldImage"] = image(old)
    return {
        "eventID": f"e{seq}",
        "eventName": event,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": body,
        "eventSourceARN": (
            "arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2026-11-27T00:00:00.000"
        ),
    }


async def test_lambda_handler_fans_out_aws_shaped_records(connection: Connection) -> None:
    app = await fresh_app(connection)
    author, fan = unique("a").lower(), unique("f").lower()
    await users(app, author, fan)
    await app.follow_user(fan, author)
    photo = Photo(username=author, url="https://x.example/1.jpg", caption="hello")
    follow = Follow(followed_username=author, following_username=fan)
    event = {"Records": [lambda_record(1, INSERT, follow), lambda_record(2, INSERT, photo)]}
    assert await handle_event(event, app) == {"batchItemFailures": []}
    assert await app.feed_items.get(username=fan, photo_id=photo.photo_id).execute() is not None
    assert await handle_event(event, app) == {"batchItemFailures": []}  # again: no change
    assert len(await app.feed_items.query(username=fan).all()) == 1


async def test_a_poisoned_record_is_set_aside_and_the_rest_go_on(connection: Connection) -> None:
    app = await fresh_app(connection)
    author, fan = unique("a").lower(), unique("f").lower()
    await users(app, author, fan)
    await app.follow_user(fan, author)
    calls: list[str] = []
    broken = True
    router = Router()

    @router.on(Photo, INSERT)
    async def fragile(record: StreamRecord, service: InstagramService) -> None:
        calls.append(record.event_id)
        if broken and "poison" in (record.new.caption or ""):
            raise RuntimeError("cannot handle this one")
        await service.feed_writer.push_photo(record.new)

    pipeline = Processor(router, app, app.table, SCHEMA, FAST_RETRY)
    photos = [
        Photo(username=author, url="https://x.example/1.jpg", caption=c)
        for c in ("first", "poison", "third")
    ]
    outcome = await pipeline.process(
        [lambda_record(i + 1, INSERT, p) for i, p in enumerate(photos)]
    )
    assert outcome.response() == {"batchItemFailures": []}
    assert (outcome.handled, outcome.parked) == (3, 1)
    assert calls.count("e2") == FAST_RETRY.max_attempts  # retried, then set aside
    feed = {i.photo_id for i in await app.feed_items.query(username=fan).all()}
    assert feed == {photos[0].photo_id, photos[2].photo_id}  # the rest went on
    parked = await pipeline.list_parked()
    assert [(p.event_id, p.handler) for p in parked] == [("e2", "test_pipeline.fragile")]
    assert "cannot handle this one" in parked[0].error

    broken = False  # fixed: replay handles it and removes it from the list
    assert await pipeline.replay() == (1, 0)
    assert await pipeline.list_parked() == []
    assert photos[1].photo_id in {
        i.photo_id for i in await app.feed_items.query(username=fan).all()
    }


async def test_lambda_reports_the_record_it_could_not_even_set_aside(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    router = Router()

    @router.on(Photo, INSERT)
    async def always_fails(record: StreamRecord, service: InstagramService) -> None:
        raise RuntimeError("boom")

    pipeline = Processor(router, app, app.table, SCHEMA, FAST_RETRY)
    await app.table.delete_table()  # nowhere to set it aside any more
    photos = [Photo(username="a", url="https://x.example/1.jpg") for _ in range(3)]
    outcome = await pipeline.process(
        [lambda_record(i + 7, INSERT, p) for i, p in enumerate(photos)]
    )
    assert outcome.response() == {"batchItemFailures": [{"itemIdentifier": f"{7:021d}"}]}


async def test_two_consumers_started_together_never_both_work_a_shard(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    author, fan = unique("a").lower(), unique("f").lower()
    await users(app, author, fan)
    await app.follow_user(fan, author)
    for i in range(5):
        await app.create_photo(author, f"https://x.example/{i}.jpg")
    one = StreamConsumer(app.table, processor(app, FAST_RETRY), owner="one", lease_seconds=30)
    two = StreamConsumer(app.table, processor(app, FAST_RETRY), owner="two", lease_seconds=30)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(c.run(stop)) for c in (one, two)]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if len(await app.feed_items.query(username=fan).all()) >= 5:
            break
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*tasks)
    await one.close()
    await two.close()
    assert len(await app.feed_items.query(username=fan).all()) == 5
    worked = [c.owner for c in (one, two) if c.stats.records]
    assert len(worked) == 1, (one.stats, two.stats)


def worker_process(engine: LocalEngine, table: str, home: Path) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INSTACLONE_"))},
        "AWS_ENDPOINT_URL_DYNAMODB": engine.endpoint,
        "AWS_ACCESS_KEY_ID": "tests",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "us-east-1",
        "INSTACLONE_HOME": str(home),
        "INSTACLONE_TABLE": table,
        "INSTACLONE_PIPELINE_LEASE_SECONDS": "3",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "instaclone.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )


async def test_consumer_killed_mid_fan_out_resumes_and_every_follower_has_the_post_once(
    connection: Connection, engine: LocalEngine, tmp_path: Path
) -> None:
    app = await fresh_app(connection)
    author = unique("a").lower()
    await users(app, author)
    fans = [f"f{i:05d}{author}"[:30] for i in range(5_000)]
    batch = app.table.batch_write()
    for fan in fans:  # the fan-out reads only the follow items
        batch.put(Follow(followed_username=author, following_username=fan))
    await batch.execute(concurrency=8)
    skip = StreamConsumer(app.table, Processor(Router(), app, app.table, SCHEMA))
    await skip.drain()  # past the 5,000 follow records: this test is about the photo's
    await skip.close()
    photo = await app.create_photo(author, "https://x.example/big.jpg", "to everyone")

    worker = worker_process(engine, app.table.name, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            some = await app.table.batch_get(
                (FeedItem, {"username": f, "photo_id": photo.photo_id}) for f in fans[::50]
            ).execute()
            reached = sum(1 for s in some if s is not None)
            if reached:
                break
            await asyncio.sleep(0.05)
        assert 0 < reached < len(fans[::50]), "kill it in the middle of the fan-out"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    await drain(app)  # takes the shard over once the dead worker's lease expires, resumes
    found = await app.table.batch_get(
        (FeedItem, {"username": f, "photo_id": photo.photo_id}) for f in fans
    ).execute()
    assert sum(1 for f in found if f is not None) == len(fans)
    for fan in fans[::500]:  # exactly once: one item for the post in each feed
        assert [i.photo_id for i in await app.feed_items.query(username=fan).all()] == [
            photo.photo_id
        ]


async def test_a_drain_can_leave_a_live_consumers_shards_to_it(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, unique("a").lower())
    live = StreamConsumer(app.table, processor(app, FAST_RETRY), owner="server", lease_seconds=30)
    stop = asyncio.Event()
    running = asyncio.create_task(live.run(stop))
    for _ in range(100):  # until it holds the shard
        if live._owned:
            break
        await asyncio.sleep(0.05)
    other = StreamConsumer(app.table, processor(app, FAST_RETRY), owner="script", lease_seconds=30)
    started = time.monotonic()
    with pytest.raises(ShardBusyError, match="held by server"):
        await other.drain(within=60, wait_for_others=False)
    assert time.monotonic() - started < 20  # told at once, not after the lease ran out
    stop.set()
    await running
    await live.close()
    await other.close()
