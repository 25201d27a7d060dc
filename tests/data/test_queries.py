"""Query and Scan: narrowing to the entity, sort conditions, filters, pages, cursors."""

from __future__ import annotations

import pytest

from instaclone.data import EntityAccess, InvalidCursorError, Table, ValidationError, attr
from tests.data.models import Author, Draft, Post
from tests.helpers import unique


async def _posts_and_drafts(
    posts: EntityAccess[Post], drafts: EntityAccess[Draft], handle: str, n: int
) -> list[Post]:
    made = [await posts.create(handle=handle, title=f"p{i}", views=i).execute() for i in range(n)]
    for i in range(n):
        await drafts.create(handle=handle, body=f"d{i}").execute()
    return made


async def test_query_is_narrowed_to_the_entity_so_limit_is_not_eaten(
    posts: EntityAccess[Post], drafts: EntityAccess[Draft]
) -> None:
    """Posts and drafts share a partition; DRAFT# sorts before POST#, so an unnarrowed
    ascending query with Limit would return drafts (filtered away) and no posts."""
    handle = unique()
    made = await _posts_and_drafts(posts, drafts, handle, 3)
    request = posts.query(handle=handle).limit(2).to_request().payload
    assert "begins_with" in request["KeyConditionExpression"]
    assert "FilterExpression" not in request  # the key condition alone tells entities apart
    page = await posts.query(handle=handle).limit(2).execute()
    assert [p.post_id for p in page.items] == [p.post_id for p in made[:2]]
    newest = await posts.query(handle=handle).descending().limit(2).execute()
    assert [p.post_id for p in newest.items] == [p.post_id for p in made[::-1][:2]]
    only_drafts = await drafts.query(handle=handle).descending().limit(3).execute()
    assert [d.body for d in only_drafts.items] == ["d2", "d1", "d0"]


async def test_pages_follow_cursors_to_the_end(
    posts: EntityAccess[Post], drafts: EntityAccess[Draft]
) -> None:
    handle = unique()
    made = await _posts_and_drafts(posts, drafts, handle, 7)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await posts.query(handle=handle).limit(3).after(cursor).execute()
        pages += 1
        seen += [p.post_id for p in page.items]
        cursor = page.cursor
        if cursor is None:
            break
        assert cursor.isascii() and "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert seen == [p.post_id for p in made]
    assert pages == 3
    assert [p.post_id for p in await posts.query(handle=handle).limit(2).all()] == seen


async def test_sort_key_conditions(posts: EntityAccess[Post], drafts: EntityAccess[Draft]) -> None:
    handle = unique()
    made = await _posts_and_drafts(posts, drafts, handle, 5)
    ids = [p.post_id for p in made]

    async def run(q: object) -> list[str]:
        page = await q.execute()  # type: ignore[attr-defined]
        return [p.post_id for p in page.items]

    assert await run(posts.query(handle=handle).sort_gt(post_id=ids[2])) == ids[3:]
    assert await run(posts.query(handle=handle).sort_ge(post_id=ids[2])) == ids[2:]
    assert await run(posts.query(handle=handle).sort_lt(post_id=ids[2])) == ids[:2]
    assert await run(posts.query(handle=handle).sort_le(post_id=ids[2])) == ids[:3]
    assert await run(posts.query(handle=handle).sort_eq(post_id=ids[1])) == [ids[1]]
    between = posts.query(handle=handle).sort_between({"post_id": ids[1]}, {"post_id": ids[3]})
    assert await run(between) == ids[1:4]
    assert await run(posts.query(handle=handle, post_id=ids[4])) == [ids[4]]
    # gt stays inside POST# even though other entities sort after it
    page = await posts.query(handle=handle).sort_gt(post_id=ids[4]).limit(1).execute()
    assert page.items == []
    # begins_with, open_end: the start of the last field given (here the template ends
    # with it; tests/discovery/test_search.py has a literal after it, "T#{term}#{username}")
    shared = ids[0][:9]
    opened = posts.query(handle=handle).sort_begins_with(post_id=shared, open_end=True)
    assert await run(opened) == [i for i in ids if i.startswith(shared)]


async def test_cursor_after_resumes_just_after_an_item(posts: EntityAccess[Post]) -> None:
    handle = unique()
    made = [await posts.create(handle=handle, title=f"t{i}").execute() for i in range(5)]
    query = posts.query(handle=handle).limit(5)
    first = await query.execute()
    resumed = await posts.query(handle=handle).after(query.cursor_after(first.items[1])).execute()
    assert [p.post_id for p in resumed.items] == [p.post_id for p in made[2:]]


