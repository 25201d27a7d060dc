"""Accounts above the follower threshold are read by pull (merged into the feed and tray),
with hysteresis; the tray shows your story first; a story's views count each viewer once;
a feed page costs the same calls at any number of accounts followed."""

from __future__ import annotations

from instaclone.data import Connection
from instaclone.domain.feed import FeedPolicy
from tests.domain.conftest import CountingConnection
from tests.events.conftest import drain, fresh_app, users
from tests.helpers import unique


async def test_an_account_over_the_threshold_is_pulled_not_fanned_out(
    connection: Connection,
) -> None:
    policy = FeedPolicy(celebrity_on=3, celebrity_off=2, pull_cache_seconds=0)
    app = await fresh_app(connection, policy)
    star, small = unique("s").lower(), unique("m").lower()
    fans = [unique("f").lower() for _ in range(3)]
    await users(app, star, small, *fans)
    early = await app.create_photo(star, "https://x.example/early.jpg")
    for fan in fans:
        await app.follow_user(fan, star)
        await app.follow_user(fan, small)
    await drain(app)
    assert (await app.get_user_profile(star)).celebrity  # type: ignore[union-attr]
    star_photo = await app.create_photo(star, "https://x.example/star.jpg")
    small_photo = await app.create_photo(small, "https://x.example/small.jpg")
    await drain(app)
    # not fanned out: no feed item for the star's new photo, yet every fan's page merges it
    assert (
        await app.feed_items.get(username=fans[0], photo_id=star_photo.photo_id).execute() is None
    )
    for fan in fans:
        page = await app.get_user_feed(fan, 10)
        assert [p.photo_id for p in page.items] == [
            small_photo.photo_id,
            star_photo.photo_id,
            early.photo_id,
        ]
    # paging across both sources: no gap, no repeat
    first = await app.get_user_feed(fans[0], 2)
    second = await app.get_user_feed(fans[0], 2, first.cursor)
    assert [p.photo_id for p in first.items + second.items] == [
        small_photo.photo_id,
        star_photo.photo_id,
        early.photo_id,
    ]
    assert second.cursor is None
    # hysteresis: one unfollow (3 -> 2) keeps the star pulled; the next (2 -> 1) does not
    await app.unfollow_user(fans[0], star)
    await drain(app)
    assert (await app.get_user_profile(star)).celebrity  # type: ignore[union-attr]
    await app.unfollow_user(fans[1], star)
    await drain(app)
    assert not (await app.get_user_profile(star)).celebrity  # type: ignore[union-attr]
    pushed = await app.feed_items.get(username=fans[2], photo_id=star_photo.photo_id).execute()
    assert pushed is not None  # back to push: the latest photos were pushed to the last fan
    assert star_photo.photo_id in [p.photo_id for p in (await app.get_user_feed(fans[2])).items]
    assert star_photo.photo_id not in [p.photo_id for p in (await app.get_user_feed(fans[0])).items]


async def test_tray_shows_your_story_first_and_followees_after_the_pipeline(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    me, friend, other = (unique(p).lower() for p in ("me", "fr", "ot"))
    await users(app, me, friend, other)
    await app.follow_user(me, friend)
    await app.follow_user(me, other)
    await drain(app)
    story = await app.create_story(friend, [{"url": "https://x.example/s.jpg"}])
    await app.create_story(me, [{"url": "https://x.example/mine.jpg"}])
    tray = await app.get_story_tray(me)
    assert [i.username for i in tray.items] == [me]  # yours at once, before the pipeline
    await drain(app)
    tray = await app.get_story_tray(me)
    assert [i.username for i in tray.items] == [me, friend]  # `other` has no story
    assert tray.items[1].story_id == story.story_id
    await app.unfollow_user(me, friend)
    assert [i.username for i in (await app.get_story_tray(me)).items] == [me]  # at once
    await drain(app)
    assert [i.username for i in (await app.get_story_tray(me)).items] == [me]


async def test_a_story_counts_each_viewer_once_and_its_owner_sees_who(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    owner, a, b = (unique(p).lower() for p in ("o", "a", "b"))
    await users(app, owner, a, b)
    story = await app.create_story(owner, [{"url": "https://x.example/s.jpg"}])
    for viewer in (a, a, b, a, owner):
        await app.increment_story_views(owner, story.story_id, viewer)
    stored = await app.stories.get(username=owner, story_id=story.story_id).execute()
    assert stored is not None and stored.view_count == 2
    viewers = await app.get_story_viewers(owner, story.story_id)
    assert sorted(u.username for u in viewers.items) == sorted([a, b])


async def test_a_feed_page_costs_three_calls_however_many_are_followed(engine) -> None:  # type: ignore[no-untyped-def]
    counting = CountingConnection(engine.endpoint)
    try:
        app = await fresh_app(counting)
        reader = unique("r").lower()
        authors = [unique("a").lower() for _ in range(60)]
        await users(app, reader, *authors)
        for author in authors:
            await app.follow_user(reader, author)
            await app.create_photo(author, f"https://x.example/{author}.jpg")
        await drain(app)
        for cursor in (None, (await app.get_user_feed(reader, 20)).cursor):
            counting.reset()
            page = await app.get_user_feed(reader, 20, cursor)
            assert len(page.items) == 20
            # With each photo: the reader's like and save, the author's profile and follow.
            assert set(page.authors) == {p.username for p in page.items}
            assert counting.calls == {"Query": 1, "GetItem": 1, "BatchGetItem": 1}
        counting.reset()
        await app.get_story_tray(reader)
        assert counting.calls == {"Query": 1, "GetItem": 1}
    finally:
        await counting.close()
