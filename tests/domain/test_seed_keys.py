"""The seed's table, exactly: key strings, index keys, attribute names as stored."""

from __future__ import annotations

import pytest

from instaclone.data import Connection, Table
from instaclone.domain.models import SCHEMA, Comment, Follow, Like, Photo, Story, User
from tests.conftest import new_table
from tests.helpers import raw_get


@pytest.fixture(scope="module")
async def table(connection: Connection) -> Table:
    return await new_table(connection, SCHEMA, "seedkeys")


def _key(table: Table, entity: type, **fields: object) -> dict[str, str]:
    payload = table.entity(entity).get(**fields).to_request().payload
    return {k: v["S"] for k, v in payload["Key"].items()}


async def test_key_strings_match_the_seed(table: Table) -> None:
    assert _key(table, User, username="juanca") == {"PK": "USER#juanca", "SK": "USER#juanca"}
    assert _key(table, Photo, username="juanca", photo_id="P1") == {
        "PK": "UP#juanca",
        "SK": "PHOTO#P1",
    }
    assert _key(table, Story, username="juanca", story_id="S1") == {
        "PK": "UP#juanca",
        "SK": "STORY#S1",
    }
    assert _key(table, Like, photo_id="P1", liking_username="alice") == {
        "PK": "PL#P1",
        "SK": "LIKE#alice",
    }
    assert _key(table, Comment, photo_id="P1", comment_id="C1") == {
        "PK": "PC#P1",
        "SK": "COMMENT#C1",
    }
    assert _key(table, Follow, followed_username="juanca", following_username="alice") == {
        "PK": "FOLLOW#juanca",
        "SK": "FOLLOW#alice",
    }


async def test_stored_items_carry_seed_attribute_names_and_gsi_keys(table: Table) -> None:
    like = await table.entity(Like).create(photo_id="P1", liking_username="alice").execute()
    raw = await raw_get(table, "PL#P1", "LIKE#alice")
    assert raw is not None
    assert raw["GSI1PK"] == "PL#P1" and raw["GSI1SK"] == f"LIKE#{like.like_id}"
    assert {"photoId", "likingUsername", "likeId", "createdAt", "updatedAt"} <= raw.keys()

    await (
        table.entity(Follow)
        .create(followed_username="juanca", following_username="alice")
        .execute()
    )
    raw = await raw_get(table, "FOLLOW#juanca", "FOLLOW#alice")
    assert raw is not None
    assert raw["GSI1PK"] == "FOLLOW#alice" and raw["GSI1SK"] == "FOLLOW#juanca"

    photo = await table.entity(Photo).create(username="juanca", url="https://x/1.jpg").execute()
    raw = await raw_get(table, "UP#juanca", f"PHOTO#{photo.photo_id}")
    assert raw is not None and raw["likesCount"] == 0 and raw["commentCount"] == 0
    assert raw["_type"] == "Photo" and "GSI1PK" not in raw

    story = (
        await table.entity(Story)
        .create(
            username="juanca",
            frames=[{"url": "https://cdn/clip1.mp4", "duration": 5, "media_type": "video"}],
            location={"city": "Montevideo"},
        )
        .execute()
    )
    raw = await raw_get(table, "UP#juanca", f"STORY#{story.story_id}")
    assert raw is not None
    assert raw["frames"] == [{"url": "https://cdn/clip1.mp4", "duration": 5, "mediaType": "video"}]
    assert raw["location"] == {"city": "Montevideo"} and raw["viewCount"] == 0
    assert story.frames[0].url == "https://cdn/clip1.mp4"

    await table.entity(User).create(username="juanca", name="Juan Carlos").execute()
    raw = await raw_get(table, "USER#juanca", "USER#juanca")
    assert raw is not None and raw["followerCount"] == 0 and raw["followingCount"] == 0


async def test_seed_queries_use_the_right_index_columns(table: Table) -> None:
    likers = table.entity(Like).query_index("gsi1", photo_id="P1").to_request().payload
    assert likers["IndexName"] == "gsi1"
    names = likers["ExpressionAttributeNames"]
    assert set(names.values()) == {"GSI1PK", "GSI1SK"}
    following = table.entity(Follow).query_index("gsi1", following_username="a").to_request()
    values = following.payload["ExpressionAttributeValues"]
    assert {"S": "FOLLOW#a"} in values.values()
    photos = table.entity(Photo).query(username="juanca").to_request().payload
    assert {"S": "PHOTO#"} in photos["ExpressionAttributeValues"].values()
    assert "FilterExpression" not in photos
