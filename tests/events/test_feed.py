"""The push feed: a post reaches every follower through the pipeline, your own at once;
unfollow and delete hide at once and are cleaned up after; a follow backfills."""

from __future__ import annotations

import pytest

from instaclone.data import Connection, InvalidCursorError
from instaclone.domain import FeedItem, Like
from tests.events.conftest import drain, fresh_app, users
from tests.helpers import raw_get, unique


async def feed_ids(app, reader: str) -> list[str]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    cursor = None
    while True:
        page = await app.get_user_feed(reader, 30, cursor)
        ids += [p.photo_id for p in page.items]
        cursor = page.cursor
        if cursor is None:
            return ids


async def test_a_post_reaches_every_follower_and_the_author_at_once(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    author, fans = unique("a").lower(), [unique("f").lower() for _ in range(40)]
    await users(app, author, *fans)
    for fan in fans:
        await app.follow_user(fan, author)
    await drain(app)
    photo = await app.create_photo(author, "https://x.example/1.jpg", "#sunset")
    assert await feed_ids(app, author) == [photo.photo_id]  # own feed, before any pipeline
    await drain(app)
    for fan in fans:
        assert await feed_ids(app, fan) == [photo.photo_id]
        item = await raw_get(app.table, f"FEED#{fan}", f"PHOTO#{photo.photo_id}")
        assert item is not None and item["author"] == author and item["expiresAt"] > 0
    await drain(app)  # handled twice changes nothing: still one item per follower
    page = await app.feed_items.query(username=fans[0]).execute()
    assert [i.photo_id for i in page.items] == [photo.photo_id]


async def test_unfollow_and_delete_hide_at_once_then_the_pipeline_cleans_up(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    reader, kept, dropped = (unique(p).lower() for p in "rkd")
    await users(app, reader, kept, dropped)
    await app.follow_user(reader, kept)
    await app.follow_user(reader, dropped)
    p_kept = await app.create_photo(kept, "https://x.example/k.jpg")
    p_gone = await app.create_photo(kept, "https://x.example/g.jpg")
    p_dropped = await app.create_photo(dropped, "https://x.example/d.jpg")
    await drain(app)
    assert set(await feed_ids(app, reader)) == {
        p_kept.photo_id,
        p_gone.photo_id,
        p_dropped.photo_id,
    }
    await app.like_photo(p_gone.photo_id, kept, reader)
    await app.comment_on_photo(p_gone.photo_id, kept, reader, "nice")

    await app.unfollow_user(reader, dropped)
    await app.delete_photo(kept, p_gone.photo_id)
    assert await feed_ids(app, reader) == [p_kept.photo_id]  # before the pipeline ran

    await drain(app)
    assert await feed_ids(app, reader) == [p_kept.photo_id]
    left = await app.feed_items.query(username=reader).execute()
    assert [i.photo_id for i in left.items] == [p_kept.photo_id]  # gone from the table
    assert not (await app.table.entity(Like).query(photo_id=p_gone.photo_id).execute()).items
    assert not (await app.comments.query(photo_id=p_gone.photo_id).execute()).items


async def test_following_backfills_and_pages_have_no_gap_or_repeat(connection: Connection) -> None:
    app = await fresh_app(connection)
    reader, author = unique("r").lower(), unique("a").lower()
    await users(app, reader, author)
    posted = [
        (await app.create_photo(author, f"https://x.example/{i}.jpg")).photo_id for i in range(25)
    ]
    await drain(app)
    await app.follow_user(reader, author)
    await drain(app)
    backfilled = await app.feed_items.query(username=reader).all()
    assert len(backfilled) == app.policy.backfill  # the latest 20
    pages: list[list[str]] = []
    cursor = None
    while True:
        page = await app.get_user_feed(reader, 7, cursor)
        pages.append([p.photo_id for p in page.items])
        cursor = page.cursor
        if cursor is None:
            break
    seen = [i for p in pages for i in p]
    assert seen == sorted(posted, reverse=True)[:20]
    assert all(len(p) == 7 for p in pages[:-1])
    # A page that ends the feed exactly says so: no cursor to an empty page.
    first = await app.get_user_feed(reader, 10)
    second = await app.get_user_feed(reader, 10, first.cursor)
    assert len(first.items) == len(second.items) == 10 and second.cursor is None
    with pytest.raises(InvalidCursorError):
        await app.get_user_feed(reader, 10, "x")
    with pytest.raises(InvalidCursorError):  # another reader's cursor
        await app.get_user_feed(author, 10, first.cursor)


async def test_an_empty_feed_is_rebuilt_once_by_pull(connection: Connection) -> None:
    app = await fresh_app(connection)
    reader, author = unique("r").lower(), unique("a").lower()
    await users(app, reader, author)
    photo = await app.create_photo(author, "https://x.example/1.jpg")
    await app.follow_user(reader, author)
    # No pipeline ran: the reader's feed is empty, so the first read rebuilds it by pull.
    assert await feed_ids(app, reader) == [photo.photo_id]
    stored = await app.feed_items.query(username=reader).all()
    assert [i.photo_id for i in stored] == [photo.photo_id]
    assert isinstance(stored[0], FeedItem)


async def test_liked_by_me_comes_with_the_page(connection: Connection) -> None:
    app = await fresh_app(connection)
    reader, author = unique("r").lower(), unique("a").lower()
    await users(app, reader, author)
    await app.follow_user(reader, author)
    a = await app.create_photo(author, "https://x.example/a.jpg")
    b = await app.create_photo(author, "https://x.example/b.jpg")
    await drain(app)
    await app.like_photo(a.photo_id, author, reader)
    page = await app.get_user_feed(reader)
    assert page.liked == {a.photo_id}
    assert [p.likes_count for p in page.items] == [0, 1]  # current counts, newest first
    assert b.photo_id not in page.liked
