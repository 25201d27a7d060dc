"""Reads never fail whole because one stored item is malformed: the seed's own library
writes phantom rows (its like of a photo under the wrong owner leaves
``{PK: UP#carol, SK: PHOTO#…, likesCount: 1}``, its follow of a missing user a bare
``USER#`` row). They are skipped, logged once with their key, and `db doctor` reports them."""

from __future__ import annotations

import logging

import pytest

from instaclone.data import new_ulid
from instaclone.domain import InstagramService
from tests.helpers import unique


async def put_raw(app: InstagramService, item: dict[str, object]) -> None:
    def av(v: object) -> dict[str, str]:
        return {"N": str(v)} if isinstance(v, int) else {"S": str(v)}

    await app.table.connection.call(
        "PutItem", {"TableName": app.table.name, "Item": {k: av(v) for k, v in item.items()}}
    )


async def test_phantom_rows_are_skipped_and_logged_once(
    app: InstagramService, caplog: pytest.LogCaptureFixture
) -> None:
    carol, dave, erin = (unique(p).lower() for p in ("c", "d", "e"))
    for u in (carol, erin):
        await app.create_user(u, u.title())
    real = await app.create_photo(carol, "https://x.example/real.jpg", "real")
    phantom_photo = new_ulid()
    await put_raw(app, {"PK": f"UP#{carol}", "SK": f"PHOTO#{phantom_photo}", "likesCount": 1})
    await put_raw(app, {"PK": f"USER#{dave}", "SK": f"USER#{dave}", "followerCount": 1})
    # erin follows dave, who exists only as a phantom row
    await put_raw(
        app,
        {
            "PK": f"FOLLOW#{dave}",
            "SK": f"FOLLOW#{erin}",
            "GSI1PK": f"FOLLOW#{erin}",
            "GSI1SK": f"FOLLOW#{dave}",
            "_type": "Follow",
            "followedUsername": dave,
            "followingUsername": erin,
        },
    )
    caplog.set_level(logging.WARNING, "instaclone.data")
    assert [p.photo_id for p in await app.get_user_photos(carol)] == [real.photo_id]
    assert await app.get_photo(carol, phantom_photo) is None
    assert await app.get_following(erin) == []
    profile = await app.get_complete_user_profile(carol)
    assert profile is not None and [p.caption for p in profile.photos] == ["real"]
    await app.get_user_photos(carol)  # read again: logged once, not on every read
    warnings = [r.getMessage() for r in caplog.records if "skipped a stored item" in r.getMessage()]
    assert len([w for w in warnings if phantom_photo in w]) == 1
    assert any(f"USER#{dave}" in w for w in warnings)
