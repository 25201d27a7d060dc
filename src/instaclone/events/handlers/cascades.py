"""What goes when a photo goes: its likes, its comments, its feed entries. Run from the
photo's REMOVE record, so a crash between the deletion and this leaves nothing orphaned for
good (the record stays in the stream until handled); and its place in every saved list.
(Its tag pages and Explore entry follow from the same record in their own modules.)"""

from __future__ import annotations

from instaclone.domain import InstagramService, Photo
from instaclone.events.records import REMOVE, StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(Photo, REMOVE)
async def photo_children(record: StreamRecord, app: InstagramService) -> None:
    photo: Photo = record.old
    await app.delete_photo_children(photo.photo_id)


@router.on(Photo, REMOVE)
async def photo_saves(record: StreamRecord, app: InstagramService) -> None:
    photo: Photo = record.old
    await app.delete_photo_saves(photo.photo_id)


@router.on(Photo, REMOVE)
async def photo_feed_entries(record: StreamRecord, app: InstagramService) -> None:
    await app.feed_writer.unpush_photo(record.old)
