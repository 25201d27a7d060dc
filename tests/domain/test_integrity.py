"""Integrity the seed lacks: each rule, and that a refused write left nothing behind."""

from __future__ import annotations

from typing import Any

import pytest

from instaclone.data import InvalidCursorError, Table
from instaclone.domain import (
    AlreadyFollowingError,
    AlreadyLikedError,
    CommentNotFoundError,
    InstagramService,
    InvalidInputError,
    NotAllowedError,
    NotFollowingError,
    NotLikedError,
    PhotoNotFoundError,
    SelfFollowError,
    StoryNotFoundError,
    UsernameTakenError,
    UserNotFoundError,
)
from tests.helpers import drain, raw_get, unique


def name() -> str:
    return unique("u").lower()


async def item_count(table: Table) -> int:
    return len([i async for i in table.scan_items()])


async def users(app: InstagramService, n: int) -> list[str]:
    names = [name() for _ in range(n)]
    for u in names:
        await app.create_user(u, u.title())
    return names


async def test_no_phantoms_from_likes_comments_follows_views(app: InstagramService) -> None:
    owner, alice = await users(app, 2)
    photo = await app.create_photo(owner, "https://x.example/p.jpg")
    ghost, ghost_photo = name(), "01JGHOSTPHOTO00000000000000"
    before = await item_count(app.table)
    with pytest.raises(PhotoNotFoundError):
        await app.like_photo(ghost_photo, owner, alice)
    with pytest.raises(PhotoNotFoundError):  # right photo id, wrong owner: no phantom photo
        await app.like_photo(photo.photo_id, alice, alice)
    with pytest.raises(UserNotFoundError):
        await app.like_photo(photo.photo_id, owner, ghost)
    with pytest.raises(PhotoNotFoundError):
        await app.comment_on_photo(ghost_photo, owner, alice, "hi")
    with pytest.raises(UserNotFoundError):
        await app.comment_on_photo(photo.photo_id, owner, ghost, "hi")
    with pytest.raises(UserNotFoundError):
        await app.follow_user(alice, ghost)
    with pytest.raises(UserNotFoundError):
        await app.follow_user(ghost, alice)
    with pytest.raises(StoryNotFoundError):
        await app.increment_story_views(owner, "01JGHOSTSTORY00000000000000")
    with pytest.raises(UserNotFoundError):
        await app.create_photo(ghost, "https://x.example/p.jpg")
    with pytest.raises(UserNotFoundError):
        await app.create_story(ghost, [{"url": "https://x.example/s.jpg"}])
    with pytest.raises(UserNotFoundError):
        await app.update_user_profile(ghost, {"name": "Ghost"})
    assert await item_count(app.table) == before
    assert await raw_get(app.table, f"USER#{ghost}", f"USER#{ghost}") is None
    # and the ghost's name is still free
    await app.create_user(ghost, "Now real")


async def test_counters_never_drift(app: InstagramService) -> None:
    owner, alice = await users(app, 2)
    photo = await app.create_photo(owner, "https://x.example/p.jpg")

    async def photo_counts() -> tuple[int, int]:
        p = await app.get_photo(owner, photo.photo_id)
        assert p is not None
        return p.likes_count, p.comment_count

    with pytest.raises(NotLikedError):
        await app.unlike_photo(photo.photo_id, owner, alice)
    await app.like_photo(photo.photo_id, owner, alice)
    with pytest.raises(AlreadyLikedError):
        await app.like_photo(photo.photo_id, owner, alice)
    assert await photo_counts() == (1, 0)
    await app.unlike_photo(photo.photo_id, owner, alice)
    with pytest.raises(NotLikedError):
        await app.unlike_photo(photo.photo_id, owner, alice)
    assert await photo_counts() == (0, 0)

    comment = await app.comment_on_photo(photo.photo_id, owner, alice, "hello")
    await app.delete_comment(photo.photo_id, comment.comment_id, owner, acting_username=alice)
    with pytest.raises(CommentNotFoundError):
        await app.delete_comment(photo.photo_id, comment.comment_id, owner, acting_username=alice)
    assert await photo_counts() == (0, 0)

    with pytest.raises(NotFollowingError):
        await app.unfollow_user(alice, owner)
    await app.follow_user(alice, owner)
    with pytest.raises(AlreadyFollowingError):
        await app.follow_user(alice, owner)
    await app.unfollow_user(alice, owner)
    with pytest.raises(NotFollowingError):
        await app.unfollow_user(alice, owner)
    o, a = await app.get_user_profile(owner), await app.get_user_profile(alice)
    assert o is not None and a is not None
    assert (o.follower_count, o.following_count, a.follower_count, a.following_count) == (
        0,
        0,
        0,
        0,
    )


async def test_usernames_are_validated_and_case_insensitive(app: InstagramService) -> None:
    base = name()
    user = await app.create_user(base.upper(), "Mixed Case")
    assert user.username == base
    with pytest.raises(UsernameTakenError):
        await app.create_user(base.title(), "Again")
    assert await app.get_user_profile(base.upper()) == user
    for bad in ("", "a#b", "x" * 31, "with space", "ümlaut", "semi;colon"):
        with pytest.raises(InvalidInputError):
            await app.create_user(bad, "Bad")
    with pytest.raises(InvalidInputError):
        await app.create_user(name(), "  ")


async def test_no_self_follow(app: InstagramService) -> None:
    (alice,) = await users(app, 1)
    with pytest.raises(SelfFollowError):
        await app.follow_user(alice, alice.upper())
    with pytest.raises(SelfFollowError):
        await app.unfollow_user(alice, alice)
    profile = await app.get_user_profile(alice)
    assert profile is not None and profile.following_count == 0


