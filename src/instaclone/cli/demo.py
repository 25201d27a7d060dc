"""``instaclone demo``: the seed's usage examples, end to end, printing what they print.

It runs on a table of its own (``<table>Demo``), recreated on every run, so it can be run
again and again without touching the product's data.
"""

from __future__ import annotations

from dataclasses import replace

from instaclone.domain import AlreadyLikedError, InstagramService
from instaclone.events.worker import drain
from instaclone.runtime import instagram_table, open_connection
from instaclone.settings import Settings


def section(title: str) -> None:
    print(f"\n== {title} ==")


async def run_demo(settings: Settings) -> None:
    settings = replace(settings, table_name=settings.table_name + "Demo")
    async with open_connection(settings) as connection:
        table = instagram_table(connection, settings)
        if await table.describe() is not None:
            await table.delete_table()
        await table.create(ttl_attribute=settings.ttl_attribute)
        print(f"demo table {table.name} on {settings.endpoint or connection.endpoint}")
        await walk_through(InstagramService(table))


async def walk_through(app: InstagramService) -> None:
    section("Users")
    await app.create_user("juanca", "Juan Carlos Bondi")
    for username, name in (("alice", "Alice Liddell"), ("bob", "Bob Ross")):
        await app.create_user(username, name)
    user = await app.get_user_profile("juanca")
    assert user is not None
    print(f"name: {user.name}, followers: {user.follower_count}")
    user = await app.update_user_profile("juanca", {"name": "Juan Carlos Bondi - Photographer"})
    print("updated:", user.name)

    section("Photos")
    photo = await app.create_photo(
        "juanca", "https://photos.app.goo.gl/abcd1234", "Sunset at the beach!"
    )
    print(f"photo id: {photo.photo_id} (a ULID, made for it)")
    for i, caption in enumerate(["Morning coffee", "City lights"], start=1):
        await app.create_photo("juanca", f"https://photos.example/{i}.jpg", caption)
    got = await app.get_photo("juanca", photo.photo_id)
    assert got is not None
    print(f"fetched: {got.url}, likes: {got.likes_count}")
    for p in await app.get_user_photos("juanca", 12):
        print(f"  {p.caption!r} at {p.url}, posted {p.created_at:%Y-%m-%d %H:%M}")

    section("Likes")
    await app.like_photo(photo.photo_id, "juanca", "alice")
    await app.like_photo(photo.photo_id, "juanca", "bob")
    has_liked = await app.has_user_liked_photo(photo.photo_id, "alice")
    print("Already liked" if has_liked else "Not liked yet")
    for liker in await app.get_photo_likes(photo.photo_id, 20):
        print(f"  liked by @{liker.username} ({liker.name})")
    try:  # the seed's likePhotoSafely
        await app.like_photo(photo.photo_id, "juanca", "alice")
    except AlreadyLikedError:
        print("liking again: refused (Already liked this photo)")

    section("Comments")
    comment = await app.comment_on_photo(
        photo.photo_id, "juanca", "alice", "Amazing photo! Love the colors!"
    )
    await app.comment_on_photo(photo.photo_id, "juanca", "bob", "Happy little clouds.")
    await app.update_comment(
        photo.photo_id,
        comment.comment_id,
        "alice",
        "Updated: Amazing photo! Love the composition!",
    )
    for c in await app.get_photo_comments(photo.photo_id, 20):
        print(f"{c.user.name if c.user else '?'}: {c.content}")

    section("Follows")
    await app.follow_user("alice", "juanca")
    await app.follow_user("bob", "juanca")
    await app.follow_user("alice", "bob")
    followers = await app.get_followers("juanca", 20)
    print(f"{len(followers)} followers")
    for u in followers:
        print(f"  follower: @{u.username} ({u.name})")
    following = await app.get_following("alice", 20)
    print(f"Following {len(following)} users")
    print("Following" if await app.is_following("alice", "juanca") else "Not following")

    section("Stories")
    story = await app.create_story(
        "juanca",
        [
            {"url": "https://cdn.example.com/clip1.mp4", "duration": 5, "mediaType": "video"},
            {"url": "https://cdn.example.com/img1.jpg", "duration": 3, "mediaType": "image"},
        ],
    )
    print(f"story id: {story.story_id}, first frame: {story.frames[0].url}")
    await app.increment_story_views("juanca", story.story_id)
    for s in await app.get_user_stories("juanca"):
        print(f"Story {s.story_id}: {len(s.frames)} frame(s), {s.view_count} view(s)")

    section("Feed (alice)")
    await app.create_photo("bob", "https://photos.example/bob.jpg", "A happy tree")
    await drain(app)  # the event pipeline puts it in alice's feed
    feed = await app.get_user_feed("alice", 20)
    for p in feed.items:
        print(f"{p.username}: {p.caption}")

    section("Photo with details")
    details = await app.get_photo_with_details("juanca", photo.photo_id)
    assert details is not None
    print(details.caption)
    print(f"{details.total_likes} likes, {details.comment_count} comments")

    section("Complete profile")
    profile = await app.get_complete_user_profile("juanca")
    assert profile is not None
    print(f"{profile.name} (@{profile.username})")
    print(f"{profile.follower_count} followers, {profile.following_count} following")
    print(f"{profile.photo_count} photos")

    section("Search and pagination")
    popular = await app.search_user_photos("juanca", 1)
    print("photos with more than 1 like:", ", ".join(repr(p.caption) for p in popular))
    page1 = await app.get_user_photos_paginated("juanca", 2)
    print("page 1:", ", ".join(repr(p.caption) for p in page1.items))
    if page1.cursor:
        page2 = await app.get_user_photos_paginated("juanca", 2, page1.cursor)
        print("page 2:", ", ".join(repr(p.caption) for p in page2.items))
    comments_page = await app.get_photo_comments_paginated(photo.photo_id, 1)
    print("first comment page:", ", ".join(repr(c.content) for c in comments_page.items))

    section("Clean-up the seed lacked")
    await app.delete_photo("juanca", photo.photo_id)
    left = await app.get_user_profile("juanca")
    assert left is not None
    await drain(app)  # the pipeline removes its likes, comments and feed entries
    print(f"deleted the photo with its likes and comments; {left.photo_count} photos left")
