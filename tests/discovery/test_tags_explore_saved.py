"""Hashtag pages, Explore and saved posts against DynamoDB Local, the pipeline drained."""

from __future__ import annotations

import pytest

from instaclone.data import Connection
from instaclone.domain import InvalidInputError, NotAllowedError, PhotoNotFoundError
from instaclone.domain.models import ExploreEntry, Hashtag, SavedEntry, Saver, TagEntry
from tests.events.conftest import drain, fresh_app, users


async def tag_ids(app, tag: str, reader: str | None = None) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    cursor = None
    while True:
        page = await app.get_hashtag_photos(tag, 2, cursor, reader=reader)
        ids += [p.photo_id for p in page.items]
        cursor = page.cursor
        if cursor is None:
            return page.photo_count, ids


async def test_tag_pages_follow_captions_edits_and_deletes(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "ana", "ben")
    p1 = await app.create_photo("ana", "https://x.example/1.jpg", "Sunset #Beach #café")
    p2 = await app.create_photo("ben", "https://x.example/2.jpg", "#beach again #BEACH")
    p3 = await app.create_photo("ana", "https://x.example/3.jpg", "no tags # here a#b")
    await drain(app)
    assert p1.tags == ["beach", "café"] and p3.tags == []
    assert await tag_ids(app, "beach") == (2, [p2.photo_id, p1.photo_id])  # newest first
    assert await tag_ids(app, "#BEACH") == (2, [p2.photo_id, p1.photo_id])
    assert await tag_ids(app, "CAFÉ") == (1, [p1.photo_id])
    await app.update_photo_caption("ana", p1.photo_id, "now #city", acting_username="ana")
    await drain(app)
    assert await tag_ids(app, "beach") == (1, [p2.photo_id])
    assert await tag_ids(app, "city") == (1, [p1.photo_id])
    assert await tag_ids(app, "café") == (0, [])
    await app.delete_photo("ben", p2.photo_id, acting_username="ben")
    await drain(app)
    assert await tag_ids(app, "beach") == (0, [])
    await drain(app)  # handled again: counts do not move
    assert await tag_ids(app, "city") == (1, [p1.photo_id])
    left = await app.table.entity(TagEntry).query(tag="beach").execute()
    assert left.items == []
    count = await app.table.entity(Hashtag).get(tag="beach").execute()
    assert count is not None and count.photo_count == 0


