"""Every function of the seed, as the seed's examples use it, with the number of DynamoDB
calls each one makes (written to test-artifacts/call-counts.md for the record)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from instaclone.domain import (
    CommentWithUser,
    InstagramService,
    Photo,
    Story,
    User,
)
from tests.domain.conftest import CountingConnection
from tests.helpers import drain, unique

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
COUNTS: dict[str, str] = {}


async def counted(
    counting: CountingConnection, name: str, call: Callable[[], Awaitable[Any]]
) -> tuple[Any, dict[str, int]]:
    counting.reset()
    result = await call()
    calls = dict(counting.calls)
    COUNTS[name] = ", ".join(f"{n} {a}" for a, n in sorted(calls.items())) or "none"
    return result, calls


def name() -> str:
    return unique("u").lower()


@pytest.fixture(scope="module", autouse=True)
def write_counts() -> Any:
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    lines = ["| seed function | DynamoDB calls |", "|---|---|"]
    lines += [f"| {fn} | {calls} |" for fn, calls in sorted(COUNTS.items())]
    (ARTIFACTS / "call-counts.md").write_text("\n".join(lines) + "\n")


async def test_users(app: InstagramService, counting: CountingConnection) -> None:
    juanca = name()
    user, calls = await counted(counting, "create_user", lambda: app.create_user(juanca, "Juan"))
    assert calls == {"PutItem": 1}
    assert isinstance(user, User) and user.follower_count == 0 and user.created_at is not None
    got, calls = await counted(counting, "get_user_profile", lambda: app.get_user_profile(juanca))
    assert calls == {"GetItem": 1} and got == user
    updated, calls = await counted(
        counting,
        "update_user_profile",
        lambda: app.update_user_profile(juanca, {"name": "Juan Carlos Bondi - Photographer"}),
    )
    assert calls == {"UpdateItem": 1}
    assert updated.name == "Juan Carlos Bondi - Photographer"
    assert updated.created_at == user.created_at
    assert await app.get_user_profile(unique("nobody").lower()) is None


async def test_photos(app: InstagramService, counting: CountingConnection) -> None:
    owner = name()
    await app.create_user(owner, "Owner")
    photo, calls = await counted(
        counting,
        "create_photo",
        lambda: app.create_photo(owner, "https://photos.example/abcd1234", "Sunset at the beach!"),
    )
    assert calls == {"TransactWriteItems": 1}
    assert isinstance(photo, Photo) and len(photo.photo_id) == 26
    assert photo.caption == "Sunset at the beach!" and photo.likes_count == 0
    got, calls = await counted(counting, "get_photo", lambda: app.get_photo(owner, photo.photo_id))
    assert calls == {"GetItem": 1} and got == photo
    more = [await app.create_photo(owner, f"https://x.example/{i}.jpg") for i in range(3)]
    await app.create_story(owner, [{"url": "https://cdn.example/clip1.mp4", "duration": 5}])
    listed, calls = await counted(
        counting, "get_user_photos", lambda: app.get_user_photos(owner, 12)
    )
    assert calls == {"Query": 1}
    assert [p.photo_id for p in listed] == [p.photo_id for p in reversed([photo, *more])]
    page1, calls = await counted(
        counting,
        "get_user_photos_paginated",
        lambda: app.get_user_photos_paginated(owner, 3),
    )
    assert calls == {"Query": 1} and len(page1.items) == 3 and page1.cursor is not None
    page2 = await app.get_user_photos_paginated(owner, 3, page1.cursor)
    assert [p.photo_id for p in page2.items] == [photo.photo_id]
    assert (await app.get_user_profile(owner)).photo_count == 4  # type: ignore[union-attr]


async def test_likes(app: InstagramService, counting: CountingConnection) -> None:
    owner, alice, bob = name(), name(), name()
    for u in (owner, alice, bob):
        await app.create_user(u, u.title())
    photo = await app.create_photo(owner, "https://x.example/p.jpg")
    _, calls = await counted(
        counting, "like_photo", lambda: app.like_photo(photo.photo_id, owner, alice)
    )
    assert calls == {"TransactWriteItems": 1}
    await app.like_photo(photo.photo_id, owner, bob)
    assert (await app.get_photo(owner, photo.photo_id)).likes_count == 2  # type: ignore[union-attr]
    liked, calls = await counted(
        counting, "has_user_liked_photo", lambda: app.has_user_liked_photo(photo.photo_id, alice)
    )
    assert liked is True and calls == {"GetItem": 1}
    likers, calls = await counted(
        counting, "get_photo_likes", lambda: app.get_photo_likes(photo.photo_id, 20)
    )
    assert calls == {"Query": 1, "BatchGetItem": 1}
    assert [u.username for u in likers] == [alice, bob]  # chronological, not alphabetical
    _, calls = await counted(
        counting, "unlike_photo", lambda: app.unlike_photo(photo.photo_id, owner, alice)
    )
    assert calls == {"TransactWriteItems": 1}
    assert not await app.has_user_liked_photo(photo.photo_id, alice)
    assert (await app.get_photo(owner, photo.photo_id)).likes_count == 1  # type: ignore[union-attr]


async def test_comments(app: InstagramService, counting: CountingConnection) -> None:
    owner, alice = name(), name()
    for u in (owner, alice):
        await app.create_user(u, u.title())
    photo = await app.create_photo(owner, "https://x.example/p.jpg")
    first, calls = await counted(
        counting,
        "comment_on_photo",
        lambda: app.comment_on_photo(
            photo.photo_id, owner, alice, "Amazing photo! Love the colors!"
        ),
    )
    assert calls == {"TransactWriteItems": 1}
    await app.comment_on_photo(photo.photo_id, owner, owner, "Thanks!")
    await app.comment_on_photo(photo.photo_id, owner, alice, "Again!")
    comments, calls = await counted(
        counting, "get_photo_comments", lambda: app.get_photo_comments(photo.photo_id, 20)
    )
    assert calls == {"Query": 1, "BatchGetItem": 1}
    assert all(isinstance(c, CommentWithUser) for c in comments)
    assert [(c.user.username if c.user else None, c.content) for c in comments] == [
        (alice, "Amazing photo! Love the colors!"),
        (owner, "Thanks!"),
        (alice, "Again!"),
    ]
    page, calls = await counted(
        counting,
        "get_photo_comments_paginated",
        lambda: app.get_photo_comments_paginated(photo.photo_id, 2),
    )
    assert calls == {"Query": 1, "BatchGetItem": 1} and len(page.items) == 2
    rest = await app.get_photo_comments_paginated(photo.photo_id, 2, page.cursor)
    assert [c.content for c in rest.items] == ["Again!"]
    edited, calls = await counted(
        counting,
        "update_comment",
        lambda: app.update_comment(
            photo.photo_id, first.comment_id, alice, "Updated: Amazing photo!"
        ),
    )
    # read (whose photo), written with the block checks, read back: an edit is rare
    assert calls == {"GetItem": 2, "TransactWriteItems": 1}
    assert edited.content == "Updated: Amazing photo!"
    _, calls = await counted(
        counting,
        "delete_comment",
        lambda: app.delete_comment(photo.photo_id, first.comment_id, owner, acting_username=alice),
    )
    assert calls == {"TransactWriteItems": 1}
    assert (await app.get_photo(owner, photo.photo_id)).comment_count == 2  # type: ignore[union-attr]


async def test_follows(app: InstagramService, counting: CountingConnection) -> None:
    juanca, alice, bob = name(), name(), name()
    for u in (juanca, alice, bob):
        await app.create_user(u, u.title())
    _, calls = await counted(counting, "follow_user", lambda: app.follow_user(alice, juanca))
    assert calls == {"TransactWriteItems": 1}
    await app.follow_user(bob, juanca)
    await app.follow_user(alice, bob)
    followers, calls = await counted(
        counting, "get_followers", lambda: app.get_followers(juanca, 20)
    )
    assert calls == {"Query": 1, "BatchGetItem": 1}
    assert sorted(u.username for u in followers) == sorted([alice, bob])
    following, calls = await counted(
        counting, "get_following", lambda: app.get_following(alice, 20)
    )
    assert calls == {"Query": 1, "BatchGetItem": 1}
    assert sorted(u.username for u in following) == sorted([juanca, bob])
    yes, calls = await counted(counting, "is_following", lambda: app.is_following(alice, juanca))
    assert yes is True and calls == {"GetItem": 1}
    assert await app.is_following(juanca, alice) is False
    j = await app.get_user_profile(juanca)
    a = await app.get_user_profile(alice)
    assert j is not None and j.follower_count == 2 and a is not None and a.following_count == 2
    _, calls = await counted(counting, "unfollow_user", lambda: app.unfollow_user(alice, juanca))
    assert calls == {"TransactWriteItems": 1}
    j = await app.get_user_profile(juanca)
    assert j is not None and j.follower_count == 1


async def test_stories(app: InstagramService, counting: CountingConnection) -> None:
    juanca = name()
    await app.create_user(juanca, "Juan")
    await app.create_photo(juanca, "https://x.example/p.jpg")
    story, calls = await counted(
        counting,
        "create_story",
        lambda: app.create_story(
            juanca,
            [
                {"url": "https://cdn.example/clip1.mp4", "duration": 5, "mediaType": "video"},
                {"url": "https://cdn.example/img1.jpg", "duration": 3, "media_type": "image"},
            ],
            "Montevideo",
        ),
    )
    assert calls == {"TransactWriteItems": 1}
    assert isinstance(story, Story) and story.frames[0].url == "https://cdn.example/clip1.mp4"
    assert story.location is not None and story.location.city == "Montevideo"
    assert story.expires_at is not None
    second = await app.create_story(juanca, [{"url": "https://cdn.example/2.jpg"}])
    stories, calls = await counted(
        counting, "get_user_stories", lambda: app.get_user_stories(juanca)
    )
    assert calls == {"Query": 1}
    assert [s.story_id for s in stories] == [second.story_id, story.story_id]  # no photos
    viewed, calls = await counted(
        counting,
        "increment_story_views",
        lambda: app.increment_story_views(juanca, story.story_id),
    )
    assert calls == {"UpdateItem": 1} and viewed.view_count == 1


async def test_workflows(app: InstagramService, counting: CountingConnection) -> None:
    juanca, alice, bob = name(), name(), name()
    for u in (juanca, alice, bob):
        await app.create_user(u, u.title())
    await app.follow_user(alice, juanca)
    await app.follow_user(alice, bob)
    p1 = await app.create_photo(juanca, "https://x.example/1.jpg", "first")
    p2 = await app.create_photo(bob, "https://x.example/2.jpg", "second")
    p3 = await app.create_photo(juanca, "https://x.example/3.jpg", "third")
    await app.like_photo(p1.photo_id, juanca, alice)
    await app.comment_on_photo(p1.photo_id, juanca, alice, "nice")

    await drain(app)  # the pipeline fans the photos out to alice's feed
    feed, calls = await counted(counting, "get_user_feed", lambda: app.get_user_feed(alice, 20))
    # the feed, the pull set, then photos + likedByMe + follows in one batch
    assert calls == {"Query": 1, "GetItem": 1, "BatchGetItem": 1}
    assert [p.caption for p in feed.items] == ["third", "second", "first"]
    assert feed.cursor is None
    assert [p.photo_id for p in feed.items] == [p3.photo_id, p2.photo_id, p1.photo_id]

    details, calls = await counted(
        counting,
        "get_photo_with_details",
        lambda: app.get_photo_with_details(juanca, p1.photo_id),
    )
    # the photo and its author's profile (for the picture), at once with the lists
    assert calls == {"GetItem": 2, "Query": 2, "BatchGetItem": 2}
    assert details is not None and details.total_likes == 1 and details.comment_count == 1
    assert details.user is not None and details.user.username == juanca
    assert [u.username for u in details.recent_likers] == [alice]
    assert details.comments[0].content == "nice" and details.comments[0].user is not None

    profile, calls = await counted(
        counting,
        "get_complete_user_profile",
        lambda: app.get_complete_user_profile(juanca),
    )
    assert calls == {"GetItem": 1, "Query": 3, "BatchGetItem": 1}  # nobody is followed
    assert profile is not None and profile.photo_count == 2 and len(profile.photos) == 2
    assert [u.username for u in profile.followers] == [alice] and profile.following == []

    await app.like_photo(p3.photo_id, juanca, bob)
    await app.like_photo(p3.photo_id, juanca, alice)
    found, calls = await counted(
        counting, "search_user_photos", lambda: app.search_user_photos(juanca, min_likes=1)
    )
    assert calls == {"Query": 1} and [p.caption for p in found] == ["third"]
    both = await app.search_user_photos(juanca, min_likes=0, min_comments=0)
    assert [p.caption for p in both] == ["first"]
    popular, calls = await counted(
        counting, "get_popular_user_photos", lambda: app.get_popular_user_photos(juanca, 0)
    )
    assert [p.caption for p in popular] == ["third", "first"]

    _, calls = await counted(
        counting, "delete_photo", lambda: app.delete_photo(juanca, p1.photo_id)
    )
    # the delete itself; its likes, comments and feed entries go in the event pipeline
    assert calls == {"TransactWriteItems": 1}
    await drain(app)
    assert not (await app.likes.query(photo_id=p1.photo_id).execute()).items
    assert not (await app.comments.query(photo_id=p1.photo_id).execute()).items


async def test_liked_photo_ids_is_one_batch(
    app: InstagramService, counting: CountingConnection
) -> None:
    owner, fan = name(), name()
    for u in (owner, fan):
        await app.create_user(u, u.title())
    photos = [await app.create_photo(owner, f"https://x.example/{i}.jpg") for i in range(4)]
    await app.like_photo(photos[1].photo_id, owner, fan)
    await app.like_photo(photos[3].photo_id, owner, fan)
    liked, calls = await counted(
        counting,
        "liked_photo_ids (beyond the seed)",
        lambda: app.liked_photo_ids(fan, [p.photo_id for p in photos]),
    )
    assert liked == {photos[1].photo_id, photos[3].photo_id}
    assert calls == {"BatchGetItem": 1}
