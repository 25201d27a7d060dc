"""Explore's ranking follows recent photos' likes (from the photo's own records)."""

from __future__ import annotations

from instaclone.domain import InstagramService, Photo
from instaclone.events.records import StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(Photo)
async def rerank_photo(record: StreamRecord, app: InstagramService) -> None:
    await app.rerank_explore(record.old, record.new)