async def test_a_page_drops_a_deleted_photo_before_the_pipeline_runs(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    await users(app, "cam")
    photo = await app.create_photo("cam", "https://x.example/1.jpg", "#gone")
    await drain(app)
    await app.delete_photo("cam", photo.photo_id, acting_username="cam")
    page = await app.get_hashtag_photos("gone", 10)
    assert page.items == []


async def test_only_the_owner_edits_a_caption(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "dee", "eve")
    photo = await app.create_photo("dee", "https://x.example/1.jpg", "#mine")
    with pytest.raises(NotAllowedError):
        await app.update_photo_caption("dee", photo.photo_id, "#stolen", acting_username="eve")
    with pytest.raises(PhotoNotFoundError):
        await app.update_photo_caption("dee", "01NOPE", "x", acting_username="dee")
    stored = await app.get_photo("dee", photo.photo_id)
    assert stored is not None and stored.caption == "#mine"


async def test_tags_in_scripts_with_marks_and_decomposed_accents(connection: Connection) -> None:
    import unicodedata

    app = await fresh_app(connection)
    await users(app, "raj")
    caption = "#नमस्ते and " + unicodedata.normalize("NFD", "#Crème") + " #日本 #ok! a#no"
    photo = await app.create_photo("raj", "https://x.example/1.jpg", caption)
    assert photo.tags == ["नमस्ते", "crème", "日本", "ok"]
    await drain(app)
    for tag in ("नमस्ते", "CRÈME", unicodedata.normalize("NFD", "crème"), "#日本"):
        page = await app.get_hashtag_photos(tag, 5)
        assert [p.photo_id for p in page.items] == [photo.photo_id], tag


@pytest.mark.parametrize("tag", ["", "#", "x" * 500, "two words", "semi;colon"])
async def test_bad_tags_are_refused(connection: Connection, tag: str) -> None:
    app = await fresh_app(connection)
    with pytest.raises(InvalidInputError):
        await app.get_hashtag_photos(tag, 10)


async def test_more_than_thirty_tags_is_refused_and_nothing_written(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    await users(app, "fay")
    caption = " ".join(f"#t{i}" for i in range(31))
    with pytest.raises(InvalidInputError):
        await app.create_photo("fay", "https://x.example/1.jpg", caption)
    assert await app.get_user_photos("fay") == []


async def test_mentions_of_existing_accounts_are_kept(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "gus", "hal")
    photo = await app.create_photo("gus", "https://x.example/1.jpg", "with @Hal and @ghost")
    assert photo.mentions == ["hal"]
    comment = await app.comment_on_photo(photo.photo_id, "gus", "hal", "thanks @gus, @nobody")
    assert comment.mentions == ["gus"]
    user = await app.update_user_profile("hal", {"bio": "friend of @gus #photo"})
    assert user.bio == "friend of @gus #photo" and user.mentions == ["gus"]


async def explore_ids(app, reader: str) -> list[str]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    cursor = None
    for _ in range(20):
        page = await app.get_explore(reader, 2, cursor)
        ids += [p.photo_id for p in page.items]
        cursor = page.cursor
        if cursor is None:
            break
    return ids


async def test_explore_ranks_by_likes_without_followed_or_own(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "me", "friend", "s1", "s2", "l1", "l2", "l3")
    await app.follow_user("me", "friend")
    mine = await app.create_photo("me", "https://x.example/m.jpg")
    friends = await app.create_photo("friend", "https://x.example/f.jpg")
    quiet = await app.create_photo("s1", "https://x.example/q.jpg")
    liked = await app.create_photo("s2", "https://x.example/l.jpg")
    top = await app.create_photo("s1", "https://x.example/t.jpg")
    for liker in ("l1", "l2", "l3"):
        await app.like_photo(top.photo_id, "s1", liker)
        await app.like_photo(friends.photo_id, "friend", liker)
    await app.like_photo(liked.photo_id, "s2", "l1")
    await drain(app)
    assert await explore_ids(app, "me") == [top.photo_id, liked.photo_id, quiet.photo_id]
    assert mine.photo_id not in await explore_ids(app, "me")
    # Likes move the ranking; unlikes move it back; one entry per photo throughout.
    for liker in ("l1", "l2", "l3", "friend"):
        await app.like_photo(quiet.photo_id, "s1", liker)
    await app.unlike_photo(top.photo_id, "s1", "l1")
    await drain(app)
    assert await explore_ids(app, "me") == [quiet.photo_id, top.photo_id, liked.photo_id]
    entries = await app.table.entity(ExploreEntry).query(shard="0").all()
    assert sorted(e.photo_id for e in entries) == sorted(
        p.photo_id for p in (mine, friends, quiet, liked, top)
    )
    # A deleted photo leaves Explore.
    await app.delete_photo("s1", quiet.photo_id, acting_username="s1")
    assert quiet.photo_id not in await explore_ids(app, "me")  # at once
    await drain(app)
    entries = await app.table.entity(ExploreEntry).query(shard="0").all()
    assert quiet.photo_id not in {e.photo_id for e in entries}


async def test_explore_page_costs_two_calls(engine) -> None:  # type: ignore[no-untyped-def]
    from tests.domain.conftest import CountingConnection

    counting = CountingConnection(engine.endpoint)
    try:
        app = await fresh_app(counting)
        await users(app, "viewer", "maker")
        for i in range(12):
            await app.create_photo("maker", f"https://x.example/{i}.jpg")
        await drain(app)
        counting.reset()
        page = await app.get_explore("viewer", 10)
        assert len(page.items) == 10 and page.cursor
        assert counting.calls == {"Query": 1, "BatchGetItem": 1}
    finally:
        await counting.close()


async def test_saving_is_idempotent_private_and_ordered_by_save(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "ivy", "jon", "kim")
    a = await app.create_photo("jon", "https://x.example/a.jpg")
    b = await app.create_photo("jon", "https://x.example/b.jpg")
    assert await app.save_photo("ivy", "jon", b.photo_id) is True
    assert await app.save_photo("ivy", "jon", a.photo_id) is True
    assert await app.save_photo("ivy", "jon", a.photo_id) is False  # once
    page = await app.get_saved_photos("ivy", 10)
    assert [p.photo_id for p in page.items] == [a.photo_id, b.photo_id]  # last saved first
    assert page.saved == {a.photo_id, b.photo_id}
    assert (await app.get_saved_photos("kim", 10)).items == []
    assert await app.is_photo_saved("ivy", a.photo_id)
    assert not await app.is_photo_saved("kim", a.photo_id)
    assert await app.unsave_photo("ivy", a.photo_id) is True
    assert await app.unsave_photo("ivy", a.photo_id) is False
    assert [p.photo_id for p in (await app.get_saved_photos("ivy", 10)).items] == [b.photo_id]
    with pytest.raises(PhotoNotFoundError):
        await app.save_photo("ivy", "kim", a.photo_id)  # wrong owner: no such photo
    with pytest.raises(PhotoNotFoundError):
        await app.save_photo("ivy", "jon", "01NOPE")
    entries = await app.table.entity(SavedEntry).query(username="ivy").all()
    assert [e.photo_id for e in entries] == [b.photo_id]  # nothing left by refusals


async def test_a_deleted_photo_leaves_every_saved_list(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "lea", "max", "ned")
    photo = await app.create_photo("lea", "https://x.example/a.jpg")
    for saver in ("max", "ned", "lea"):
        await app.save_photo(saver, "lea", photo.photo_id)
    await app.delete_photo("lea", photo.photo_id, acting_username="lea")
    assert (await app.get_saved_photos("max", 10)).items == []  # hidden at once
    await drain(app)
    for saver in ("max", "ned", "lea"):
        assert await app.table.entity(SavedEntry).query(username=saver).all() == []
        assert not await app.is_photo_saved(saver, photo.photo_id)
    assert await app.table.entity(Saver).query(photo_id=photo.photo_id).all() == []


async def test_feed_pages_say_what_you_saved_and_bring_authors(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "oli", "pia")
    await app.follow_user("oli", "pia")
    photo = await app.create_photo("pia", "https://x.example/a.jpg")
    await drain(app)
    await app.save_photo("oli", "pia", photo.photo_id)
    page = await app.get_user_feed("oli", 10)
    assert page.saved == {photo.photo_id}
    assert page.authors["pia"].name == "Pia"


async def test_explore_reads_past_a_run_of_followed_authors(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "fan", "busy", "stranger")
    await app.follow_user("fan", "busy")
    other = await app.create_photo("stranger", "https://x.example/s.jpg")
    for i in range(80):  # newer than the stranger's, all by someone the reader follows
        await app.create_photo("busy", f"https://x.example/b{i}.jpg")
    await drain(app)
    page = await app.get_explore("fan", 24)
    assert [p.photo_id for p in page.items] == [other.photo_id]
    assert page.cursor is None
