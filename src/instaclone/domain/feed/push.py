"""Reading the home feed and the story tray that the pipeline writes.

A feed page is one Query on the reader's ``FEED#`` partition and one GetItem of the reader's
pull set (at once), then one BatchGetItem that brings each photo's current state, whether
the reader liked it, and the follow that makes it visible: 3 calls, whatever the number of
accounts followed. Accounts above the follower threshold are merged in from their own photos
(cached briefly per process). A deleted photo or an unfollowed author drops out at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from instaclone.data import InvalidCursorError, Table, attr
from instaclone.data.cursor import decode_cursor, encode_cursor
from instaclone.domain.feed.fanout import FeedWriter, feed_item, latest_live_story, tray_rank
from instaclone.domain.feed.policy import FeedPolicy
from instaclone.domain.feed.pull import FanOutOnReadFeed
from instaclone.domain.models import (
    FeedItem,
    FeedState,
    Follow,
    Like,
    Photo,
    PullSet,
    SavedMark,
    Story,
    TrayEntry,
    User,
)
from instaclone.domain.views import FeedPage, TrayItem, TrayPage

MAX_ROUNDS = 3
"""Rounds of reading when deleted photos or unfollowed authors thin a page out."""


@dataclass(frozen=True)
class _Candidate:
    photo_id: str
    author: str


class PullCache:
    """The newest photos and live stories of accounts read by pull, kept a few seconds per
    process so a popular account's partition is not read once per follower."""

    def __init__(self, table: Table, seconds: float, depth: int = 60) -> None:
        self.photos = table.entity(Photo)
        self.stories = table.entity(Story)
        self.seconds = seconds
        self.depth = depth
        self._photos: dict[str, tuple[float, list[Photo], bool]] = {}
        self._stories: dict[str, tuple[float, Story | None]] = {}

    async def photos_before(self, author: str, before: str | None, limit: int) -> list[Photo]:
        now = time.monotonic()
        cached = self._photos.get(author)
        if cached is None or now - cached[0] > self.seconds:
            page = await self.photos.query(username=author).descending().limit(self.depth).execute()
            cached = (now, page.items, page.cursor is None)
            self._photos[author] = cached
        _, photos, complete = cached
        older = [p for p in photos if before is None or p.photo_id < before]
        if len(older) >= limit or complete:
            return older[:limit]
        query = self.photos.query(username=author).descending().limit(limit)
        if before is not None:
            query.sort_lt(photo_id=before)
        return (await query.execute()).items

    async def live_story(self, author: str) -> Story | None:
        now = time.monotonic()
        cached = self._stories.get(author)
        if cached is None or now - cached[0] > self.seconds:
            cached = (now, await latest_live_story(self.stories, author))
            self._stories[author] = cached
        story = cached[1]
        if story is not None and story.expires_at and story.expires_at <= time.time():
            return None
        return story


