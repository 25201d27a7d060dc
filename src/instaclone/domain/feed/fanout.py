"""Writing feeds and trays: the verbs the event pipeline calls after a write.

Mastodon's FeedManager shape: push, unpush, merge (on follow), unmerge (on unfollow), trim.
Every verb is idempotent (puts and deletes by key, set additions and removals), so a stream
record handled twice changes nothing. None of it runs in the request path of the write that
caused it, except the author's own feed item and tray entry (see photos.py and stories.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from instaclone.data import ConditionFailedError, EntityAccess, ItemNotFoundError, Table, attr
from instaclone.domain.feed.policy import FeedPolicy
from instaclone.domain.models import (
    FeedItem,
    Follow,
    Photo,
    PullSet,
    Story,
    TrayEntry,
    User,
)

CAPTION_SUMMARY = 100
FOLLOWER_PAGE = 1_000


def feed_item(reader: str, photo: Photo, policy: FeedPolicy, now: int | None = None) -> FeedItem:
    caption = photo.caption[:CAPTION_SUMMARY] if photo.caption else None
    return FeedItem(
        username=reader,
        photo_id=photo.photo_id,
        author=photo.username,
        caption=caption,
        expires_at=(now or int(time.time())) + policy.lifetime,
    )


def tray_entry(reader: str, story: Story) -> TrayEntry:
    return TrayEntry(
        username=reader,
        author=story.username,
        rank=tray_rank(reader, story.username),
        story_id=story.story_id,
        expires_at=story.expires_at or int(time.time()) + 24 * 3600,
    )


async def latest_live_story(stories: EntityAccess[Story], author: str) -> Story | None:
    """An author's newest story that has not expired (TTL deletes lag; DynamoDB Local's never
    come)."""
    query = stories.query(username=author).descending().limit(5)
    page = await query.filter(attr("expires_at") > int(time.time())).execute()
    return page.items[0] if page.items else None


def tray_rank(reader: str, author: str) -> str:
    """Your own story sorts first in your tray."""
    return "0" if reader == author else "1"


class FeedWriter:
    def __init__(self, table: Table, policy: FeedPolicy | None = None) -> None:
        self.table = table
        self.policy = policy or FeedPolicy()
        self.users = table.entity(User)
        self.photos = table.entity(Photo)
        self.stories = table.entity(Story)
        self.follows = table.entity(Follow)
        self.feed_items = table.entity(FeedItem)
        self.pull_sets = table.entity(PullSet)
        self.tray = table.entity(TrayEntry)

    # -- audiences ------------------------------------------------------------------------

    async def follower_pages(self, author: str) -> AsyncIterator[list[str]]:
        """Everyone following ``author``, a page at a time (1 MB pages at most)."""
        query = self.follows.query(followed_username=author).limit(FOLLOWER_PAGE)
        async for page in query.project("followingUsername").pages():
            yield [f["followingUsername"] for f in page.items]

    async def is_pulled(self, author: str) -> bool:
        """True when ``author`` is read by pull (above the follower threshold)."""
        user = await self.users.get(username=author).consistent().execute()
        return user is None or user.celebrity

    async def _each(self, items: list[str], work: Callable[[str], Awaitable[object]]) -> None:
        gate = asyncio.Semaphore(self.policy.fanout_concurrency * 2)

        async def one(item: str) -> None:
            async with gate:
                await work(item)

        await asyncio.gather(*(one(i) for i in items))

    # -- photos ---------------------------------------------------------------------------

    async def push_photo(self, photo: Photo) -> int:
        """Fan a new photo out to the author's followers (25 per BatchWriteItem, unprocessed
        items retried); none for an account read by pull. Returns the readers reached."""
        if await self.is_pulled(photo.username):
            return 0
        now = int(time.time())
        reached = 0
        async for readers in self.follower_pages(photo.username):
            batch = self.table.batch_write()
            for reader in readers:
                batch.put(feed_item(reader, photo, self.policy, now))
            await batch.execute(concurrency=self.policy.fanout_concurrency)
            reached += len(readers)
            await self._each(
                [r for r in readers if random.randrange(self.policy.trim_every) == 0], self.trim
            )
        return reached

    async def unpush_photo(self, photo: Photo) -> None:
        """Take a deleted photo out of its author's and followers' feeds. Readers who have
        unfollowed since never see it (pages drop missing photos) and TTL removes theirs."""
        readers = [photo.username]
        async for page in self.follower_pages(photo.username):
            readers.extend(page)
        batch = self.table.batch_write()
        for reader in dict.fromkeys(readers):
            batch.delete(FeedItem, username=reader, photo_id=photo.photo_id)
        await batch.execute(concurrency=self.policy.fanout_concurrency)

    async def trim(self, reader: str) -> int:
        """Delete all but the newest ``max_items`` of a reader's feed; returns how many."""
        query = self.feed_items.query(username=reader).descending().limit(1_000)
        kept = 0
        batch = self.table.batch_write()
        async for page in query.project("photoId").pages():
            for item in page.items:
                kept += 1
                if kept > self.policy.max_items:
                    batch.delete(FeedItem, username=reader, photo_id=item["photoId"])
        if len(batch):
            await batch.execute()
        return len(batch)

    # -- follows --------------------------------------------------------------------------

    async def merge(self, reader: str, author: str) -> None:
        """``reader`` now follows ``author``: pull them if they are above the threshold,
        otherwise put their latest photos in the reader's feed; their live story in the tray."""
        if await self.is_pulled(author):
            await self.pull_sets.update(username=reader).add("authors", {author}).upsert().execute()
            return
        latest, story = await asyncio.gather(
            self.latest_photos(author), self.latest_live_story(author)
        )
        batch = self.table.batch_write()
        now = int(time.time())
        for photo in latest:
            batch.put(feed_item(reader, photo, self.policy, now))
        if story is not None:
            batch.put(tray_entry(reader, story))
        if len(batch):
            await batch.execute()

    async def unmerge(self, reader: str, author: str) -> None:
        """``reader`` stopped following ``author``: their photos and story leave the reader's
        feed and tray (pages already hide them: they check the follow)."""
        with contextlib.suppress(ItemNotFoundError, ConditionFailedError):
            await (
                self.pull_sets.update(username=reader)
                .delete_from_set("authors", {author})
                .execute()
            )
        batch = self.table.batch_write()
        query = self.feed_items.query(username=reader).filter(attr("author") == author)
        async for page in query.project("photoId").pages():
            for item in page.items:
                batch.delete(FeedItem, username=reader, photo_id=item["photoId"])
        batch.delete(TrayEntry, username=reader, rank=tray_rank(reader, author), author=author)
        await batch.execute()

    # -- accounts crossing the follower threshold ------------------------------------------

    async def reclassify(self, user: User) -> bool | None:
        """Set or clear ``celebrity`` when the follower count crossed the threshold (with
        hysteresis). Returns the new state when it changed, else None."""
        wanted = self.policy.is_celebrity(user.follower_count, user.celebrity)
        if wanted == user.celebrity:
            return None
        try:
            await (
                self.users.update(username=user.username)
                .set("celebrity", wanted)
                .condition(attr("celebrity").not_exists() | (attr("celebrity") != wanted))
                .execute()
            )
        except (ItemNotFoundError, ConditionFailedError):
            return None
        return wanted

    async def promote(self, author: str) -> None:
        """``author`` is now read by pull: every follower's pull set names them."""

        async def add(reader: str) -> None:
            await self.pull_sets.update(username=reader).add("authors", {author}).upsert().execute()

        async for readers in self.follower_pages(author):
            await self._each(readers, add)

    async def demote(self, author: str) -> None:
        """``author`` is fanned out to again: out of every pull set, latest photos pushed."""

        async def move(reader: str) -> None:
            with contextlib.suppress(ItemNotFoundError, ConditionFailedError):
                await (
                    self.pull_sets.update(username=reader)
                    .delete_from_set("authors", {author})
                    .execute()
                )

        latest = await self.latest_photos(author)
        now = int(time.time())
        async for readers in self.follower_pages(author):
            await self._each(readers, move)
            batch = self.table.batch_write()
            for reader in readers:
                for photo in latest:
                    batch.put(feed_item(reader, photo, self.policy, now))
            await batch.execute(concurrency=self.policy.fanout_concurrency)

    # -- stories --------------------------------------------------------------------------

    async def latest_photos(self, author: str) -> list[Photo]:
        """What a new follower's feed gets: the author's latest ``backfill`` photos."""
        page = (
            await self.photos.query(username=author)
            .descending()
            .limit(self.policy.backfill)
            .execute()
        )
        return page.items

    async def latest_live_story(self, author: str) -> Story | None:
        return await latest_live_story(self.stories, author)

    async def push_story(self, story: Story) -> int:
        """A new story reaches each follower's tray (one entry per author, overwritten by
        the newer story, expiring with it); none for an account read by pull."""
        if await self.is_pulled(story.username):
            return 0
        reached = 0
        async for readers in self.follower_pages(story.username):
            batch = self.table.batch_write()
            for reader in readers:
                batch.put(tray_entry(reader, story))
            await batch.execute(concurrency=self.policy.fanout_concurrency)
            reached += len(readers)
        return reached
