"""Explore: recent photos from people you do not follow, the most liked first.

The pipeline keeps one ranked entry per photo of the last EXPLORE_DAYS days in the
``EXPLORE#`` partition, moved when the photo's like count changes (from the photo's own
MODIFY records, so no extra read). A page is one Query of the ranking and one BatchGetItem
(the photos as they are now, the reader's likes and saves, and whether the reader follows
each author); a page thinned out by followed authors reads on, at most MAX_ROUNDS times.
"""

from __future__ import annotations

import time

from ulid import ULID

from instaclone.data import TransactionCancelledError, attr
from instaclone.domain.gallery import GalleryOps, PhotoPage
from instaclone.domain.models import ExploreEntry, Photo

EXPLORE_DAYS = 7
SHARD = "0"
"""One partition holds the ranking (about 1,000 writes a second at most on AWS); spreading
it over shards merged on read is the way on if the likes of recent photos outgrow that."""
MAX_ROUNDS = 4
_TOP_LIKES = 10**9 - 1
_TOP_TIME = 10**13


def posted_at(photo_id: str) -> float:
    """Epoch seconds at which the photo was posted (from its ULID)."""
    try:
        return ULID.from_str(photo_id).milliseconds / 1000
    except ValueError:
        return 0.0


def explore_rank(photo: Photo) -> str:
    """Sorts the most liked first, then the newest."""
    likes = _TOP_LIKES - min(max(photo.likes_count, 0), _TOP_LIKES)
    newest = _TOP_TIME - int(posted_at(photo.photo_id) * 1000)
    return f"{likes:09d}-{newest:013d}-{photo.photo_id}"


def explore_entry(photo: Photo) -> ExploreEntry:
    return ExploreEntry(
        shard=SHARD,
        rank=explore_rank(photo),
        photo_id=photo.photo_id,
        username=photo.username,
        likes_count=photo.likes_count,
        expires_at=int(posted_at(photo.photo_id)) + EXPLORE_DAYS * 86400,
    )


class ExploreOps(GalleryOps):
    async def get_explore(
        self, reader: str, limit: int = 24, cursor: str | None = None
    ) -> PhotoPage:
        """Photos of the last days by people ``reader`` does not follow (nor their own),
        the most liked first. Entries by followed authors are skipped; the ranking is read
        in batches (three times what is missing, up to 100) for at most MAX_ROUNDS rounds,
        and the cursor resumes just after the last entry looked at."""
        reader = self.username(reader)
        limit = self.limit(limit)
        items: list[Photo] = []
        liked: set[str] = set()
        saved: set[str] = set()
        for _ in range(MAX_ROUNDS):
            query = self.table.entity(ExploreEntry).query(shard=SHARD)
            query.limit(min(100, 3 * (limit - len(items))))
            query.filter(attr("expires_at") > int(time.time())).after(cursor)
            page = await query.execute()
            cursor = page.cursor
            refs = [(e.username, e.photo_id) for e in page.items if e.username != reader]
            authors = sorted({author for author, _ in refs})
            seen = await self.photos_as_seen(refs, reader, follows_of=authors)
            shown = {p.photo_id: p for p in seen.photos if p.username not in seen.followed}
            for entry in page.items:
                photo = shown.get(entry.photo_id)
                if photo is None:
                    continue
                items.append(photo)
                if len(items) == limit:
                    if entry is not page.items[-1] or page.cursor is not None:
                        cursor = query.cursor_after(entry)
                    break
            liked |= seen.liked & {p.photo_id for p in items}
            saved |= seen.saved & {p.photo_id for p in items}
            if len(items) >= limit or cursor is None:
                break
        return PhotoPage(items, cursor, liked, saved)

    async def rerank_explore(self, old: Photo | None, new: Photo | None) -> None:
        """Bring a photo's Explore entry in step after it was posted, liked or deleted.
        The new entry is written only if the photo still has that many likes, so a late or
        repeated record cannot bring back an old ranking."""
        entries = self.table.entity(ExploreEntry)
        if new is not None and old is not None and new.likes_count == old.likes_count:
            return
        if old is not None and (new is None or explore_rank(old) != explore_rank(new)):
            await entries.delete(shard=SHARD, rank=explore_rank(old)).execute()
        if new is None or posted_at(new.photo_id) < time.time() - EXPLORE_DAYS * 86400:
            return
        try:
            await (
                self.table.transaction()
                .add(
                    self.photos.check(
                        attr("likes_count") == new.likes_count,
                        username=new.username,
                        photo_id=new.photo_id,
                    )
                )
                .add(entries.put(explore_entry(new)))
                .execute()
            )
        except TransactionCancelledError as cancelled:
            if cancelled.conflict:
                raise
