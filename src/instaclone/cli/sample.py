"""``instaclone demo --into-app``: a few people with photos, stories, follows, likes and
comments in the app's own table, so a newcomer opening the web app sees it alive. Images
are drawn here (Pillow) and go through the same checks and renditions as an upload.
Running it again adds nothing that is there already."""

from __future__ import annotations

import contextlib
import io
import random
import sys
from collections.abc import Iterator

from PIL import Image, ImageDraw

from instaclone.domain import (
    AlreadyFollowingError,
    AlreadyLikedError,
    InstagramService,
    UsernameTakenError,
)
from instaclone.media import MediaStore, render

PASSWORD = "instaclone demo"
PEOPLE = [
    ("maya", "Maya Lin", ("#f6a15a", "#7a2d6b")),
    ("theo", "Théo Martin", ("#2d6b7a", "#f6e05a")),
    ("noor", "Noor Haddad", ("#5a7af6", "#f65a8a")),
    ("kenji", "Kenji Sato", ("#3a9d5d", "#f2f0e6")),
    ("ada", "Ada Okafor", ("#e0533d", "#fbe3b6")),
]
CAPTIONS = [
    "Golden hour on the roof #sunset #city",
    "Morning coffee, slow start #coffee",
    "Found this mural downtown with @theo #streetart #city",
    "Weekend hike, worth every step #hiking #sunset",
    "Rainy street, neon lights #city #night",
    "First try at sourdough, thanks @ada for the starter #baking",
]
COMMENTS = ["Love the colours!", "Where is this?", "So good #goals", "Wow", "Need to go there"]
BIOS = {
    "maya": "Rooftops and light. Shooting with @noor on weekends #sunset",
    "theo": "Street art hunter #streetart",
    "ada": "Baker, hiker, early riser #baking",
}


def picture(seed: int, colors: tuple[str, str], size: tuple[int, int] = (1080, 1080)) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", size, colors[0])
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(40, 260)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=colors[1], width=rng.randrange(4, 18))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def progress(done: int, total: int, what: str) -> None:
    width = 30
    filled = width * done // total
    print(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what:<30}",
        end="",
        file=sys.stderr,
        flush=True,
    )


async def store_image(store: MediaStore, key: str, data: bytes) -> tuple[str, str, list[str]]:
    rendered = render(data)
    keys = [f"{key}.jpg", f"{key}_320.jpg"]
    url = await store.put(keys[0], rendered.large, rendered.content_type)
    thumb = await store.put(keys[1], rendered.small, rendered.content_type)
    return url, thumb, keys


def steps() -> Iterator[str]:
    yield from (f"account @{u}" for u, _, _ in PEOPLE)
    yield from (f"photos of @{u}" for u, _, _ in PEOPLE)
    yield "follows, likes, comments"
    yield from (f"story of @{u}" for u, _, _ in PEOPLE[:3])


async def seed_app(app: InstagramService, store: MediaStore) -> list[str]:
    """Create what is missing; returns the usernames made now."""
    total = len(list(steps()))
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        progress(done, total, what)

    made: list[str] = []
    for username, name, _ in PEOPLE:
        try:
            await app.sign_up(username, name, PASSWORD)
            made.append(username)
        except UsernameTakenError:
            pass
        step(f"account @{username}")
    for username in made:  # after every account exists, so their mentions resolve
        if username in BIOS:
            await app.update_user_profile(username, {"bio": BIOS[username]})
    for n, (username, _, colors) in enumerate(PEOPLE):
        if username in made:
            for i in range(3):
                caption = CAPTIONS[(n + i) % len(CAPTIONS)]
                data = picture(n * 10 + i, colors)
                url, thumb, keys = await store_image(store, f"photos/{username}/demo{i}", data)
                await app.create_photo(username, url, caption, thumbnail_url=thumb, media_keys=keys)
        step(f"photos of @{username}")
    if made:
        rng = random.Random(7)
        names = [u for u, _, _ in PEOPLE]
        for follower in names:
            for followed in names:
                if follower != followed and (follower in made or followed in made):
                    with contextlib.suppress(AlreadyFollowingError):
                        await app.follow_user(follower, followed)
        for username in made:
            for photo in await app.get_user_photos(username, 3):
                for liker in rng.sample([u for u in names if u != username], 3):
                    with contextlib.suppress(AlreadyLikedError):
                        await app.like_photo(photo.photo_id, username, liker)
                commenter = rng.choice([u for u in names if u != username])
                await app.comment_on_photo(
                    photo.photo_id, username, commenter, rng.choice(COMMENTS)
                )
    step("follows, likes, comments")
    for n, (username, _, colors) in enumerate(PEOPLE[:3]):
        if username in made:
            data = picture(100 + n, colors, (1080, 1920))
            url, _, keys = await store_image(store, f"stories/{username}/demo", data)
            await app.create_story(
                username, [{"url": url, "duration": 5, "mediaType": "image"}], media_keys=keys[:1]
            )
        step(f"story of @{username}")
    print(file=sys.stderr)
    return made
