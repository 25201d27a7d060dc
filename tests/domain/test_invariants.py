"""Many concurrent tasks doing random likes, unlikes, comments, comment deletions, follows
and unfollows on the same few photos and users; afterwards a full scan must show every
counter equal to what it counts, none negative, and no phantom items."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

from instaclone.data import Connection
from instaclone.domain import (
    SCHEMA,
    Comment,
    ConflictError,
    Follow,
    InstagramService,
    Like,
    NotFoundError,
    Photo,
    SelfFollowError,
    User,
)
from tests.conftest import new_table
from tests.helpers import unique

TASKS = 24
OPS_PER_TASK = 60
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


async def test_counters_match_items_after_concurrent_chaos(connection: Connection) -> None:
    table = await new_table(connection, SCHEMA, "chaos")
    app = InstagramService(table)
    people = [unique("p").lower() for _ in range(8)]
    for person in people:
        await app.create_user(person, person.title())
    photos = [await app.create_photo(people[i % 3], f"https://x.example/{i}.jpg") for i in range(4)]
    comment_ids: list[tuple[str, str, str]] = []  # (photo id, comment id, author)
    outcomes: Counter[str] = Counter()
    rng = random.Random(7)

    async def one_op() -> None:
        photo = rng.choice(photos)
        a, b = rng.choice(people), rng.choice(people)
        kind = rng.choice(["like", "unlike", "comment", "uncomment", "follow", "unfollow"])
        try:
            if kind == "like":
                await app.like_photo(photo.photo_id, photo.username, a)
            elif kind == "unlike":
                await app.unlike_photo(photo.photo_id, photo.username, a)
            elif kind == "comment":
                c = await app.comment_on_photo(photo.photo_id, photo.username, a, "hey")
                comment_ids.append((c.photo_id, c.comment_id, a))
            elif kind == "uncomment" and comment_ids:
                photo_id, comment_id, author = rng.choice(comment_ids)
                owner = next(p.username for p in photos if p.photo_id == photo_id)
                await app.delete_comment(photo_id, comment_id, owner, acting_username=author)
            elif kind == "follow":
                await app.follow_user(a, b)
            elif kind == "unfollow":
                await app.unfollow_user(a, b)
            outcomes[f"{kind} ok"] += 1
        except (ConflictError, NotFoundError, SelfFollowError) as expected:
            outcomes[f"{kind} {type(expected).__name__}"] += 1

    async def worker() -> None:
        for _ in range(OPS_PER_TASK):
            await one_op()

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(TASKS)))
    elapsed = time.monotonic() - started

    items = [i async for i in table.scan_items()]
    assert [i for i in items if i.entity is None] == []  # no phantom: every item typed
    by_type: dict[str, list[object]] = {}
    for scanned in items:
        by_type.setdefault(scanned.entity or "", []).append(scanned.item)
    likes = Counter(like.photo_id for like in by_type.get("Like", []) if isinstance(like, Like))
    comments = Counter(c.photo_id for c in by_type.get("Comment", []) if isinstance(c, Comment))
    follows = [f for f in by_type.get("Follow", []) if isinstance(f, Follow)]
    followers = Counter(f.followed_username for f in follows)
    following = Counter(f.following_username for f in follows)
    stored_photos = [p for p in by_type["Photo"] if isinstance(p, Photo)]
    for p in stored_photos:
        assert p.likes_count == likes[p.photo_id] >= 0, p
        assert p.comment_count == comments[p.photo_id] >= 0, p
    users = [u for u in by_type["User"] if isinstance(u, User)]
    assert len(users) == len(people)
    for u in users:
        assert u.follower_count == followers[u.username] >= 0, u
        assert u.following_count == following[u.username] >= 0, u
        assert u.photo_count == sum(p.username == u.username for p in stored_photos)
    assert all(f.followed_username != f.following_username for f in follows)
    ok = sum(n for k, n in outcomes.items() if k.endswith(" ok"))
    assert ok > TASKS * OPS_PER_TASK // 4  # the run did real work, not only refusals

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "invariants.txt").write_text(
        f"{TASKS} tasks x {OPS_PER_TASK} ops = {TASKS * OPS_PER_TASK} operations on "
        f"{len(photos)} photos and {len(people)} users in {elapsed:.1f} s; "
        f"{table.conflicts_retried} transaction conflicts retried; {len(items)} items after\n"
        + "".join(f"{k}: {n}\n" for k, n in sorted(outcomes.items()))
    )
