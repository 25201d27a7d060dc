from __future__ import annotations

import pytest

from instaclone.data import Connection, EntityAccess, Table
from tests.conftest import new_table
from tests.data.models import SCHEMA, Author, Counter, Draft, Post


@pytest.fixture(scope="module")
async def table(connection: Connection) -> Table:
    return await new_table(connection, SCHEMA, "data")


@pytest.fixture
def authors(table: Table) -> EntityAccess[Author]:
    return table.entity(Author)


@pytest.fixture
def posts(table: Table) -> EntityAccess[Post]:
    return table.entity(Post)


@pytest.fixture
def drafts(table: Table) -> EntityAccess[Draft]:
    return table.entity(Draft)


@pytest.fixture
def counters(table: Table) -> EntityAccess[Counter]:
    return table.entity(Counter)
