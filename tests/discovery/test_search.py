"""User search against DynamoDB Local, with the pipeline drained: prefix of username or any
word of the name, accents and case ignored, exact username first, then the most followed;
at most 2 calls per query; kept in step with names and new accounts."""

from __future__ import annotations

import pytest

from instaclone.data import Connection
from instaclone.domain import InvalidInputError
from instaclone.engine import LocalEngine
from tests.domain.conftest import CountingConnection
from tests.events.conftest import drain, fresh_app


async def names(app, query: str, limit: int = 20) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.username for m in await app.search_users(query, limit)]


async def test_prefix_of_name_or_username_accent_and_case_insensitive(
    connection: Connection,
) -> None:
    app = await fresh_app(connection)
    await app.create_user("jgarcia", "José García")
    await app.create_user("maria.lopez", "María López")
    await app.create_user("joseph", "Joseph Smith")
    await app.create_user("zoe", "Zoë Ångström")
    await drain(app)
    assert set(await names(app, "jose")) == {"jgarcia", "joseph"}
    assert await names(app, "JOSÉ GAR") == ["jgarcia"]
    assert await names(app, "garc") == ["jgarcia"]
    assert await names(app, "lop") == ["maria.lopez"]
    assert await names(app, "maria.lo") == ["maria.lopez"]  # the username's parts
    assert await names(app, "angs") == ["zoe"]
    assert await names(app, "zo") == ["zoe"]
    assert await names(app, "nobody") == []


async def test_exact_username_first_then_most_followed(connection: Connection) -> None:
    app = await fresh_app(connection)
    for name in ("ann", "anna", "annabel", "annie"):
        await app.create_user(name, name.title())
    fans = [f"fan{i}" for i in range(12)]
    for fan in fans:
        await app.create_user(fan, "Fan")
    for fan in fans:  # annie: 12 followers, annabel: 3, anna and ann: none
        await app.follow_user(fan, "annie")
    for fan in fans[:3]:
        await app.follow_user(fan, "annabel")
    await drain(app)
    found = await names(app, "ann")
    assert found[0] == "ann"  # the exact username, though it has no followers
    assert found[1:3] == ["annie", "annabel"]
    assert await names(app, "ann", limit=2) == ["ann", "annie"]
    # Followers change the order (through the pipeline): anna overtakes everyone.
    for fan in fans:
        await app.follow_user(fan, "anna")
    for fan in fans[:8]:
        await app.create_user(f"x{fan}", "X")
        await app.follow_user(f"x{fan}", "anna")
    await drain(app)
    assert (await names(app, "an"))[0] == "anna"


async def test_renames_and_new_accounts_follow(connection: Connection) -> None:
    app = await fresh_app(connection)
    await app.create_user("pat", "Patricia Nuñez")
    await drain(app)
    assert await names(app, "nunez") == ["pat"]
    await app.update_user_profile("pat", {"name": "Patricia Ortiz"})
    await drain(app)
    assert await names(app, "nunez") == []
    assert await names(app, "ortiz") == ["pat"]
    await app.create_user("newbie", "Nuñez Again")
    await drain(app)
    assert await names(app, "nun") == ["newbie"]
    await drain(app)  # handling again changes nothing
    assert await names(app, "patricia") == ["pat"]


async def test_at_most_two_calls_per_query(engine: LocalEngine) -> None:
    counting = CountingConnection(engine.endpoint)
    try:
        app = await fresh_app(counting)
        for i in range(30):
            await app.create_user(f"sam{i}", f"Sam Number{i}")
        await drain(app)
        for query in ("s", "sam", "sam1", "sam number2", "number29", "zzz", "Sam7"):
            counting.reset()
            found = await app.search_users(query, 10)
            assert sum(counting.calls.values()) <= 2, (query, counting.calls)
            assert found or query == "zzz"
    finally:
        await counting.close()


@pytest.mark.parametrize("query", ["", "   ", "x" * 1000, "!!!", "@"])
async def test_bad_queries_are_refused(connection: Connection, query: str) -> None:
    app = await fresh_app(connection)
    with pytest.raises(InvalidInputError):
        await app.search_users(query, 10)


async def test_letters_without_a_decomposition_fold_too(connection: Connection) -> None:
    app = await fresh_app(connection)
    await app.create_user("lk", "Łukasz Sørensen")
    await app.create_user("yy", "Yılmaz Guðrún")
    await drain(app)
    assert await names(app, "lukasz") == ["lk"]
    assert await names(app, "SOREN") == ["lk"]
    assert await names(app, "yilmaz gud") == ["yy"]


async def test_a_long_prefix_finds_every_match_ranked(connection: Connection) -> None:
    app = await fresh_app(connection)
    for i in range(30):
        await app.create_user(f"sam{i}", f"Sam Number{i}")
    for fan in ("f1", "f2", "f3"):
        await app.create_user(fan, "Fan")
        await app.follow_user(fan, "sam25")
    await drain(app)
    found = await names(app, "number2")
    assert found[0] == "sam25"  # the most followed first
    assert sorted(found) == sorted(["sam2"] + [f"sam{i}" for i in range(20, 30)])
