"""Direct messages against DynamoDB Local: order and pages, requests, idempotent retries,
unread counts, and a third person refused everywhere."""

from __future__ import annotations

import asyncio
import time

import pytest
from ulid import ULID

from instaclone.data import Connection
from instaclone.domain import (
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    UserNotFoundError,
    messages,
)
from instaclone.domain.messages import RequestDeclinedError, conversation_id
from tests.events.conftest import fresh_app, users


async def test_messages_in_order_paged_backwards_and_listed(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "ann", "ben")
    await app.follow_user("ben", "ann")  # ben follows ann: her messages reach his inbox
    cid = conversation_id("ann", "ben")
    sent = [await app.send_message("ann", "ben", f"m{i}", f"c{i}") for i in range(7)]
    page = await app.get_messages("ben", cid, 3)
    assert [m.text for m in page.items] == ["m4", "m5", "m6"]  # newest last
    older = await app.get_messages("ben", cid, 3, page.cursor)
    assert [m.text for m in older.items] == ["m1", "m2", "m3"]
    inbox = await app.get_conversations("ben", "inbox")
    assert [(e.other, e.preview, e.unread) for e in inbox.items] == [("ann", "m6", 7)]
    assert (await app.direct_unread("ben")).unread == 7
    await app.mark_conversation_read("ben", cid)
    assert (await app.direct_unread("ben")).unread == 0
    reply = await app.send_message("ben", "ann", "hi back", "r1")
    assert (await app.get_conversations("ann", "inbox")).items[0].preview == "hi back"
    assert reply.message_id > sent[-1].message_id


async def test_retries_send_once(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "cat", "dan")
    first = await app.send_message("cat", "dan", "once", "same-id")
    again = await app.send_message("cat", "dan", "once", "same-id")  # after a timeout
    both = await asyncio.gather(*(app.send_message("cat", "dan", "race", "r") for _ in range(4)))
    assert again.message_id == first.message_id
    assert len({m.message_id for m in both}) == 1
    page = await app.get_messages("dan", conversation_id("cat", "dan"), 10)
    assert [m.text for m in page.items] == ["once", "race"]
    assert (await app.get_conversations("dan", "requests")).items[0].unread == 2


async def test_strangers_land_in_requests(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "eve", "fay", "gus")
    cid = conversation_id("eve", "fay")
    await app.send_message("eve", "fay", "hello?", "a")
    await app.send_message("eve", "fay", "anyone?", "b")
    assert (await app.get_conversations("fay", "inbox")).items == []
    requests = await app.get_conversations("fay", "requests")
    assert [(e.other, e.unread) for e in requests.items] == [("eve", 2)]
    counts = await app.direct_unread("fay")
    assert (counts.unread, counts.requests) == (0, 1)
    await app.accept_request("fay", cid)
    counts = await app.direct_unread("fay")
    assert (counts.unread, counts.requests) == (2, 0)
    assert [e.other for e in (await app.get_conversations("fay", "inbox")).items] == ["eve"]
    # declined: gone from the list; a reply to a request accepts it
    await app.send_message("gus", "fay", "hey", "g1")
    await app.decline_request("fay", conversation_id("fay", "gus"))
    assert (await app.get_conversations("fay", "requests")).items == []
    assert (await app.direct_unread("fay")).requests == 0


