"""User search: a user's entries follow their name, picture and (coarsely) audience."""

from __future__ import annotations

from instaclone.domain import InstagramService, User
from instaclone.domain.search import search_changed
from instaclone.events.records import StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(User)
async def reindex_user(record: StreamRecord, app: InstagramService) -> None:
    old: User | None = record.old
    new: User | None = record.new
    if search_changed(old, new):
        username = (new or old).username  # type: ignore[union-attr]
        await app.reindex_user(username, old)
