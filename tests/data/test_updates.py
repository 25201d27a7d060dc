"""UpdateItem: every action, one placeholder namespace, no phantom items."""

from __future__ import annotations

from typing import Any

import pytest

from instaclone.data import (
    ConditionFailedError,
    EntityAccess,
    ItemNotFoundError,
    Table,
    ValidationError,
    attr,
)
from tests.data.models import Author, Counter, Post
from tests.helpers import raw_get, unique


async def _author(authors: EntityAccess[Author], **extra: Any) -> str:
    handle = unique()
    await authors.create(handle=handle, display_name="Ada", **extra).execute()
    return handle


async def test_decrement_guarded_by_condition_on_same_attribute_decrements(
    authors: EntityAccess[Author],
) -> None:
    """The seed's library sends ADD +1 here (placeholder collision); we must send -1."""
    handle = await _author(authors, post_count=3)
    update = authors.update(handle=handle).add("post_count", -1).condition(attr("post_count") >= 1)
    payload = update.to_request().payload
    values = payload["ExpressionAttributeValues"]
    assert len(values) == len(set(values))
    add_placeholder = payload["UpdateExpression"].split("ADD ")[1].split()[1]
    assert values[add_placeholder] == {"N": "-1"}
    after = await update.returning("ALL_NEW").execute()
    assert after is not None and after.post_count == 2


async def test_guard_stops_counter_at_zero(authors: EntityAccess[Author]) -> None:
    handle = await _author(authors, post_count=0)
    with pytest.raises(ConditionFailedError) as info:
        await (
            authors.update(handle=handle)
            .add("post_count", -1)
            .condition(attr("post_count") >= 1)
            .execute()
        )
    assert info.value.item is not None and info.value.item.post_count == 0


async def test_set_with_condition_on_same_attribute_writes_the_new_value(
    authors: EntityAccess[Author],
) -> None:
    handle = await _author(authors)
    after = (
        await authors.update(handle=handle)
        .set("display_name", "new")
        .condition(attr("display_name") == "Ada")
        .returning("ALL_NEW")
        .execute()
    )
    assert after is not None and after.display_name == "new"


async def test_every_action(authors: EntityAccess[Author]) -> None:
    handle = await _author(authors, tags=["b"], badges={"x", "y"}, email="e@example.org")
    after = (
        await authors.update(handle=handle)
        .append("tags", ["c"])
        .delete_from_set("badges", {"x"})
        .add("post_count", 5)
        .set_if_not_exists("address", {"street": "s", "city": "c"})
        .remove("email")
        .returning("ALL_NEW")
        .execute()
    )
    assert after is not None
    assert after.tags == ["b", "c"]
    assert after.badges == {"y"}
    assert after.post_count == 5
    assert after.address is not None and after.address.city == "c"
    assert after.email is None
    prepended = (
        await authors.update(handle=handle).prepend("tags", ["a"]).returning("ALL_NEW").execute()
    )
    assert prepended is not None and prepended.tags == ["a", "b", "c"]
    # if_not_exists keeps what is there
    again = (
        await authors.update(handle=handle)
        .set_if_not_exists("address", {"street": "other", "city": "other"})
        .returning("ALL_NEW")
        .execute()
    )
    assert again is not None and again.address is not None and again.address.city == "c"
    again = (
        await authors.update(handle=handle)
        .set("address.zip_code", "Z9")
        .returning("ALL_NEW")
        .execute()
    )
    assert again is not None and again.address is not None
    assert again.address.city == "c" and again.address.zip_code == "Z9"


async def test_nested_path_with_list_index(authors: EntityAccess[Author]) -> None:
    handle = await _author(authors, tags=["a", "b"])
    after = await authors.update(handle=handle).set("tags[1]", "B").returning("ALL_NEW").execute()
    assert after is not None and after.tags == ["a", "B"]


