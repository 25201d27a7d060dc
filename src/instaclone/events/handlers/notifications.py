"""Notifications follow likes, comments, follows and mentions, and their undoing: none is
written in the request path of the write that causes it."""

from __future__ import annotations

from ulid import ULID

from instaclone.domain import Comment, Follow, InstagramService, Like, Photo
from instaclone.events.records import INSERT, REMOVE, StreamRecord
from instaclone.events.router import Router

router = Router()


def ulid_ms(value: str) -> int:
    try:
        return int(ULID.from_str(value).milliseconds)
    except ValueError:
        return 0


@router.on(Like, INSERT, REMOVE)
async def like(record: StreamRecord, app: InstagramService) -> None:
    done: Like = record.new or record.old
    if done.photo_owner is None:  # written before likes named their photo's owner
        return
    at = ulid_ms(done.like_id)
    if record.event_name == INSERT:
        photo = (done.photo_owner, done.photo_id)
        await app.notify(done.photo_owner, "like", done.liking_username, at, photo=photo)
    else:
        await app.unnotify(
            done.photo_owner, "like", done.liking_username, at, photo_id=done.photo_id
        )


@router.on(Comment)
async def comment(record: StreamRecord, app: InstagramService) -> None:
    old: Comment | None = record.old
    new: Comment | None = record.new
    done = new or old
    assert done is not None
    if done.photo_owner is None:
        return
    at, author = ulid_ms(done.comment_id), done.commenting_username
    photo = (done.photo_owner, done.photo_id)
    if old is None and new is not None:
        await app.notify(done.photo_owner, "comment", author, at, photo=photo, preview=new.content)
    elif new is None:
        await app.unnotify(done.photo_owner, "comment", author, at, photo_id=done.photo_id)
    elif old is not None and old.content != new.content:
        await app.revise(done.photo_owner, "comment", author, at, new.content, photo_id=photo[1])
    # the photo's owner is told of the comment once, as a comment, mentioned or not
    before = [n for n in (old.mentions if old else []) if n != done.photo_owner]
    after = [n for n in (new.mentions if new else []) if n != done.photo_owner]
    await _mentions(app, before, after, author, at, photo, new.content if new else None)
    if old is not None and new is not None and old.content != new.content:
        await _requote(app, [n for n in after if n in before], author, at, photo, new.content)


@router.on(Photo)
async def caption_mentions(record: StreamRecord, app: InstagramService) -> None:
    old: Photo | None = record.old
    new: Photo | None = record.new
    done = new or old
    assert done is not None
    before, after = (old.mentions if old else []), (new.mentions if new else [])
    at, photo = ulid_ms(done.photo_id), (done.username, done.photo_id)
    if before != after:
        await _mentions(app, before, after, done.username, at, photo, new.caption if new else None)
    if old is not None and new is not None and new.caption and old.caption != new.caption:
        await _requote(
            app, [n for n in after if n in before], done.username, at, photo, new.caption
        )


async def _mentions(
    app: InstagramService,
    before: list[str],
    after: list[str],
    author: str,
    at: int,
    photo: tuple[str, str],
    text: str | None,
) -> None:
    """Tell those newly mentioned (with the text that mentions them), untell those no more."""
    for name in after:
        if name not in before:
            await app.notify(name, "mention", author, at, photo=photo, preview=text)
    for name in before:
        if name not in after:
            await app.unnotify(name, "mention", author, at, photo_id=photo[1])


async def _requote(
    app: InstagramService,
    names: list[str],
    author: str,
    at: int,
    photo: tuple[str, str],
    text: str,
) -> None:
    """An edit that still mentions them: their row quotes the text as it is now."""
    for name in names:
        await app.revise(name, "mention", author, at, text, photo_id=photo[1])


@router.on(Follow, INSERT, REMOVE)
async def follow(record: StreamRecord, app: InstagramService) -> None:
    done: Follow = record.new or record.old
    at = int(done.created_at.timestamp() * 1000) if done.created_at else 0
    if not at:
        return
    if record.event_name == INSERT:
        await app.notify(done.followed_username, "follow", done.following_username, at)
    else:
        await app.unnotify(done.followed_username, "follow", done.following_username, at)