class PushFeed:
    def __init__(
        self, table: Table, policy: FeedPolicy | None = None, cache: PullCache | None = None
    ) -> None:
        self.table = table
        self.policy = policy or FeedPolicy()
        self.feed_items = table.entity(FeedItem)
        self.states = table.entity(FeedState)
        self.pull_sets = table.entity(PullSet)
        self.cache = cache or PullCache(table, self.policy.pull_cache_seconds)
        self.rebuilder = FanOutOnReadFeed(table, max_followees=self.policy.rebuild_followees)

    def _scope(self, username: str) -> str:
        return f"feed|{username}"

    def _before(self, username: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        try:
            key = decode_cursor(
                cursor, secret=self.table.cursor_secret, scope=self._scope(username)
            )
            return str(key["before"]["S"])
        except (InvalidCursorError, KeyError, TypeError):
            raise InvalidCursorError(
                "invalid feed cursor (altered, or from another feed)"
            ) from None

    async def pulled(self, username: str) -> list[str]:
        found = await self.pull_sets.get(username=username).execute()
        return sorted(found.authors)[: self.policy.max_pulled] if found else []

    async def _candidates(
        self, username: str, before: str | None, limit: int, pulled: Sequence[str] | None
    ) -> tuple[list[_Candidate], bool, list[str]]:
        """Up to ``limit`` newest photo references older than ``before`` from the feed and
        the pulled accounts, and whether there may be more."""
        # One more than asked: a full page is then known to be the last one or not, so the
        # reader is never handed a cursor to an empty page.
        query = self.feed_items.query(username=username).descending().limit(limit + 1)
        if before is not None:
            query.sort_lt(photo_id=before)
        if pulled is None:
            page, pulled_now = await asyncio.gather(query.execute(), self.pulled(username))
            pulled = pulled_now
        else:
            page = await query.execute()
        found = {i.photo_id: _Candidate(i.photo_id, i.author) for i in page.items}
        # Pulled accounts are read at once (and mostly from the cache), not one after another.
        for photos in await asyncio.gather(
            *(self.cache.photos_before(author, before, limit + 1) for author in pulled)
        ):
            for p in photos:
                found.setdefault(p.photo_id, _Candidate(p.photo_id, p.username))
        ordered = sorted(found.values(), key=lambda c: c.photo_id, reverse=True)
        return ordered[:limit], len(ordered) > limit, list(pulled)

    async def _hydrate(
        self, username: str, candidates: list[_Candidate]
    ) -> tuple[list[Photo], set[str], set[str], dict[str, User]]:
        """The photos as they are now, each still visible to the reader (photo exists, its
        author is the reader or followed by them), which the reader liked and saved, and
        the authors' profiles."""
        authors = sorted({c.author for c in candidates if c.author != username})
        requests: list[tuple[type[Any], dict[str, Any]]] = [
            (Photo, {"username": c.author, "photo_id": c.photo_id}) for c in candidates
        ]
        requests += [
            (Like, {"photo_id": c.photo_id, "liking_username": username}) for c in candidates
        ]
        requests += [
            (SavedMark, {"username": username, "photo_id": c.photo_id}) for c in candidates
        ]
        requests += [
            (Follow, {"followed_username": a, "following_username": username}) for a in authors
        ]
        everyone = sorted({c.author for c in candidates})
        requests += [(User, {"username": a}) for a in everyone]
        results = await self.table.batch_get(requests).execute()
        n, k = len(candidates), len(authors)
        photos, likes, saves = results[:n], results[n : 2 * n], results[2 * n : 3 * n]
        follows, users = results[3 * n : 3 * n + k], results[3 * n + k :]
        followed = {a for a, f in zip(authors, follows, strict=True) if f is not None}
        followed.add(username)
        visible = [p for p in photos if p is not None and p.username in followed]
        liked = {like.photo_id for like in likes if like is not None}
        saved = {mark.photo_id for mark in saves if mark is not None}
        profiles = {u.username: u for u in users if u is not None}
        return visible, liked, saved, profiles

    async def _rebuild_if_needed(self, username: str) -> bool:
        """An empty feed is rebuilt once by pull (the seed's algorithm, bounded); the mark
        expires with the feed, so a reader back after longer than that is rebuilt again."""
        if await self.states.get(username=username).execute() is not None:
            return False
        now = int(time.time())
        page = await self.rebuilder.page(username, self.policy.rebuild_items, None)
        batch = self.table.batch_write()
        for photo in page.items:
            batch.put(feed_item(username, photo, self.policy, now))
        batch.put(
            FeedState(username=username, rebuilt_at=now, expires_at=now + self.policy.lifetime)
        )
        await batch.execute()
        return bool(page.items)

    async def page(self, username: str, limit: int, cursor: str | None) -> FeedPage:
        limit = min(limit, self.policy.max_page)
        before = self._before(username, cursor)
        items: list[Photo] = []
        liked: set[str] = set()
        saved: set[str] = set()
        authors: dict[str, User] = {}
        pulled: list[str] | None = None
        more = False
        last: str | None = before
        for _ in range(MAX_ROUNDS):
            want = limit - len(items)
            candidates, more, pulled = await self._candidates(username, last, want, pulled)
            rebuild = not candidates and last is None and not pulled
            if rebuild and await self._rebuild_if_needed(username):
                candidates, more, pulled = await self._candidates(username, None, want, pulled)
            if not candidates:
                more = False
                break
            visible, liked_now, saved_now, authors_now = await self._hydrate(username, candidates)
            items += visible
            liked |= liked_now
            saved |= saved_now
            authors |= authors_now
            last = candidates[-1].photo_id
            if len(items) >= limit or not more:
                break
        next_cursor = None
        if more and last is not None:
            next_cursor = encode_cursor(
                {"before": {"S": last}},
                secret=self.table.cursor_secret,
                scope=self._scope(username),
            )
        return FeedPage(items, next_cursor, liked, saved, authors)


class StoryTray:
    """The story tray: your own story first, then each followee with a live story (one
    Query of the tray entries the pipeline wrote, with the pull set read at once), plus
    accounts read by pull on the first page."""

    def __init__(self, table: Table, feed: PushFeed) -> None:
        self.table = table
        self.feed = feed
        self.entries = table.entity(TrayEntry)

    async def page(self, username: str, limit: int, cursor: str | None) -> TrayPage:
        query = self.entries.query(username=username).limit(limit).after(cursor)
        query.filter(attr("expires_at") > int(time.time()))
        if cursor is None:
            page, pulled = await asyncio.gather(query.execute(), self.feed.pulled(username))
        else:
            page, pulled = await query.execute(), []
        items = [TrayItem(e.author, e.story_id, e.expires_at) for e in page.items]
        if pulled:
            stories = await asyncio.gather(*(self.feed.cache.live_story(a) for a in pulled))
            extra = [TrayItem(s.username, s.story_id, s.expires_at or 0) for s in stories if s]
            own = [i for i in items if tray_rank(username, i.username) == "0"]
            rest = [i for i in items if i not in own]
            have = {i.username for i in items}
            items = own + [i for i in extra if i.username not in have] + rest
        return TrayPage(items, page.cursor)


__all__ = ["FeedWriter", "PullCache", "PushFeed", "StoryTray"]