async def test_update_of_missing_item_fails_and_leaves_no_phantom(
    table: Table, authors: EntityAccess[Author]
) -> None:
    handle = unique()
    with pytest.raises(ItemNotFoundError):
        await authors.update(handle=handle).add("post_count", 1).execute()
    assert await raw_get(table, f"AUTHOR#{handle}", "PROFILE") is None


async def test_upsert_creates_a_whole_item(table: Table, counters: EntityAccess[Counter]) -> None:
    name = unique()
    await counters.update(name=name).add("value", 2).upsert().execute()
    await counters.update(name=name).add("value", 3).upsert().execute()
    got = await counters.get(name=name).execute()
    assert got is not None and got.value == 5 and got.name == name
    raw = await raw_get(table, f"COUNTER#{name}", "COUNTER")
    assert raw is not None and raw["_type"] == "Ctr"


async def test_upsert_sets_created_at_once(authors: EntityAccess[Author]) -> None:
    handle = unique()
    first = (
        await authors.update(handle=handle)
        .set("display_name", "A")
        .upsert()
        .returning("ALL_NEW")
        .execute()
    )
    second = (
        await authors.update(handle=handle)
        .set("display_name", "B")
        .upsert()
        .returning("ALL_NEW")
        .execute()
    )
    assert first is not None and second is not None
    assert first.created_at == second.created_at


async def test_returning_old_and_updated_attributes(authors: EntityAccess[Author]) -> None:
    handle = await _author(authors, post_count=1)
    old = await authors.update(handle=handle).add("post_count", 1).returning("ALL_OLD").execute()
    assert old is not None and old.post_count == 1
    changed = (
        await authors.update(handle=handle)
        .add("post_count", 1)
        .returning("UPDATED_NEW")
        .execute_attributes()
    )
    assert changed["postCount"] == 3
    assert not {"PK", "SK", "_type"} & changed.keys()


async def test_refused_updates(authors: EntityAccess[Author], posts: EntityAccess[Post]) -> None:
    handle = await _author(authors)
    with pytest.raises(ValidationError, match="part of the item's key"):
        authors.update(handle=handle).set("handle", "other")
    with pytest.raises(ValidationError, match="managed"):
        authors.update(handle=handle).set("PK", "x")
    with pytest.raises(ValidationError, match="automatically"):
        authors.update(handle=handle).set("createdAt", "x")
    with pytest.raises(ValidationError, match="no attribute"):
        authors.update(handle=handle).set("nope", 1)
    with pytest.raises(ValidationError, match=r"invalid Author\.post_count"):
        authors.update(handle=handle).set("post_count", "many")
    with pytest.raises(ValidationError, match="changes nothing"):
        authors.update(handle=handle).to_request()
    with pytest.raises(ValidationError, match="cannot change both"):
        authors.update(handle=handle).append("tags", ["a"]).prepend("tags", ["b"]).to_request()
    with pytest.raises(ValidationError, match="cannot change both"):
        authors.update(handle=handle).set("address", {"street": "s", "city": "c"}).set(
            "address.city", "x"
        ).to_request()
    with pytest.raises(ValidationError, match="also set"):
        posts.update(handle=handle, post_id="p").set("status", "published").to_request()


async def test_setting_index_fields_moves_the_item_in_the_index(
    posts: EntityAccess[Post],
) -> None:
    handle = unique()
    status = unique("s")
    post = await posts.create(handle=handle, title="t").execute()
    assert (await posts.query_index("gsi1", status=status).execute()).items == []
    await (
        posts.update(handle=handle, post_id=post.post_id)
        .set("status", status)
        .set("published_at", "2026-11-24")
        .execute()
    )
    found = (await posts.query_index("gsi1", status=status).execute()).items
    assert [p.post_id for p in found] == [post.post_id]
    await posts.update(handle=handle, post_id=post.post_id).remove("published_at").execute()
    assert (await posts.query_index("gsi1", status=status).execute()).items == []