async def test_filters_and_projection(posts: EntityAccess[Post]) -> None:
    handle = unique()
    for i in range(6):
        await posts.create(handle=handle, title=f"p{i}", views=i).execute()
    popular = await posts.query(handle=handle).filter(attr("views") > 3).execute()
    assert [p.views for p in popular.items] == [4, 5]
    either = (
        await posts.query(handle=handle)
        .filter((attr("views") == 0) | (attr("title").begins_with("p5")))
        .execute()
    )
    assert [p.title for p in either.items] == ["p0", "p5"]
    neither = await posts.query(handle=handle).filter(~attr("views").is_in(0, 1, 2, 3)).execute()
    assert [p.views for p in neither.items] == [4, 5]
    # limit counts items read before the filter: documented DynamoDB behaviour
    limited = await posts.query(handle=handle).filter(attr("views") > 3).limit(4).execute()
    assert limited.items == [] and limited.scanned_count == 4 and limited.cursor is not None
    slim = await posts.query(handle=handle).project("title", "views").limit(2).execute()
    assert slim.items == [{"title": "p0", "views": 0}, {"title": "p1", "views": 1}]


async def test_index_query_with_composite_sort_key(posts: EntityAccess[Post]) -> None:
    status = unique("st")
    handle = unique()
    for day in ("2026-01-03", "2026-01-01", "2026-01-02"):
        await posts.create(handle=handle, title=day, status=status, published_at=day).execute()
    page = await posts.query_index("gsi1", status=status).descending().execute()
    assert [p.title for p in page.items] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    jan2 = await posts.query_index("gsi1", status=status, published_at="2026-01-02").execute()
    assert [p.title for p in jan2.items] == ["2026-01-02"]
    request = posts.query_index("gsi1", status=status).to_request().payload
    assert request["IndexName"] == "gsi1"
    assert request["ExpressionAttributeNames"]["#n0"] == "GSI1PK"
    # this sort template has no constant prefix, so the entity-type filter is the safety net
    assert "FilterExpression" in request


async def test_query_argument_errors(
    posts: EntityAccess[Post], authors: EntityAccess[Author]
) -> None:
    with pytest.raises(ValidationError, match="needs handle"):
        posts.query()
    with pytest.raises(ValidationError, match="use filter"):
        posts.query(handle="h", title="x")
    with pytest.raises(ValidationError, match="no index"):
        posts.query_index("gsi9", status="x")
    with pytest.raises(ValidationError, match="positive"):
        posts.query(handle="h").limit(0)
    with pytest.raises(TypeError, match="truth value"):
        bool(attr("views") > 1)


async def test_tampered_malformed_and_foreign_cursors_are_refused(
    posts: EntityAccess[Post],
) -> None:
    handle = unique()
    for i in range(3):
        await posts.create(handle=handle, title=f"p{i}").execute()
    page = await posts.query(handle=handle).limit(1).execute()
    cursor = page.cursor
    assert cursor is not None
    version, payload, mac = cursor.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    with pytest.raises(InvalidCursorError, match="altered"):
        posts.query(handle=handle).after(f"{version}.{forged}.{mac}")
    with pytest.raises(InvalidCursorError, match="malformed"):
        posts.query(handle=handle).after("not-a-cursor")
    with pytest.raises(InvalidCursorError, match="version"):
        posts.query(handle=handle).after(f"v9.{payload}.{mac}")
    with pytest.raises(InvalidCursorError):
        posts.query(handle=unique()).after(cursor)  # another partition
    with pytest.raises(InvalidCursorError):
        posts.query(handle=handle).descending().after(cursor)  # another direction
    resumed = await posts.query(handle=handle).limit(1).after(cursor).execute()
    assert resumed.items[0].title == "p1"


async def test_cursor_from_another_table_instance_with_other_secret_is_refused(
    table: Table, posts: EntityAccess[Post]
) -> None:
    handle = unique()
    for i in range(2):
        await posts.create(handle=handle, title=f"p{i}").execute()
    cursor = (await posts.query(handle=handle).limit(1).execute()).cursor
    other = Table(table.connection, table.name, table.schema, cursor_secret=b"another secret")
    with pytest.raises(InvalidCursorError):
        other.entity(Post).query(handle=handle).after(cursor)


async def test_scan_returns_only_the_entity_and_pages(
    posts: EntityAccess[Post], drafts: EntityAccess[Draft]
) -> None:
    handle = unique()
    await _posts_and_drafts(posts, drafts, handle, 3)
    mine = await posts.scan().filter(attr("handle") == handle).limit(5).all()
    assert sorted(p.title for p in mine) == ["p0", "p1", "p2"]
    assert all(isinstance(p, Post) for p in mine)
    halves = [
        await posts.scan().segment(i, 2).filter(attr("handle") == handle).all() for i in range(2)
    ]
    assert sorted(p.title for half in halves for p in half) == ["p0", "p1", "p2"]
