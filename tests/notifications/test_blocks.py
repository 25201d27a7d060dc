"""Blocking against DynamoDB Local, the pipeline drained: a block ends the follows both ways,
a waiting request and what the blocked one did in the blocker's notifications; it stops
follows, messages, likes and comments both ways, silences the blocked one from then on, and
undoes cleanly; handled late, after an unblock, it ends nothing made since."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from instaclone.data import Connection
from instaclone.domain import (
    BlockedError,
    CommentNotFoundError,
    InstagramService,
    InvalidInputError,
    NotAllowedError,
    UserNotFoundError,
)
from tests.events.conftest import drain, fresh_app, users


async def counts(app: InstagramService, name: str) -> tuple[int, int]:
    user = await app.get_user_profile(name)
    assert user is not None
    return user.follower_count, user.following_count


async def test_a_block_parts_two_people_and_stops_them_both_ways(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "ana", "bo", "cy", "dee")
    await app.follow_user("bo", "ana")
    await app.follow_user("ana", "bo")
    await app.follow_user("cy", "ana")
    await app.send_message("cy", "ana", "hello?", "c1")  # a request: she does not follow cy
    photo = await app.create_photo("ana", "https://x.example/1.jpg", None)
    await app.like_photo(photo.photo_id, "ana", "cy")
    await app.comment_on_photo(photo.photo_id, "ana", "cy", "so so")
    await app.like_photo(photo.photo_id, "ana", "bo")
    await drain(app)
    assert await app.unread_notifications("ana") == 5  # 2 follows, 2 likes, a comment
    assert [e.other for e in (await app.get_conversations("ana", "requests")).items] == ["cy"]

    assert await app.block_user("ana", "bo") is True
    assert await app.block_user("ana", "cy") is True
    assert await app.block_user("ana", "cy") is False  # twice is one block
    await drain(app)
    for a, b in (("ana", "bo"), ("bo", "ana"), ("cy", "ana")):
        assert not await app.is_following(a, b)
    assert await counts(app, "ana") == (0, 0)
    assert await counts(app, "bo") == (0, 0)
    assert await counts(app, "cy") == (0, 0)
    assert (await app.get_conversations("ana", "requests")).items == []
    # what they did is gone from her notifications (their likes stay on the photo)
    assert (await app.get_notifications("ana", 10)).items == []
    assert await app.unread_notifications("ana") == 0 == await app.recount_unread("ana")
    assert (await app.direct_unread("ana")).requests == 0
    assert [u.username for u in (await app.get_blocked_paginated("ana")).items] == ["bo", "cy"]
    assert await app.is_blocked("ana", "bo") and not await app.is_blocked("bo", "ana")

    # neither can follow or message the other, whichever of them tries
    with pytest.raises(BlockedError, match="you can't follow 'ana'"):
        await app.follow_user("bo", "ana")
    with pytest.raises(BlockedError, match="unblock them first"):
        await app.follow_user("ana", "bo")
    with pytest.raises(BlockedError, match="you can't message 'ana'"):
        await app.send_message("cy", "ana", "again?", "c2")
    with pytest.raises(BlockedError, match="unblock them first"):
        await app.send_message("ana", "cy", "go away", "a1")
    assert await counts(app, "ana") == (0, 0)  # refused, and nothing left behind
    assert (await app.get_conversations("ana", "requests")).items == []

    # nor like or comment on her photos (nor she on theirs)
    another = await app.create_photo("ana", "https://x.example/3.jpg", None)
    with pytest.raises(BlockedError, match="you can't like photos of 'ana'"):
        await app.like_photo(another.photo_id, "ana", "cy")
    with pytest.raises(BlockedError, match="you can't comment on photos of 'ana'"):
        await app.comment_on_photo(photo.photo_id, "ana", "bo", "@ana look")
    theirs = await app.create_photo("bo", "https://x.example/2.jpg", "@ana look")
    with pytest.raises(BlockedError, match="unblock them first"):
        await app.like_photo(theirs.photo_id, "bo", "ana")
    assert (await app.get_photo("ana", photo.photo_id)).likes_count == 2  # type: ignore[union-attr]

    # what they still may do (mention her elsewhere) no longer tells her
    await app.comment_on_photo(theirs.photo_id, "bo", "cy", "hey @ana")
    await app.like_photo(photo.photo_id, "ana", "dee")  # (someone else: she is told)
    await drain(app)
    assert [(n.kind, n.actors) for n in (await app.get_notifications("ana", 10)).items] == [
        ("like", ["dee"])
    ]
    assert await app.unread_notifications("ana") == 1

    # unblocked, they may follow again (what the block ended stays ended)
    assert await app.unblock_user("ana", "bo") is True
    assert await app.unblock_user("ana", "bo") is False
    assert not await app.is_following("bo", "ana")
    await app.follow_user("bo", "ana")
    assert await counts(app, "ana") == (1, 0)
    assert [u.username for u in (await app.get_blocked_paginated("ana")).items] == ["cy"]


async def test_their_activity_leaves_rows_as_the_others_left_them(
    connection: Connection,
) -> None:
    """After a block, a row they shared with someone else shows that person's words and time,
    and is not new again if she had read it."""
    app = await fresh_app(connection)
    await users(app, "ana", "theo", "vic")
    photo = await app.create_photo("ana", "https://x.example/2.jpg", None)
    await app.like_photo(photo.photo_id, "ana", "theo")
    await app.comment_on_photo(photo.photo_id, "ana", "theo", "nice")
    await drain(app)
    await app.mark_notifications_read("ana")
    await asyncio.sleep(0.01)
    await app.like_photo(photo.photo_id, "ana", "vic")
    await app.comment_on_photo(photo.photo_id, "ana", "vic", "vic was here")
    await drain(app)
    assert await app.unread_notifications("ana") == 2
    await app.block_user("ana", "vic")
    await drain(app)
    page = (await app.get_notifications("ana", 10)).items
    assert sorted((n.kind, n.actors, n.preview, n.unread) for n in page) == [
        ("comment", ["theo"], "nice", False),
        ("like", ["theo"], None, False),
    ]
    assert await app.unread_notifications("ana") == 0 == await app.recount_unread("ana")


async def test_an_old_comment_cannot_be_edited_across_a_block(connection: Connection) -> None:
    """An edit is a new word on their photo: refused like a new comment, both ways."""
    app = await fresh_app(connection)
    await users(app, "mia", "ned", "ora")
    photo = await app.create_photo("mia", "https://x.example/5.jpg", None)
    said = await app.comment_on_photo(photo.photo_id, "mia", "ned", "hello")
    await app.block_user("mia", "ned")
    with pytest.raises(BlockedError, match="you can't comment on photos of 'mia'"):
        await app.update_comment(photo.photo_id, said.comment_id, "ned", "EDITED @ora")
    comments = await app.get_photo_comments(photo.photo_id)
    assert [c.content for c in comments] == ["hello"]
    with pytest.raises(NotAllowedError):  # (and only ever by its author)
        await app.update_comment(photo.photo_id, said.comment_id, "ora", "mine now")
    with pytest.raises(CommentNotFoundError):
        await app.update_comment(photo.photo_id, "01" + "0" * 24, "ned", "where?")
    await app.unblock_user("mia", "ned")
    edited = await app.update_comment(photo.photo_id, said.comment_id, "ned", "hello again")
    assert edited.content == "hello again" and edited.commenting_username == "ned"


async def test_what_cannot_be_blocked(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "dee")
    with pytest.raises(InvalidInputError):
        await app.block_user("dee", "dee")
    with pytest.raises(UserNotFoundError):
        await app.block_user("dee", "nobody_here")
    assert (await app.get_blocked_paginated("dee")).items == []


async def test_follows_racing_blocks_leave_no_follow_and_true_counts(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    names = [f"fan{i}" for i in range(12)]
    await users(app, "star", *names)

    async def follow(name: str) -> None:
        with contextlib.suppress(BlockedError):  # the block came first
            await app.follow_user(name, "star")

    async def block(name: str) -> None:
        await asyncio.sleep(0.001 * (names.index(name) % 4))
        await app.block_user("star", name)

    await asyncio.gather(*(follow(n) for n in names), *(block(n) for n in names))
    await drain(app)
    for name in names:
        assert not await app.is_following(name, "star")
        assert await counts(app, name) == (0, 0)
    assert await counts(app, "star") == (0, 0)
    assert await app.get_followers("star") == []


async def test_parting_ways_twice_changes_nothing(connection: Connection) -> None:
    """The pipeline may run a block's record again (after a crash): the same end state."""
    app = await fresh_app(connection)
    await users(app, "gus", "hal")
    await app.follow_user("hal", "gus")
    await app.send_message("hal", "gus", "hi", "h1")
    await app.block_user("gus", "hal")
    await app.part_ways("gus", "hal")  # before the pipeline runs it,
    await drain(app)  # and by the pipeline
    await app.part_ways("gus", "hal")  # and once more
    assert await counts(app, "gus") == (0, 0) and await counts(app, "hal") == (0, 0)
    assert (await app.direct_unread("gus")).requests == 0
    assert (await app.get_conversations("gus", "requests")).items == []


