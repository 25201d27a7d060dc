"""Home feed and story tray, pull (the seed's fan-out on read) against push (the pipeline's
materialised feed), at 10 to 10,000 accounts followed; and fan-out of one post to 1,000 and
10,000 followers through the real stream consumer. One engine, one run.

    .venv/bin/python -m bench.feed_scaling [--sizes 10,100,1000,10000] [--fanouts 1000,10000]

Prints DynamoDB calls and latency per page (median over repeats), the push/pull ratio, the
time from a post to its last follower's feed item (p50/p99 over posts), write throughput,
and what the fan-out costs on AWS on-demand ($0.625 per million write request units).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from tests.domain.conftest import CountingConnection

from instaclone.data import Table
from instaclone.domain import SCHEMA, Follow, InstagramService, Photo, Story, User
from instaclone.domain.feed import FanOutOnReadFeed, feed_item, tray_entry
from instaclone.domain.followees import all_followees
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.events import Processor, Router, StreamConsumer
from instaclone.events.worker import consumer
from instaclone.settings import Settings

WRU_PRICE = 0.625 / 1_000_000


async def timed(
    fn: Callable[[], Awaitable[Any]], counting: CountingConnection, repeat: int
) -> tuple[float, int]:
    """Median latency (ms) and DynamoDB calls of one run."""
    times = []
    calls = 0
    for _ in range(repeat):
        counting.reset()
        t0 = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - t0) * 1000)
        calls = sum(counting.calls.values())
    return statistics.median(times), calls


async def pull_tray(app: InstagramService, reader: str) -> list[str]:
    """The tray as it was read before the pipeline: one query of live stories per followee."""
    followees = await all_followees(app.follows, reader)
    gate = asyncio.Semaphore(16)
    now = int(time.time())

    async def live(author: str) -> bool:
        async with gate:
            page = await app.stories.query(username=author).descending().limit(5).execute()
        return any((s.expires_at or 0) > now for s in page.items)

    flags = await asyncio.gather(*(live(a) for a in followees))
    return [a for a, f in zip(followees, flags, strict=True) if f]


async def skip_stream(app: InstagramService) -> None:
    """Move the checkpoint past the set-up's own writes (nothing to handle in them here)."""
    skip = StreamConsumer(app.table, Processor(Router(), app, app.table, SCHEMA))
    await skip.drain(within=600)
    await skip.close()


async def seed_reads(app: InstagramService, sizes: list[int]) -> None:
    authors = [f"author{i:05d}" for i in range(max(sizes))]
    now = int(time.time())
    batch = app.table.batch_write()
    for i, a in enumerate(authors):
        batch.put(User(username=a, name=f"Author {i}"))
        for k in range(2):
            batch.put(Photo(username=a, url=f"https://x.example/{a}/{k}.jpg", caption=f"{a} {k}"))
        if i % 10 == 0:
            batch.put(
                Story(
                    username=a, frames=[{"url": "https://x.example/s.jpg"}], expires_at=now + 86400
                )
            )
    await batch.execute(concurrency=8)
    for n in sizes:
        reader = f"reader{n}"
        batch = app.table.batch_write()
        batch.put(User(username=reader, name=f"Reader {n}", following_count=n))
        for a in authors[:n]:
            batch.put(Follow(followed_username=a, following_username=reader))
        await batch.execute(concurrency=8)
        # The push side: what the fan-out and the follow backfill wrote for this reader
        # (newest photos, up to the feed's cap), and a tray entry per followee with a story.
        photos: list[Photo] = []
        for a in authors[:n]:
            photos += (await app.photos.query(username=a).execute()).items
        photos.sort(key=lambda p: p.photo_id, reverse=True)
        batch = app.table.batch_write()
        for p in photos[: app.policy.max_items]:
            batch.put(feed_item(reader, p, app.policy, now))
        for i, a in enumerate(authors[:n]):
            if i % 10 == 0:
                story = (await app.stories.query(username=a).execute()).items[0]
                batch.put(tray_entry(reader, story))
        await batch.execute(concurrency=8)


