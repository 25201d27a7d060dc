"""Story trays: a new story reaches each follower's tray (the entry expires with it)."""

from __future__ import annotations

from instaclone.domain import InstagramService, Story
from instaclone.events.records import INSERT, StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(Story, INSERT)
async def fan_out_story(record: StreamRecord, app: InstagramService) -> None:
    await app.feed_writer.push_story(record.new)