async def test_a_declined_request_stays_gone_and_a_new_one_shows_only_what_is_new(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    await users(app, "kay", "liv")
    cid = conversation_id("kay", "liv")
    for i in range(3):
        await app.send_message("kay", "liv", f"unwanted {i}", f"u{i}")
    await app.decline_request("liv", cid)
    await app.decline_request("liv", cid)  # a double click
    assert (await app.direct_unread("liv")).requests == 0
    assert (await app.get_messages("liv", cid)).items == []  # gone for her
    with pytest.raises(NotFoundError):
        await app.get_conversation("liv", cid)
    assert [m.text for m in (await app.get_messages("kay", cid)).items] == [
        "unwanted 0",
        "unwanted 1",
        "unwanted 2",
    ]  # the sender is not told
    sent = await app.send_message("kay", "liv", "please?", "u3")
    request = (await app.get_conversations("liv", "requests")).items
    assert [(e.other, e.preview, e.unread) for e in request] == [("kay", "please?", 1)]
    assert (await app.direct_unread("liv")).requests == 1
    page = await app.get_messages("liv", cid, 2)
    assert [m.text for m in page.items] == ["please?"] and page.cursor is None
    caught_up, complete = await app.messages_since("liv", sent.message_id)  # a reconnect
    assert [m.text for m in caught_up] == ["please?"] and complete
    # accepted this time: the conversation goes on from the new request
    await app.accept_request("liv", cid)
    await app.send_message("liv", "kay", "ok, what?", "l1")
    assert [m.text for m in (await app.get_messages("liv", cid)).items] == ["please?", "ok, what?"]
    assert len((await app.get_messages("kay", cid)).items) == 5


async def test_a_decline_hides_what_was_stored_before_it_whatever_the_ids_say(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids come from several processes' clocks: a message stored last may have the oldest
    id. What a decline hides is what was stored before it."""
    app = await fresh_app(connection)
    await users(app, "mo", "nia", "ola")
    cid = conversation_id("mo", "nia")
    await app.send_message("mo", "nia", "from a good clock", "a")
    behind = str(ULID.from_timestamp(int(time.time() * 1000) - 2000))  # a clock 2 s behind
    monkeypatch.setattr(messages, "new_ulid", lambda: behind)
    await app.send_message("mo", "nia", "from a clock behind", "b")  # stored last
    monkeypatch.undo()
    await app.decline_request("nia", cid)
    assert (await app.get_messages("nia", cid)).items == []
    # and many at once, ids in one millisecond in random order
    cid = conversation_id("mo", "ola")
    await asyncio.gather(*(app.send_message("mo", "ola", f"m{i}", f"m{i}") for i in range(20)))
    await app.decline_request("ola", cid)
    assert (await app.get_messages("ola", cid, 50)).items == []
    # what comes after shows, even from the clock behind
    monkeypatch.setattr(messages, "new_ulid", lambda: behind)
    after = await app.send_message("mo", "nia", "after", "c")
    monkeypatch.undo()
    page = await app.get_messages("nia", conversation_id("mo", "nia"))
    assert [m.message_id for m in page.items] == [after.message_id]


async def test_sends_racing_a_decline_are_declined_or_a_new_request(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    await users(app, "oz", "pia")
    cid = conversation_id("oz", "pia")
    await app.send_message("oz", "pia", "first", "f")
    await asyncio.gather(
        app.decline_request("pia", cid),
        *(app.send_message("oz", "pia", f"r{i}", f"r{i}") for i in range(15)),
    )
    shown = (await app.get_messages("pia", cid, 100)).items
    requests = (await app.get_conversations("pia", "requests")).items
    assert "first" not in [m.text for m in shown]
    # whatever she sees is the new request, counted exactly
    assert [e.unread for e in requests] == ([len(shown)] if shown else [])
    assert (await app.direct_unread("pia")).requests == len(requests)
    assert len((await app.get_messages("oz", cid, 100)).items) == 16  # he sees all he sent


async def test_a_decline_cut_short_holds_nobody_up_and_cannot_be_accepted(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = await fresh_app(connection)
    await users(app, "quin", "rae")
    cid = conversation_id("quin", "rae")
    await app.send_message("quin", "rae", "spam", "s")

    async def dies(*_: object) -> None:
        raise RuntimeError("the process died here")

    monkeypatch.setattr(app, "_seal", dies)
    with pytest.raises(RuntimeError):
        await app.decline_request("rae", cid)  # the request left Requests; no more
    monkeypatch.undo()
    assert (await app.get_messages("rae", cid)).items == []
    with pytest.raises(RequestDeclinedError):  # a second tab's Accept: too late
        await app.accept_request("rae", cid)
    again = await app.send_message("quin", "rae", "again", "a")  # finishes the decline first
    assert [m.message_id for m in (await app.get_messages("rae", cid)).items] == [again.message_id]


async def test_only_the_two_participants(connection: Connection) -> None:
    app = await fresh_app(connection)
    await users(app, "hal", "ivy", "jon")
    await app.send_message("hal", "ivy", "private", "p")
    cid = conversation_id("hal", "ivy")
    for attempt in (
        app.get_messages("jon", cid),
        app.mark_conversation_read("jon", cid),
        app.accept_request("jon", cid),
        app.decline_request("jon", cid),
    ):
        with pytest.raises(NotAllowedError):
            await attempt
    assert (await app.get_conversations("jon", "inbox")).items == []


@pytest.mark.parametrize(
    ("recipient", "text", "client_id"),
    [
        ("kim", "x" * 1001, "a"),
        ("kim", "  ", "a"),
        ("kim", "hi", ""),
        ("kim", "hi", "bad id!"),
        ("lee", "hi", "a"),
    ],
)
async def test_bad_messages_are_refused(
    connection: Connection, recipient: str, text: str, client_id: str
) -> None:
    app = await fresh_app(connection)
    await users(app, "kim")
    with pytest.raises((InvalidInputError, UserNotFoundError)):
        await app.send_message("kim", recipient, text, client_id)
    assert (await app.get_conversations("kim", "inbox")).items == []