async def reads(app: InstagramService, counting: CountingConnection, sizes: list[int]) -> None:
    pull = FanOutOnReadFeed(app.table)
    print("\n### Feed page (30 photos) and story tray, by accounts followed\n")
    print(
        "| followed | pull feed calls | pull feed ms | push feed calls | push feed ms"
        " | push faster by | pull tray calls | pull tray ms | push tray calls"
        " | push tray ms | tray faster by |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        reader = f"reader{n}"
        repeat_pull = 3 if n >= 10_000 else 5
        pf_ms, pf_calls = await timed(partial(pull.page, reader, 30, None), counting, repeat_pull)
        sf_ms, sf_calls = await timed(partial(app.get_user_feed, reader, 30), counting, 20)
        pt_ms, pt_calls = await timed(partial(pull_tray, app, reader), counting, repeat_pull)
        st_ms, st_calls = await timed(partial(app.get_story_tray, reader, 50), counting, 20)
        print(
            f"| {n:,} | {pf_calls} | {pf_ms:.1f} | {sf_calls} | {sf_ms:.1f} | {pf_ms / sf_ms:.0f}× "
            f"| {pt_calls} | {pt_ms:.1f} | {st_calls} | {st_ms:.1f} | {pt_ms / st_ms:.0f}× |",
            flush=True,
        )


async def fanouts(
    app: InstagramService, counting: CountingConnection, followers: list[int], posts: int
) -> None:
    print("\n### Fan-out of one post through the stream consumer\n")
    print(
        "| followers | posts | post → every follower's feed, p50 s | p99 s"
        " | feed items written/s | BatchWriteItem calls per post | WRU per post"
        " | $ per post (AWS on-demand) | $ per million posts |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for f in followers:
        author = f"star{f}"
        batch = app.table.batch_write()
        batch.put(User(username=author, name="Star", follower_count=f))
        fans = [f"fan{f}x{i:05d}" for i in range(f)]
        for fan in fans:
            batch.put(Follow(followed_username=author, following_username=fan))
        await batch.execute(concurrency=8)
        await skip_stream(app)
        worker = consumer(app)
        delays: list[float] = []
        batch_calls = 0
        for k in range(posts):
            t0 = time.perf_counter()
            photo = await app.create_photo(author, f"https://x.example/{author}/{k}.jpg", "hello")
            counting.reset()
            await worker.drain(within=600)
            delays.append(time.perf_counter() - t0)
            batch_calls = counting.calls.get("BatchWriteItem", 0)
            found = await app.table.batch_get(
                (
                    type(feed_item("x", photo, app.policy)),
                    {"username": fan, "photo_id": photo.photo_id},
                )
                for fan in fans[:: max(1, f // 500)]
            ).execute()
            assert all(x is not None for x in found), "a follower lacks the post"
        await worker.close()
        delays.sort()
        p50 = statistics.median(delays)
        p99 = delays[min(len(delays) - 1, round(0.99 * (len(delays) - 1)))]
        wru = (
            f + 6
        )  # a feed item (< 1 KB) per follower; photo, counter, own feed: 2 each (transaction)
        print(
            f"| {f:,} | {posts} | {p50:.2f} | {p99:.2f} | {f / p50:,.0f} | {batch_calls} | {wru:,} "
            f"| {wru * WRU_PRICE:.5f} | {wru * WRU_PRICE * 1e6:,.0f} |",
            flush=True,
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--fanouts", default="1000,10000")
    parser.add_argument("--posts", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    followers = [int(s) for s in args.fanouts.split(",") if s]
    jar = ensure_engine((Settings.from_env().home / "engine").resolve())
    with LocalEngine(jar, access_key="bench") as engine:
        counting = CountingConnection(engine.endpoint)
        try:
            table = Table(counting, "FeedScaling", SCHEMA)
            await table.create(ttl_attribute="expiresAt")
            app = InstagramService(table)
            t0 = time.perf_counter()
            await seed_reads(app, sizes)
            print(f"seeded in {time.perf_counter() - t0:.0f} s", flush=True)
            await reads(app, counting, sizes)
            await fanouts(app, counting, followers, args.posts)
        finally:
            await counting.close()


if __name__ == "__main__":
    asyncio.run(main())
