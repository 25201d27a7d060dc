"""The seed's pull feed (kept to rebuild empty feeds, and as the benchmark's baseline):
every followee counts (the seed stopped at 100), newest first, paged by cursor without gaps
or repeats."""

from __future__ import annotations

import pytest

from instaclone.data import Connection, InvalidCursorError
from instaclone.domain import SCHEMA, InstagramService
from instaclone.domain.feed import FanOutOnReadFeed
from tests.conftest import new_table
from tests.helpers import unique


async def test_feed_reaches_past_100_followees_and_pages_cleanly(connection: Connection) -> None:
    table = await new_table(connection, SCHEMA, "feed")
    app = InstagramService(table, feed=FanOutOnReadFeed(table))
    reader = unique("r").lower()
    await app.create_user(reader, "Reader")
    stranger = unique("s").lower()
    await app.create_user(stranger, "Stranger")
    await app.create_photo(stranger, "https://x.example/not-followed.jpg")
    posted: list[str] = []
    for i in range(130):
        author = f"a{i:03d}{unique('x').lower()}"[:30]
        await app.create_user(author, f"Author {i}")
        await app.follow_user(reader, author)
        photo = await app.create_photo(author, f"https://x.example/{i}.jpg", f"photo {i}")
        posted.append(photo.photo_id)
        if i % 10 == 0:  # some authors post twice
            posted.append((await app.create_photo(author, f"https://x.example/{i}b.jpg")).photo_id)

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await app.get_user_feed(reader, 30, cursor)
        pages += 1
        seen += [p.photo_id for p in page.items]
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == sorted(posted, reverse=True)  # all of them, newest first, once each
    assert pages == -(-len(posted) // 30)
    readers_cursor = (await app.get_user_feed(reader, 30)).cursor
    assert readers_cursor is not None
    with pytest.raises(InvalidCursorError):  # a cursor is bound to the feed it came from
        await app.get_user_feed(stranger, 30, readers_cursor)


async def test_feed_of_someone_following_nobody_is_empty(connection: Connection) -> None:
    table = await new_table(connection, SCHEMA, "feed")
    app = InstagramService(table, feed=FanOutOnReadFeed(table))
    loner = unique("l").lower()
    await app.create_user(loner, "Loner")
    page = await app.get_user_feed(loner)
    assert page.items == [] and page.cursor is None
