"""create / get / put / delete against a real DynamoDB Local."""

from __future__ import annotations

import asyncio

import pytest

from instaclone.data import (
    AlreadyExistsError,
    ConditionFailedError,
    EntityAccess,
    ItemNotFoundError,
    Table,
    ValidationError,
    attr,
)
from tests.data.models import Author, Counter, Post
from tests.helpers import raw_get, unique


async def test_create_then_get_round_trips_typed_nested_values(
    authors: EntityAccess[Author],
) -> None:
    handle = unique()
    created = await authors.create(
        handle=handle,
        display_name="Ada",
        tags=["math"],
        badges={"gold", "early"},
        address={"street": "1 Loop", "city": "London", "zipCode": "N1"},
    ).execute()
    fetched = await authors.get(handle=handle).execute()
    assert fetched == created
    assert fetched is not None
    assert fetched.address is not None and fetched.address.zip_code == "N1"
    assert fetched.badges == {"gold", "early"}
    assert fetched.created_at is not None and fetched.created_at == fetched.updated_at


async def test_stored_item_uses_stored_names_keys_and_entity_type(
    table: Table, authors: EntityAccess[Author]
) -> None:
    handle = unique()
    await authors.create(handle=handle, display_name="Ada", post_count=3).execute()
    raw = await raw_get(table, f"AUTHOR#{handle}", "PROFILE")
    assert raw is not None
    assert raw["displayName"] == "Ada" and raw["postCount"] == 3
    assert raw["_type"] == "Author"
    assert raw["createdAt"].endswith("Z")
    # sparse index: no email, so no GSI1 keys at all
    assert "GSI1PK" not in raw and "GSI1SK" not in raw


async def test_create_refuses_an_existing_key_and_changes_nothing(
    authors: EntityAccess[Author],
) -> None:
    handle = unique()
    first = await authors.create(handle=handle, display_name="First").execute()
    with pytest.raises(AlreadyExistsError) as info:
        await authors.create(handle=handle, display_name="Second").execute()
    assert info.value.item == first  # the item that was in the way comes back
    assert handle in str(info.value) and "Author" in str(info.value)
    assert (await authors.get(handle=handle).execute()) == first


async def test_defaults_are_fresh_copies(authors: EntityAccess[Author]) -> None:
    a = Author(handle=unique(), display_name="A")
    b = Author(handle=unique(), display_name="B")
    a.tags.append("mutated")
    assert b.tags == []


async def test_generated_ulids_are_unique_and_kept_when_given(posts: EntityAccess[Post]) -> None:
    handle = unique()
    p1 = await posts.create(handle=handle, title="one").execute()
    p2 = await posts.create(handle=handle, title="two").execute()
    assert len(p1.post_id) == 26 and p1.post_id != p2.post_id
    p3 = await posts.create(handle=handle, post_id="custom1", title="three").execute()
    assert p3.post_id == "custom1"


async def test_bad_input_is_a_validation_error_and_writes_nothing(
    table: Table, authors: EntityAccess[Author]
) -> None:
    handle = unique()
    with pytest.raises(ValidationError):
        await authors.create(handle=handle, display_name=None).execute()
    with pytest.raises(ValidationError):
        await authors.create(handle=handle, display_name="x", post_count="many").execute()
    with pytest.raises(ValidationError, match="must not contain"):
        await authors.create(handle="a#b", display_name="x").execute()
    with pytest.raises(ValidationError, match="must not be empty"):
        await authors.create(handle="", display_name="x").execute()
    assert await raw_get(table, f"AUTHOR#{handle}", "PROFILE") is None


async def test_put_replaces_whole_item_but_keeps_created_at(
    authors: EntityAccess[Author],
) -> None:
    handle = unique()
    first = await authors.create(
        handle=handle, display_name="Ada", email="ada@example.org", tags=["x"]
    ).execute()
    await asyncio.sleep(0.01)
    replaced = await authors.put(handle=handle, display_name="Ada L.").execute()
    assert replaced.created_at == first.created_at
    assert replaced.updated_at is not None and first.updated_at is not None
    assert replaced.updated_at > first.updated_at
    assert replaced.email is None and replaced.tags == []  # absent attributes are removed
    # and the item left the sparse email index with its email
    page = await authors.query_index("gsi1", email="ada@example.org").execute()
    assert page.items == []


async def test_put_creates_when_missing_and_honours_conditions(
    authors: EntityAccess[Author],
) -> None:
    handle = unique()
    made = await authors.put(handle=handle, display_name="New").if_not_exists().execute()
    assert made.created_at is not None
    with pytest.raises(ConditionFailedError):
        await authors.put(handle=handle, display_name="Again").if_not_exists().execute()
    with pytest.raises(ConditionFailedError):
        await authors.put(handle=unique(), display_name="Ghost").if_exists().execute()


async def test_get_of_missing_item_is_none(authors: EntityAccess[Author]) -> None:
    assert await authors.get(handle=unique()).execute() is None


async def test_get_needs_every_key_field(posts: EntityAccess[Post]) -> None:
    with pytest.raises(ValidationError, match="postId"):
        posts.get(handle="someone")


async def test_projected_get_returns_only_asked_attributes(authors: EntityAccess[Author]) -> None:
    handle = unique()
    await authors.create(handle=handle, display_name="Ada", post_count=2).execute()
    got = await authors.get(handle=handle).project("display_name", "postCount").execute()
    assert got == {"displayName": "Ada", "postCount": 2}


async def test_delete_returns_old_item_and_none_when_nothing_was_there(
    authors: EntityAccess[Author],
) -> None:
    handle = unique()
    made = await authors.create(handle=handle, display_name="Ada").execute()
    assert await authors.delete(handle=handle).execute() == made
    assert await authors.delete(handle=handle).execute() is None
    with pytest.raises(ItemNotFoundError):
        await authors.delete(handle=handle).must_exist().execute()


async def test_conditional_delete_failure_keeps_item_and_reports_it(
    authors: EntityAccess[Author],
) -> None:
    handle = unique()
    made = await authors.create(handle=handle, display_name="Ada", post_count=5).execute()
    with pytest.raises(ConditionFailedError) as info:
        await authors.delete(handle=handle).condition(attr("post_count") == 0).execute()
    assert info.value.item == made
    assert await authors.get(handle=handle).execute() == made


async def test_entity_without_timestamps_and_with_custom_type_name(
    table: Table, counters: EntityAccess[Counter]
) -> None:
    name = unique()
    made = await counters.create(name=name).execute()
    assert made.created_at is None
    raw = await raw_get(table, f"COUNTER#{name}", "COUNTER")
    assert raw is not None and raw["_type"] == "Ctr" and "createdAt" not in raw
