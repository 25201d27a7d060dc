"""Home feeds: a new photo fans out; a follow merges the followee's latest photos in; an
unfollow takes them out (pages already hide them at once)."""

from __future__ import annotations

from instaclone.domain import Follow, InstagramService, Photo
from instaclone.events.records import INSERT, REMOVE, StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(Photo, INSERT)
async def fan_out_photo(record: StreamRecord, app: InstagramService) -> None:
    await app.feed_writer.push_photo(record.new)


@router.on(Follow, INSERT)
async def merge_followee(record: StreamRecord, app: InstagramService) -> None:
    follow: Follow = record.new
    await app.feed_writer.merge(follow.following_username, follow.followed_username)


@router.on(Follow, REMOVE)
async def unmerge_followee(record: StreamRecord, app: InstagramService) -> None:
    follow: Follow = record.old
    await app.feed_writer.unmerge(follow.following_username, follow.followed_username)
