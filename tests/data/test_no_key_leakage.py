"""Results never carry internal attributes (PK, SK, GSI1PK, GSI1SK, _type), on every path."""

from __future__ import annotations

from typing import Any

import pytest

from instaclone.data import (
    ConditionFailedError,
    Entity,
    EntityAccess,
    Table,
    TransactionCancelledError,
    attr,
)
from tests.data.models import Author, Post
from tests.helpers import unique

INTERNAL = {"PK", "SK", "GSI1PK", "GSI1SK", "_type"}


def assert_clean(value: Any) -> None:
    if isinstance(value, Entity):
        value = value.model_dump(by_alias=True)
    assert isinstance(value, dict), value
    leaked = INTERNAL & value.keys()
    assert not leaked, f"leaked {leaked}"
    # also check the model would not hold them as extras
    assert not INTERNAL & set(getattr(value, "__pydantic_extra__", None) or {})


async def test_every_result_path_is_clean(
    table: Table, authors: EntityAccess[Author], posts: EntityAccess[Post]
) -> None:
    h = unique()
    status = unique("s")
    made = await authors.create(handle=h, display_name="A", email=f"{h}@example.org").execute()
    assert_clean(made)
    post = await posts.create(handle=h, title="t", status=status, published_at="2026").execute()
    results: list[Any] = [
        await authors.get(handle=h).execute(),
        await authors.get(handle=h).consistent().execute(),
        await authors.get(handle=h).project("displayName", "PK", "_type").execute(),
        await authors.put(handle=h, display_name="B", email=f"{h}@example.org").execute(),
        await authors.update(handle=h).add("post_count", 1).returning("ALL_NEW").execute(),
        await authors.update(handle=h).add("post_count", 1).returning("ALL_OLD").execute(),
        await authors.update(handle=h)
        .add("post_count", 1)
        .returning("UPDATED_NEW")
        .execute_attributes(),
    ]
    results += (await posts.query(handle=h).limit(1).execute()).items
    results += (await posts.query(handle=h).project("title", "SK").execute()).items
    results += (await posts.query_index("gsi1", status=status).execute()).items
    results += (await authors.query_index("gsi1", email=f"{h}@example.org").execute()).items
    async for page in posts.query(handle=h).pages():
        results += page.items
    results += await posts.scan().filter(attr("handle") == h).all()
    results += (await authors.batch_get([{"handle": h}]).execute()).items
    results += await table.transact_get().add(authors.get(handle=h)).execute()
    with pytest.raises(ConditionFailedError) as failed:
        await (
            authors.update(handle=h)
            .set("display_name", "x")
            .condition(attr("post_count") == 99)
            .execute()
        )
    results.append(failed.value.item)
    with pytest.raises(TransactionCancelledError) as cancelled:
        await (
            table.transaction()
            .add(posts.create(handle=h, title="x"))
            .add(authors.check(attr("post_count") == 99, handle=h))
            .execute()
        )
    results.append(cancelled.value.reasons[0].item)
    results.append(await posts.delete(handle=h, post_id=post.post_id).execute())
    results.append(await authors.delete(handle=h).execute())
    assert len(results) >= 18
    for result in results:
        assert result is not None
        assert_clean(result)
