"""Accounts crossing the follower threshold: the count's change sets or clears the flag
(with hysteresis); the flag's change moves the account between push and pull for every
follower (rare, and each step idempotent)."""

from __future__ import annotations

from instaclone.domain import InstagramService, User
from instaclone.events.records import MODIFY, StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(User, MODIFY)
async def reclassify(record: StreamRecord, app: InstagramService) -> None:
    user: User = record.new
    if record.old is None or user.follower_count != record.old.follower_count:
        await app.feed_writer.reclassify(user)


@router.on(User, MODIFY)
async def move_between_push_and_pull(record: StreamRecord, app: InstagramService) -> None:
    before: User | None = record.old
    after: User = record.new
    if before is None or before.celebrity == after.celebrity:
        return
    if after.celebrity:
        await app.feed_writer.promote(after.username)
    else:
        await app.feed_writer.demote(after.username)