async def test_only_authors_edit_and_authors_or_owners_delete(app: InstagramService) -> None:
    owner, alice, mallory = await users(app, 3)
    photo = await app.create_photo(owner, "https://x.example/p.jpg")
    c1 = await app.comment_on_photo(photo.photo_id, owner, alice, "alice's")
    c2 = await app.comment_on_photo(photo.photo_id, owner, alice, "alice's too")
    with pytest.raises(NotAllowedError):
        await app.update_comment(photo.photo_id, c1.comment_id, owner, "owner edits")
    with pytest.raises(NotAllowedError):
        await app.delete_comment(photo.photo_id, c1.comment_id, owner, acting_username=mallory)
    with pytest.raises(PhotoNotFoundError):  # claiming to own the photo does not work
        await app.delete_comment(photo.photo_id, c1.comment_id, mallory, acting_username=mallory)
    comments = await app.get_photo_comments(photo.photo_id)
    assert [c.content for c in comments] == ["alice's", "alice's too"]
    await app.delete_comment(photo.photo_id, c1.comment_id, owner, acting_username=owner)
    await app.delete_comment(photo.photo_id, c2.comment_id, owner, acting_username=alice)
    p = await app.get_photo(owner, photo.photo_id)
    assert p is not None and p.comment_count == 0
    with pytest.raises(NotAllowedError):
        await app.delete_photo(owner, photo.photo_id, acting_username=alice)


async def test_delete_photo_cascades_and_missing_photo_is_an_error(
    app: InstagramService,
) -> None:
    (owner, *fans) = await users(app, 31)
    photo = await app.create_photo(owner, "https://x.example/p.jpg")
    keep = await app.create_photo(owner, "https://x.example/keep.jpg")
    for fan in fans:
        await app.like_photo(photo.photo_id, owner, fan)
        await app.comment_on_photo(photo.photo_id, owner, fan, f"from {fan}")
    await app.like_photo(keep.photo_id, owner, fans[0])
    await app.delete_photo(owner, photo.photo_id)
    await drain(app)  # the cascade runs in the event pipeline
    orphans: list[Any] = [
        i.item
        async for i in app.table.scan_items()
        if getattr(i.item, "photo_id", None) == photo.photo_id
    ]
    assert orphans == []
    assert await app.has_user_liked_photo(keep.photo_id, fans[0])  # others untouched
    profile = await app.get_user_profile(owner)
    assert profile is not None and profile.photo_count == 1
    with pytest.raises(PhotoNotFoundError):
        await app.delete_photo(owner, photo.photo_id)
    with pytest.raises(PhotoNotFoundError):
        await app.like_photo(photo.photo_id, owner, fans[0])


async def test_photos_and_stories_share_a_partition_without_starving(
    app: InstagramService,
) -> None:
    (owner,) = await users(app, 1)
    photos = [await app.create_photo(owner, f"https://x.example/{i}.jpg") for i in range(3)]
    for i in range(15):  # STORY# sorts after PHOTO#: newest-first reads meet stories first
        await app.create_story(owner, [{"url": f"https://x.example/s{i}.jpg"}])
    newest = await app.get_user_photos(owner, 2)
    assert [p.photo_id for p in newest] == [photos[2].photo_id, photos[1].photo_id]
    stories = await app.get_user_stories(owner)
    assert len(stories) == 15 and all(s.story_id for s in stories)


async def test_likers_and_commenters_keep_their_order(app: InstagramService) -> None:
    owner, *people = await users(app, 6)
    photo = await app.create_photo(owner, "https://x.example/p.jpg")
    order = [people[3], people[0], people[4], people[1], people[2]]  # not alphabetical
    for person in order:
        await app.like_photo(photo.photo_id, owner, person)
    assert [u.username for u in await app.get_photo_likes(photo.photo_id)] == order
    writers = [people[2], people[0], people[2], people[1]]  # people[2] comments twice
    for i, person in enumerate(writers):
        await app.comment_on_photo(photo.photo_id, owner, person, f"c{i}")
    comments = await app.get_photo_comments(photo.photo_id)
    assert [(c.user.username if c.user else None) for c in comments] == writers
    assert [c.content for c in comments] == ["c0", "c1", "c2", "c3"]


async def test_bad_input_is_refused_clearly(app: InstagramService) -> None:
    (owner,) = await users(app, 1)
    with pytest.raises(InvalidInputError, match="URL"):
        await app.create_photo(owner, "javascript:alert(1)")
    with pytest.raises(InvalidInputError, match="2200"):
        await app.create_photo(owner, "https://x.example/p.jpg", "x" * 2201)
    photo = await app.create_photo(owner, "https://x.example/p.jpg")
    with pytest.raises(InvalidInputError, match="comment"):
        await app.comment_on_photo(photo.photo_id, owner, owner, "   ")
    with pytest.raises(InvalidInputError, match="frames"):
        await app.create_story(owner, [])
    with pytest.raises(InvalidInputError, match="frame"):
        await app.create_story(owner, [{"duration": 3}])
    with pytest.raises(InvalidInputError, match="limit"):
        await app.get_user_photos(owner, 0)
    with pytest.raises(InvalidInputError, match="cannot update"):
        await app.update_user_profile(owner, {"followerCount": 1000})
    with pytest.raises(InvalidCursorError, match="cursor"):  # 400 invalid_cursor, as lists
        await app.get_user_feed(owner, 10, "v1.forged.cursor")
