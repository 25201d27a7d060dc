"""Batch get/write and transactions, on the real engine and through a scripted transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiodynamo.credentials import Key, StaticCredentials
from aiodynamo.http.aiohttp import AIOHTTP

from instaclone.data import (
    BatchIncompleteError,
    BoundedRetry,
    Connection,
    EngineUnavailableError,
    EntityAccess,
    RetryPolicy,
    Table,
    ThrottledError,
    TransactionCancelledError,
    ValidationError,
    attr,
)
from instaclone.engine import LocalEngine
from instaclone.engine.local import free_port
from tests.data.fake_transport import ScriptedTransport, error
from tests.data.models import Author, Counter, Post
from tests.helpers import unique

FAST = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.002)


@pytest.fixture
async def scripted(
    engine: LocalEngine, table: Table
) -> AsyncIterator[tuple[Table, ScriptedTransport]]:
    async with aiohttp.ClientSession() as session:
        transport = ScriptedTransport(AIOHTTP(session))
        conn = Connection(
            endpoint=engine.endpoint,
            region="us-east-1",
            credentials=StaticCredentials(Key("tests", "secret")),
            http=transport,
            retry=BoundedRetry(max_attempts=3, base_delay_secs=0.001, max_delay_secs=0.002),
        )
        yield Table(conn, table.name, table.schema, batch_retry=FAST), transport


# -- batch get ------------------------------------------------------------------------------


async def test_batch_get_chunks_dedupes_and_keeps_request_order(
    authors: EntityAccess[Author], table: Table
) -> None:
    handles = [unique() for _ in range(130)]
    writes = table.batch_write()
    for h in handles:
        writes.put(Author(handle=h, display_name=h.upper()))
    await writes.execute()
    assert len(writes.to_requests()) == 6  # 130 puts in chunks of 25

    asked = [*handles[::-1], handles[0], "missing-one", handles[5]]
    batch = authors.batch_get({"handle": h} for h in asked)
    assert len(batch.to_requests()) == 2  # 131 distinct keys in chunks of 100
    result = await batch.execute()
    assert [a.handle if a else None for a in result.results] == [
        *handles[::-1],
        handles[0],
        None,
        handles[5],
    ]
    assert len(result.items) == 130
    assert result.missing == [{"handle": "missing-one"}]


async def test_batch_get_retries_unprocessed_keys(
    scripted: tuple[Table, ScriptedTransport], authors: EntityAccess[Author]
) -> None:
    table, transport = scripted
    handles = [unique() for _ in range(4)]
    for h in handles:
        await authors.create(handle=h, display_name=h).execute()

    async def half_unprocessed(payload: dict[str, Any]) -> dict[str, Any]:
        keys = payload["RequestItems"][table.name]["Keys"]
        served = await transport.forward(
            "BatchGetItem", {"RequestItems": {table.name: {"Keys": keys[:2]}}}
        )
        served["UnprocessedKeys"] = {table.name: {"Keys": keys[2:]}}
        return served

    transport.on("BatchGetItem", half_unprocessed)
    result = await table.entity(Author).batch_get({"handle": h} for h in handles).execute()
    assert [a.handle for a in result.items] == handles
    assert transport.calls.count("BatchGetItem") == 2


async def test_batch_get_that_stays_unprocessed_keeps_what_was_fetched(
    scripted: tuple[Table, ScriptedTransport], authors: EntityAccess[Author]
) -> None:
    table, transport = scripted
    handles = [unique() for _ in range(6)]
    for h in handles:
        await authors.create(handle=h, display_name=h).execute()

    async def only_first(payload: dict[str, Any]) -> dict[str, Any]:
        keys = payload["RequestItems"][table.name]["Keys"]
        served = await transport.forward(
            "BatchGetItem", {"RequestItems": {table.name: {"Keys": keys[:1]}}}
        )
        served["UnprocessedKeys"] = {table.name: {"Keys": keys[1:]}}
        return served

    transport.on("BatchGetItem", *[only_first] * FAST.max_attempts)
    with pytest.raises(BatchIncompleteError) as info:
        await table.entity(Author).batch_get({"handle": h} for h in handles).execute()
    partial = info.value.partial
    # one key served per attempt: what was fetched is all there, the rest is reported
    assert sum(a is not None for a in partial.results) == FAST.max_attempts
    assert len(info.value.unprocessed) == 6 - FAST.max_attempts
    assert transport.calls.count("BatchGetItem") == FAST.max_attempts


# -- batch write ----------------------------------------------------------------------------


async def test_batch_write_retries_unprocessed_items_and_deletes(
    scripted: tuple[Table, ScriptedTransport], authors: EntityAccess[Author]
) -> None:
    table, transport = scripted

    async def hold_back(payload: dict[str, Any]) -> dict[str, Any]:
        requests = payload["RequestItems"][table.name]
        await transport.forward("BatchWriteItem", {"RequestItems": {table.name: requests[:1]}})
        return {"UnprocessedItems": {table.name: requests[1:]}}

    transport.on("BatchWriteItem", hold_back)
    handles = [unique() for _ in range(3)]
    writes = table.batch_write()
    for h in handles:
        writes.put(Author(handle=h, display_name=h))
    await writes.execute()
    got = await authors.batch_get({"handle": h} for h in handles).execute()
    assert len(got.items) == 3
    await table.batch_write().delete(Author, handle=handles[0]).execute()
    assert await authors.get(handle=handles[0]).execute() is None


async def test_batch_write_refuses_the_same_item_twice(table: Table) -> None:
    h = unique()
    writes = table.batch_write().put(Author(handle=h, display_name="a")).delete(Author, handle=h)
    with pytest.raises(ValidationError, match="twice"):
        await writes.execute()


# -- transactions ---------------------------------------------------------------------------


async def test_transaction_applies_all_or_nothing(
    table: Table, authors: EntityAccess[Author], posts: EntityAccess[Post]
) -> None:
    handle = unique()
    await authors.create(handle=handle, display_name="A").execute()
    post = Post(handle=handle, title="t")
    await (
        table.transaction()
        .add(posts.create(post))
        .add(authors.update(handle=handle).add("post_count", 1))
        .execute()
    )
    assert (await authors.get(handle=handle).execute()).post_count == 1  # type: ignore[union-attr]

    second = Post(handle=handle, title="t2")
    with pytest.raises(TransactionCancelledError) as info:
        await (
            table.transaction()
            .add(posts.create(second), label="new post")
            .add(
                authors.update(handle=handle)
                .add("post_count", 1)
                .condition(attr("post_count") < 1),
                label="bump count",
            )
            .execute()
        )
    cancelled = info.value
    assert [r.label for r in cancelled.reasons] == ["bump count"]
    reason = cancelled.failed("bump count")
    assert reason is not None and reason.code == "ConditionalCheckFailed"
    assert reason.index == 1 and reason.operation == "Update" and reason.entity == "Author"
    assert reason.item is not None and reason.item.post_count == 1
    assert cancelled.all_reasons[0] is None
    assert "bump count" in str(cancelled)
    # nothing of it was written
    assert await posts.get(handle=handle, post_id=second.post_id).execute() is None


async def test_transaction_condition_check_and_default_labels(
    table: Table, authors: EntityAccess[Author], counters: EntityAccess[Counter]
) -> None:
    missing = unique()
    with pytest.raises(TransactionCancelledError) as info:
        await (
            table.transaction()
            .add(authors.check(attr("handle").exists(), handle=missing))
            .add(counters.create(name=unique()))
            .execute()
        )
    reason = info.value.reasons[0]
    assert reason.operation == "ConditionCheck" and reason.item is None
    assert missing in reason.label and "Author" in reason.label


async def test_transaction_limits_are_checked_before_sending(
    table: Table, counters: EntityAccess[Counter]
) -> None:
    too_many = table.transaction()
    for _ in range(101):
        too_many.add(counters.create(name=unique()))
    with pytest.raises(ValidationError, match="at most 100"):
        too_many.to_request()
    name = unique()
    twice = (
        table.transaction()
        .add(counters.create(name=name))
        .add(counters.update(name=name).add("value", 1))
    )
    with pytest.raises(ValidationError, match="once"):
        await twice.execute()
    with pytest.raises(ValidationError):
        table.transaction().to_request()
    hundred = table.transaction()
    names = [unique() for _ in range(100)]
    for n in names:
        hundred.add(counters.create(name=n))
    await hundred.execute()
    assert (await counters.get(name=names[-1]).execute()) is not None


async def test_transaction_conflicts_are_retried(
    scripted: tuple[Table, ScriptedTransport], counters: EntityAccess[Counter]
) -> None:
    table, transport = scripted
    conflict = error(
        "TransactionCanceledException",
        "Transaction cancelled",
        CancellationReasons=[
            {"Code": "TransactionConflict", "Message": "conflict"},
            {"Code": "None"},
        ],
    )

    async def conflicted(payload: dict[str, Any]) -> Any:
        return conflict

    transport.on("TransactWriteItems", conflicted, conflicted)
    name = unique()
    await counters.create(name=name).execute()
    tc = table.entity(Counter)
    await (
        table.transaction()
        .add(tc.update(name=name).add("value", 1))
        .add(tc.create(name=unique()))
        .execute()
    )
    assert transport.calls.count("TransactWriteItems") == 3
    assert (await counters.get(name=name).execute()).value == 1  # type: ignore[union-attr]

    table.transaction_conflict_retries = 1
    transport.on("TransactWriteItems", conflicted, conflicted)
    with pytest.raises(TransactionCancelledError) as info:
        await (
            table.transaction()
            .add(tc.update(name=name).add("value", 1))
            .add(tc.create(name=unique()))
            .execute()
        )
    assert info.value.conflict
    assert (await counters.get(name=name).execute()).value == 1  # type: ignore[union-attr]


async def test_transact_get_reads_several_entities(
    table: Table, authors: EntityAccess[Author], counters: EntityAccess[Counter]
) -> None:
    h, n = unique(), unique()
    await authors.create(handle=h, display_name="A").execute()
    results = await (
        table.transact_get().add(authors.get(handle=h)).add(counters.get(name=n)).execute()
    )
    assert isinstance(results[0], Author) and results[0].handle == h
    assert results[1] is None


# -- the wire -------------------------------------------------------------------------------


async def test_throttling_is_retried_then_reported(
    scripted: tuple[Table, ScriptedTransport], authors: EntityAccess[Author]
) -> None:
    table, transport = scripted
    h = unique()
    await authors.create(handle=h, display_name="A").execute()

    async def throttled(payload: dict[str, Any]) -> Any:
        return error("ThrottlingException", "Rate of requests exceeds the allowed throughput")

    transport.on("GetItem", throttled)
    got = await table.entity(Author).get(handle=h).execute()
    assert got is not None and transport.calls.count("GetItem") == 2
    transport.on("GetItem", throttled, throttled, throttled)
    with pytest.raises(ThrottledError):
        await table.entity(Author).get(handle=h).execute()


async def test_unreachable_engine_is_a_typed_error() -> None:
    conn = Connection(
        endpoint=f"http://127.0.0.1:{free_port()}",
        region="us-east-1",
        credentials=StaticCredentials(Key("tests", "secret")),
        retry=BoundedRetry(max_attempts=2, base_delay_secs=0.001),
    )
    async with conn:
        with pytest.raises(EngineUnavailableError, match="unreachable"):
            await conn.call("ListTables", {})
