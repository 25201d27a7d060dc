"""Hashtag pages follow captions: posted, edited, deleted."""

from __future__ import annotations

from instaclone.domain import InstagramService, Photo
from instaclone.events.records import StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(Photo)
async def retag_photo(record: StreamRecord, app: InstagramService) -> None:
    old: Photo | None = record.old
    new: Photo | None = record.new
    before, after = (old.tags if old else []), (new.tags if new else [])
    if before != after:
        photo = new or old
        assert photo is not None
        await app.retag_photo(photo.username, photo.photo_id, before, after)
