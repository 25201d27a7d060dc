"""Notifications against DynamoDB Local, the pipeline drained: every kind, grouping, undo,
none about oneself, and an unread counter equal to a full recount after a storm."""

from __future__ import annotations

import asyncio
import random

from instaclone.data import Connection
from instaclone.domain import AlreadyLikedError, NotLikedError
from instaclone.domain.models import NotificationActor
from tests.events.conftest import drain, fresh_app, users


async def rows(app, user: str) -> list[tuple[str, list[str], int]]:  # type: ignore[no-untyped-def]
    page = await app.get_notifications(user, 50)
    return [(n.kind, n.actors, n.actor_count) for n in page.items]


async def test_each_kind_grouped_and_undone(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "ana", "bo", "cy", "dee", "eve")
    photo = await app.create_photo("ana", "https://x.example/1.jpg", "hi @bo")
    await app.like_photo(photo.photo_id, "ana", "ana")  # oneself: never told
    for liker in ("bo", "cy", "dee", "eve"):
        await app.like_photo(photo.photo_id, "ana", liker)
    comment = await app.comment_on_photo(photo.photo_id, "ana", "cy", "lovely, @dee")
    await app.follow_user("bo", "ana")
    await app.follow_user("cy", "ana")
    await drain(app)
    got = await rows(app, "ana")
    assert ("like", ["eve", "dee", "cy"], 4) in got  # "eve, dee, cy and 1 other"
    assert ("comment", ["cy"], 1) in got
    assert ("follow", ["cy", "bo"], 2) in got
    assert len(got) == 3
    assert await rows(app, "bo") == [("mention", ["ana"], 1)]
    assert await rows(app, "dee") == [("mention", ["cy"], 1)]
    assert await app.unread_notifications("ana") == 4 + 1 + 2
    page = await app.get_notifications("ana", 10)
    comment_row = next(n for n in page.items if n.kind == "comment")
    assert comment_row.preview == "lovely, @dee" and comment_row.photo is not None
    mentions = (await app.get_notifications("dee", 10)).items
    assert [n.preview for n in mentions] == ["lovely, @dee"]  # what mentions her
    assert [n.preview for n in (await app.get_notifications("bo", 10)).items] == ["hi @bo"]
    assert set(page.users) >= {"eve", "dee", "cy", "bo"}
    await drain(app)  # handled twice: nothing moves
    assert await app.unread_notifications("ana") == 7

    # undo: unlike, unfollow, delete the comment, drop the mention from the caption
    await app.unlike_photo(photo.photo_id, "ana", "eve")
    await app.unfollow_user("bo", "ana")
    await app.unfollow_user("cy", "ana")
    await app.delete_comment(photo.photo_id, comment.comment_id, "ana", acting_username="cy")
    await app.update_photo_caption("ana", photo.photo_id, "hi", acting_username="ana")
    await drain(app)
    assert await rows(app, "ana") == [("like", ["dee", "cy", "bo"], 3)]
    assert await rows(app, "bo") == [] and await rows(app, "dee") == []
    assert await app.unread_notifications("ana") == 3 == await app.recount_unread("ana")


