"""``instaclone db reindex``: build the indexes the pipeline keeps (user search, hashtag
pages, Explore) for what was written before they existed or while no pipeline ran.

Idempotent, like the pipeline's own handlers it calls: run it twice and the second run
changes nothing. Photos written before captions were parsed get their tags and mentions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from instaclone.domain.explore import EXPLORE_DAYS, posted_at
from instaclone.domain.models import Photo, User
from instaclone.domain.service import InstagramService
from instaclone.domain.text import hashtags


@dataclass
class Reindexed:
    users: int = 0
    photos: int = 0
    captions_parsed: int = 0


async def reindex(
    app: InstagramService, progress: Callable[[Reindexed], None] | None = None
) -> Reindexed:
    done = Reindexed()
    async for page in app.table.entity(User).scan().pages():
        for user in page.items:
            await app.reindex_user(user.username, None)
            done.users += 1
        if progress:
            progress(done)
    recent = time.time() - EXPLORE_DAYS * 86400
    async for photo_page in app.table.entity(Photo).scan().pages():
        for photo in photo_page.items:
            await _photo(app, photo, done, recent)
        if progress:
            progress(done)
    return done


async def _photo(app: InstagramService, photo: Photo, done: Reindexed, recent: float) -> None:
    tags = hashtags(photo.caption, strict=False)
    if tags != photo.tags:
        updated = (
            await app.photos.update(username=photo.username, photo_id=photo.photo_id)
            .set("tags", tags)
            .set("mentions", await app.existing_mentions(photo.caption))
            .returning("ALL_NEW")
            .execute()
        )
        photo = updated or photo
        done.captions_parsed += 1
    await app.retag_photo(photo.username, photo.photo_id, [], photo.tags)
    if posted_at(photo.photo_id) >= recent:
        await app.rerank_explore(None, photo)
    done.photos += 1
