"""How you stand with a list of people: one BatchGetItem for the whole list, right for each
(following, follows you, blocked), in the list's order; never whether they block you."""

from __future__ import annotations

import pytest

from instaclone.domain import InstagramService
from instaclone.domain.errors import InvalidInputError
from instaclone.domain.relations import MAX_PEOPLE
from tests.domain.conftest import CountingConnection
from tests.helpers import unique


async def test_a_list_of_people_costs_one_call(
    app: InstagramService, counting: CountingConnection
) -> None:
    me, friend, fan, pest, stranger, blocker = (
        unique(n) for n in ("me", "fr", "fan", "pe", "st", "bl")
    )
    for name in (me, friend, fan, pest, stranger, blocker):
        await app.create_user(name, name.title())
    await app.follow_user(me, friend)
    await app.follow_user(friend, me)
    await app.follow_user(fan, me)
    await app.block_user(me, pest)
    await app.block_user(blocker, me)

    asked = [stranger, friend, fan.upper(), pest, blocker, me, "no_such_person", friend]
    counting.reset()
    found = await app.relations(me, asked)
    assert dict(counting.calls) == {"BatchGetItem": 1}
    assert [(r.username, r.following, r.follows_you, r.blocked) for r in found] == [
        (stranger, False, False, False),
        (friend, True, True, False),
        (fan, False, True, False),  # asked in capitals: answered by the stored name
        (pest, False, False, True),
        (blocker, False, False, False),  # that they block you is not told
        (me, False, False, False),
        ("no_such_person", False, False, False),
    ]  # the repeated friend is answered once


async def test_what_cannot_be_asked(app: InstagramService, counting: CountingConnection) -> None:
    me = unique("me")
    await app.create_user(me, "Me")
    counting.reset()
    assert await app.relations(me, []) == []
    assert not counting.calls  # nothing to ask, nothing read
    with pytest.raises(InvalidInputError, match="at most 50"):
        await app.relations(me, [f"p{i}" for i in range(MAX_PEOPLE + 1)])
    with pytest.raises(InvalidInputError, match="invalid username"):
        await app.relations(me, ["ok", "USER#x"])
    assert len(await app.relations(me, [f"p{i}" for i in range(MAX_PEOPLE)])) == MAX_PEOPLE
