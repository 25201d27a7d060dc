"""Hashtag pages: the photos whose caption has a tag, newest first, with the tag's count.

The pipeline keeps them: for each tag a photo gains or loses (posted, caption edited,
deleted), one transaction writes or removes its ``TagEntry`` and moves the ``Hashtag``
count with it, checked against the photo as it is now, so a repeated or late record
changes nothing and the count always equals the entries.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from instaclone.data import TransactionCancelledError, TransactWrite, attr
from instaclone.domain.gallery import GalleryOps, PhotoPage
from instaclone.domain.models import Hashtag, TagEntry
from instaclone.domain.text import normalize_tag


@dataclass(frozen=True)
class HashtagPage(PhotoPage):
    tag: str = ""
    photo_count: int = 0


class HashtagOps(GalleryOps):
    async def get_hashtag_photos(
        self, tag: str, limit: int = 24, cursor: str | None = None, *, reader: str | None = None
    ) -> HashtagPage:
        """Photos tagged ``tag`` (with or without ``#``, any case), newest first: one Query
        and one GetItem at once, then one BatchGetItem of the photos as they are now."""
        tag = normalize_tag(tag)
        query = self.table.entity(TagEntry).query(tag=tag).descending()
        query.limit(self.limit(limit)).after(cursor)
        page, count = await asyncio.gather(
            query.execute(), self.table.entity(Hashtag).get(tag=tag).execute()
        )
        seen = await self.photos_as_seen([(e.username, e.photo_id) for e in page.items], reader)
        return HashtagPage(
            seen.photos,
            page.cursor,
            seen.liked,
            seen.saved,
            tag=tag,
            photo_count=count.photo_count if count else 0,
        )

    async def retag_photo(
        self, username: str, photo_id: str, old: list[str], new: list[str]
    ) -> None:
        """Add the photo to the pages of tags it gained and take it off those it lost."""
        gained = [t for t in new if t not in old]
        lost = [t for t in old if t not in new]
        await asyncio.gather(
            *(self._tag(username, photo_id, t) for t in gained),
            *(self._untag(username, photo_id, t) for t in lost),
        )

    async def _tag(self, username: str, photo_id: str, tag: str) -> None:
        entries, counts = self.table.entity(TagEntry), self.table.entity(Hashtag)
        transaction = (
            self.table.transaction()
            .add(
                self.photos.check(attr("tags").contains(tag), username=username, photo_id=photo_id)
            )
            .add(entries.put(tag=tag, photo_id=photo_id, username=username).if_not_exists())
            .add(counts.update(tag=tag).add("photo_count", 1).upsert())
        )
        await self._unless_done(transaction)

    async def _untag(self, username: str, photo_id: str, tag: str) -> None:
        entries, counts = self.table.entity(TagEntry), self.table.entity(Hashtag)
        still_tagged = attr("tags").contains(tag)
        transaction = (
            self.table.transaction()
            .add(
                self.photos.check(
                    attr("photo_id").not_exists() | ~still_tagged,
                    username=username,
                    photo_id=photo_id,
                )
            )
            .add(entries.delete(tag=tag, photo_id=photo_id).must_exist())
            .add(self.decrement(counts, "photo_count", tag=tag))
        )
        await self._unless_done(transaction)

    @staticmethod
    async def _unless_done(transaction: TransactWrite) -> None:
        """A failed condition means the work is done already, or the photo has moved on (a
        later record brings it in step): either way there is nothing to do."""
        try:
            await transaction.execute()
        except TransactionCancelledError as cancelled:
            if cancelled.conflict or not any(
                r.code == "ConditionalCheckFailed" for r in cancelled.reasons
            ):
                raise