async def test_a_comment_mentioning_the_photos_owner_tells_them_once(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    await users(app, "ivo", "jen")
    photo = await app.create_photo("ivo", "https://x.example/2.jpg", None)
    await app.comment_on_photo(photo.photo_id, "ivo", "jen", "@ivo wow")
    await drain(app)
    page = await app.get_notifications("ivo", 10)
    assert [(n.kind, n.actors, n.preview) for n in page.items] == [("comment", ["jen"], "@ivo wow")]
    assert await app.unread_notifications("ivo") == 1


async def test_an_undone_latest_event_gives_the_row_back_to_the_one_before(
    connection: Connection,
) -> None:
    """The row shows the comment before the deleted one (its words, its time), goes back down
    the list, and is read again if that one was read."""
    app = await fresh_app(connection)
    await users(app, "ana", "cy", "eve")
    older = await app.create_photo("ana", "https://x.example/3.jpg", None)
    photo = await app.create_photo("ana", "https://x.example/4.jpg", None)
    await app.comment_on_photo(photo.photo_id, "ana", "cy", "first!")
    await drain(app)
    before = (await app.get_notifications("ana", 10)).items[0]
    await app.mark_notifications_read("ana")
    await asyncio.sleep(0.01)
    await app.like_photo(older.photo_id, "ana", "cy")
    await asyncio.sleep(0.01)
    late = await app.comment_on_photo(photo.photo_id, "ana", "eve", "rude words")
    await drain(app)
    page = (await app.get_notifications("ana", 10)).items
    assert [(n.kind, n.actors, n.preview, n.unread) for n in page] == [
        ("comment", ["eve", "cy"], "rude words", True),
        ("like", ["cy"], None, True),
    ]

    await app.delete_comment(photo.photo_id, late.comment_id, "ana", acting_username="eve")
    await drain(app)
    page = (await app.get_notifications("ana", 10)).items
    assert [(n.kind, n.actors, n.preview, n.unread) for n in page] == [
        ("like", ["cy"], None, True),
        ("comment", ["cy"], "first!", False),
    ]
    assert page[1].at == before.at
    assert await app.unread_notifications("ana") == 1 == await app.recount_unread("ana")


async def test_an_edit_is_what_the_rows_quote(connection: Connection) -> None:
    """What was edited away (an address, a slip) is quoted nowhere: the comment row, the
    mention rows of a comment and of a caption, and the row's fallback after a later undo."""
    app = await fresh_app(connection)
    await users(app, "ana", "bo", "cy", "dee", "eve")
    photo = await app.create_photo("ana", "https://x.example/5.jpg", "hi @bo SECRET plans")
    said = await app.comment_on_photo(photo.photo_id, "ana", "cy", "@dee my addr is 12 Main St")
    await drain(app)
    await app.update_comment(photo.photo_id, said.comment_id, "cy", "@dee look")
    await app.update_photo_caption("ana", photo.photo_id, "hi @bo", acting_username="ana")
    await drain(app)

    async def quotes(user: str) -> list[tuple[str, str | None]]:
        return [(n.kind, n.preview) for n in (await app.get_notifications(user, 10)).items]

    assert await quotes("ana") == [("comment", "@dee look")]
    assert await quotes("dee") == [("mention", "@dee look")]
    assert await quotes("bo") == [("mention", "hi @bo")]

    # a later comment is the row's quote; cy's edit leaves it, and is what comes back
    late = await app.comment_on_photo(photo.photo_id, "ana", "eve", "nice")
    await drain(app)
    await app.update_comment(photo.photo_id, said.comment_id, "cy", "@dee look at this")
    await drain(app)
    assert await quotes("ana") == [("comment", "nice")]
    await app.delete_comment(photo.photo_id, late.comment_id, "ana", acting_username="eve")
    await drain(app)
    assert await quotes("ana") == [("comment", "@dee look at this")]
    assert await app.unread_notifications("ana") == await app.recount_unread("ana")


async def test_a_second_comment_by_the_same_person_is_news_and_undone_alone(
    connection: Connection,
) -> None:
    """Cy comments twice the same day: the row is his once ("cy commented"), quotes and dates
    the later one, and both count as unread; deleting one leaves him in the row with the
    other (the row falls back to it when the later goes), deleting both takes the row."""
    app = await fresh_app(connection)
    await users(app, "ana", "cy", "eve")
    photo = await app.create_photo("ana", "https://x.example/6.jpg", None)
    first = await app.comment_on_photo(photo.photo_id, "ana", "cy", "first")
    await drain(app)
    await app.mark_notifications_read("ana")
    await asyncio.sleep(0.01)
    await app.comment_on_photo(photo.photo_id, "ana", "eve", "hello")
    await asyncio.sleep(0.01)
    second = await app.comment_on_photo(photo.photo_id, "ana", "cy", "second, @eve")
    await drain(app)
    await drain(app)  # handled twice: nothing moves

    async def shown(user: str = "ana") -> list[tuple[list[str], int, str | None, bool]]:
        page = (await app.get_notifications(user, 10)).items
        return [(n.actors, n.actor_count, n.preview, n.unread) for n in page]

    assert await shown() == [(["cy", "eve"], 2, "second, @eve", True)]
    assert await shown("eve") == [(["cy"], 1, "second, @eve", True)]
    assert await app.unread_notifications("ana") == 2 == await app.recount_unread("ana")

    await app.delete_comment(photo.photo_id, first.comment_id, "ana", acting_username="cy")
    await drain(app)
    assert await shown() == [(["cy", "eve"], 2, "second, @eve", True)]  # still his
    assert await app.unread_notifications("ana") == 2 == await app.recount_unread("ana")

    third = await app.comment_on_photo(photo.photo_id, "ana", "cy", "third")
    await drain(app)
    await app.update_comment(photo.photo_id, second.comment_id, "cy", "second, edited")
    await app.delete_comment(photo.photo_id, third.comment_id, "ana", acting_username="cy")
    await drain(app)
    # the later goes: the row is back to his one before, as he edited it
    assert await shown() == [(["cy", "eve"], 2, "second, edited", True)]
    assert await shown("eve") == []  # the edit no longer mentions her
    assert await app.unread_notifications("ana") == 2 == await app.recount_unread("ana")

    await app.delete_comment(photo.photo_id, second.comment_id, "ana", acting_username="cy")
    await drain(app)
    assert await shown() == [(["eve"], 1, "hello", True)]
    assert await app.unread_notifications("ana") == 1 == await app.recount_unread("ana")


async def test_an_actor_item_from_before_moments_takes_a_second_event(
    connection: Connection,
) -> None:
    """Items written before actors kept each event: their one event is ``at``."""
    app = await fresh_app(connection)
    await users(app, "ana", "cy")
    photo = await app.create_photo("ana", "https://x.example/7.jpg", None)
    first = await app.comment_on_photo(photo.photo_id, "ana", "cy", "old one")
    await drain(app)
    actors = app.table.entity(NotificationActor)
    (item,) = await actors.query(username="ana").all()
    await (
        actors.update(username="ana", group_key=item.group_key, actor="cy")
        .remove("moments")
        .execute()
    )  # as it was written before
    await app.comment_on_photo(photo.photo_id, "ana", "cy", "new one")
    await drain(app)
    page = (await app.get_notifications("ana", 10)).items
    assert [(n.actor_count, n.preview) for n in page] == [(1, "new one")]
    assert await app.unread_notifications("ana") == 2 == await app.recount_unread("ana")
    await app.delete_comment(photo.photo_id, first.comment_id, "ana", acting_username="cy")
    await drain(app)
    page = (await app.get_notifications("ana", 10)).items
    assert [(n.actor_count, n.preview) for n in page] == [(1, "new one")]
    assert await app.unread_notifications("ana") == 1 == await app.recount_unread("ana")


async def test_unread_is_one_read_and_mark_all_read(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "fay", "gus", "hal")
    await app.follow_user("gus", "fay")
    await drain(app)
    assert await app.unread_notifications("fay") == 1
    await app.mark_notifications_read("fay")
    assert await app.unread_notifications("fay") == 0
    page = await app.get_notifications("fay")
    assert [n.unread for n in page.items] == [False]
    await asyncio.sleep(0.01)
    await app.follow_user("hal", "fay")
    await drain(app)
    assert await app.unread_notifications("fay") == 1
    # undoing a read event leaves the count alone; undoing an unread one takes it back
    await app.unfollow_user("gus", "fay")
    await drain(app)
    assert await app.unread_notifications("fay") == 1
    await app.unfollow_user("hal", "fay")
    await drain(app)
    assert await app.unread_notifications("fay") == 0 == await app.recount_unread("fay")


async def test_a_deleted_photo_takes_its_notifications_with_it(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "ivy", "jon")
    photo = await app.create_photo("ivy", "https://x.example/1.jpg")
    await app.like_photo(photo.photo_id, "ivy", "jon")
    await drain(app)
    await app.delete_photo("ivy", photo.photo_id, acting_username="ivy")
    assert await rows(app, "ivy") == []  # hidden at once
    await drain(app)  # the cascade removes the like, which removes the notification
    assert await app.unread_notifications("ivy") == 0 == await app.recount_unread("ivy")


async def test_counter_equals_a_recount_after_a_storm(connection: Connection) -> None:
    app = await fresh_app(connection)
    owner, fans = "star", [f"fan{i}" for i in range(40)]
    await users(app, owner, *fans)
    photos = [await app.create_photo(owner, f"https://x.example/{i}.jpg") for i in range(4)]
    rng = random.Random(11)
    liked: set[tuple[str, str]] = set()

    async def one(i: int) -> None:
        fan, photo = rng.choice(fans), rng.choice(photos)
        key = (fan, photo.photo_id)
        roll = rng.random()
        try:
            if roll < 0.45 and key not in liked:
                liked.add(key)
                await app.like_photo(photo.photo_id, owner, fan)
            elif roll < 0.8 and key in liked:
                liked.discard(key)
                await app.unlike_photo(photo.photo_id, owner, fan)
            else:
                await app.comment_on_photo(photo.photo_id, owner, fan, f"comment {i}")
        except (AlreadyLikedError, NotLikedError):
            pass

    for start in range(0, 1000, 25):
        await asyncio.gather(*(one(i) for i in range(start, start + 25)))
        if start == 500:
            await drain(app, within=600)
            await app.mark_notifications_read(owner)  # in the middle of it all
    await drain(app, within=600)  # a thousand writes' worth of records, on a busy machine
    assert await app.unread_notifications(owner) == await app.recount_unread(owner)
    # and every row's count is its actors
    actors = await app.table.entity(NotificationActor).query(username=owner).all()
    page = await app.get_notifications(owner, 100)
    assert sum(n.actor_count for n in page.items) == len(actors)
    likes = 0
    for p in photos:
        likes += len(await app.likes.query(photo_id=p.photo_id).all())
    like_actors = sum(1 for a in actors if a.group_key.startswith("like."))
    assert like_actors == likes
    comments = 0
    for p in photos:
        comments += len(await app.comments.query(photo_id=p.photo_id).all())
    told = sum(len(a.moments) for a in actors if a.group_key.startswith("comment."))
    assert told == comments  # each comment, a second of the same fan's too
