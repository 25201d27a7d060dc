"""Pages of other people's photos (a tag, Explore, your saved list): the photos as they
are now, and whether the reader liked and saved each, in one BatchGetItem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from instaclone.domain.base import ServiceBase
from instaclone.domain.models import Follow, Like, Photo, SavedMark


@dataclass(frozen=True)
class PhotoPage:
    items: list[Photo]
    cursor: str | None
    liked: set[str] = field(default_factory=set)
    """Which of these photos the reader liked."""
    saved: set[str] = field(default_factory=set)
    """Which of these photos the reader saved."""


@dataclass(frozen=True)
class Seen:
    photos: list[Photo]
    """Those that still exist, in the order asked."""
    liked: set[str]
    saved: set[str]
    followed: set[str]
    """Of the authors asked about, those the reader follows."""


class GalleryOps(ServiceBase):
    async def photos_as_seen(
        self,
        refs: Sequence[tuple[str, str]],
        reader: str | None,
        *,
        follows_of: Sequence[str] = (),
    ) -> Seen:
        """``refs`` are (author, photo id); with a reader, also their likes and saves of
        them, and which of ``follows_of`` they follow. One call (none for no refs)."""
        if not refs:
            return Seen([], set(), set(), set())
        requests: list[tuple[type[Any], dict[str, Any]]] = [
            (Photo, {"username": author, "photo_id": pid}) for author, pid in refs
        ]
        if reader is not None:
            requests += [(Like, {"photo_id": p, "liking_username": reader}) for _, p in refs]
            requests += [(SavedMark, {"username": reader, "photo_id": p}) for _, p in refs]
            requests += [
                (Follow, {"followed_username": a, "following_username": reader}) for a in follows_of
            ]
        results = await self.table.batch_get(requests).execute()
        n = len(refs)
        photos = [p for p in results[:n] if p is not None]
        if reader is None:
            return Seen(photos, set(), set(), set())
        liked = {like.photo_id for like in results[n : 2 * n] if like is not None}
        saved = {mark.photo_id for mark in results[2 * n : 3 * n] if mark is not None}
        follows = results[3 * n :]
        followed = {a for a, f in zip(follows_of, follows, strict=True) if f is not None}
        return Seen(photos, liked, saved, followed)
