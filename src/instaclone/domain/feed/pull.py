"""The seed's feed algorithm (fan-out on read), made whole.

``FanOutOnReadFeed`` reads every followee (the seed stopped at 100), asks each for its photos
older than the cursor, and merges. Its cost grows with the number of followees (one Query
each), so the product reads the push feed (push.py) and uses this only to rebuild a feed that
is empty or expired, from a bounded number of followees; the benchmark compares the two.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from instaclone.data import InvalidCursorError, Table
from instaclone.data.cursor import decode_cursor, encode_cursor
from instaclone.domain.followees import all_followees
from instaclone.domain.models import Follow, Photo
from instaclone.domain.views import FeedPage

FOLLOWEE_QUERIES_AT_ONCE = 16


class Feed(Protocol):
    async def page(self, username: str, limit: int, cursor: str | None) -> FeedPage: ...


class FanOutOnReadFeed:
    def __init__(self, table: Table, max_followees: int | None = None) -> None:
        self.table = table
        self.max_followees = max_followees
        self.follows = table.entity(Follow)
        self.photos = table.entity(Photo)

    def _before(self, username: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        try:
            key = decode_cursor(cursor, secret=self.table.cursor_secret, scope=f"feed|{username}")
            return str(key["before"]["S"])
        except (InvalidCursorError, KeyError, TypeError):
            raise InvalidCursorError(
                "invalid feed cursor (altered, or from another feed)"
            ) from None

    async def page(self, username: str, limit: int, cursor: str | None) -> FeedPage:
        before = self._before(username, cursor)
        followees = await all_followees(self.follows, username)
        if self.max_followees is not None:
            followees = followees[: self.max_followees]
        gate = asyncio.Semaphore(FOLLOWEE_QUERIES_AT_ONCE)

        async def newest(followee: str) -> tuple[list[Photo], bool]:
            query = self.photos.query(username=followee).descending().limit(limit)
            if before is not None:
                query.sort_lt(photo_id=before)
            async with gate:
                page = await query.execute()
            return page.items, page.cursor is not None

        results = await asyncio.gather(*(newest(f) for f in followees))
        # Photo ids are ULIDs: their order is their creation order, across users.
        candidates = sorted(
            (photo for items, _ in results for photo in items),
            key=lambda p: p.photo_id,
            reverse=True,
        )
        items = candidates[:limit]
        more = len(candidates) > limit or any(has_more for _, has_more in results)
        next_cursor = None
        if more and items:
            next_cursor = encode_cursor(
                {"before": {"S": items[-1].photo_id}},
                secret=self.table.cursor_secret,
                scope=f"feed|{username}",
            )
        return FeedPage(items, next_cursor)