async def test_what_follows_an_unblock_is_kept_when_the_block_is_handled_late(
    connection: Connection,
) -> None:
    """The pipeline may handle a block after it was lifted and they made up: the follow and
    the request made since stay."""
    app = await fresh_app(connection)
    await users(app, "ivy", "jon")
    await app.send_message("jon", "ivy", "hi", "j1")
    await app.block_user("ivy", "jon")
    await app.unblock_user("ivy", "jon")
    await app.follow_user("jon", "ivy")
    await app.send_message("jon", "ivy", "sorry", "j2")
    await drain(app)  # the block's record, handled only now
    assert await app.is_following("jon", "ivy")
    assert await counts(app, "ivy") == (1, 0)
    requests = (await app.get_conversations("ivy", "requests")).items
    assert [(e.other, e.unread) for e in requests] == [("jon", 2)]


async def test_an_unblock_landing_inside_part_ways_keeps_what_it_would_end(
    connection: Connection,
) -> None:
    """The race that checking first cannot close: the block is lifted after ``part_ways`` has
    seen it stand, just before it declines the request. The check inside the decline's own
    transaction (and each notification's removal) keeps the request and the like."""
    app = await fresh_app(connection)
    await users(app, "kim", "lou")
    photo = await app.create_photo("kim", "https://x.example/3.jpg", None)
    await app.like_photo(photo.photo_id, "kim", "lou")
    await app.send_message("lou", "kim", "hi", "l1")
    await drain(app)

    class UnblockedJustThen(InstagramService):
        async def decline_request(self, *args: Any, **kwargs: Any) -> None:
            await self.unblock_user("kim", "lou")
            await super().decline_request(*args, **kwargs)

    await app.block_user("kim", "lou")
    await UnblockedJustThen(app.table).part_ways("kim", "lou")
    await drain(app)  # the block's and the unblock's records: nothing more ends
    requests = (await app.get_conversations("kim", "requests")).items
    assert [(e.other, e.unread) for e in requests] == [("lou", 1)]
    page = (await app.get_notifications("kim", 10)).items
    assert [(n.kind, n.actors) for n in page] == [("like", ["lou"])]
    assert not await app.is_blocked("kim", "lou")
