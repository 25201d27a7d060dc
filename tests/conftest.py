"""Test session fixtures: one real DynamoDB Local, in memory, on a free port, started and
stopped by the session (it also dies with the test process, so nothing is left behind)."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from instaclone.data import Connection, Table, TableSchema
from instaclone.engine import LocalEngine, ensure_engine, require_java
from instaclone.settings import Settings

REPO = Path(__file__).resolve().parents[1]
_tables = itertools.count()


def engine_cache() -> Path:
    """The jar cache the product uses, so tests do not fetch DynamoDB Local again."""
    home = Path(os.environ.get("INSTACLONE_HOME", REPO / ".instaclone"))
    return Settings.from_env({"INSTACLONE_HOME": str(home)}).home / "engine"


def docs_ui() -> Path:
    """The API docs viewer the product installs (scripts/install), for the tests' servers."""
    from instaclone.api.docs import ensure_docs

    return ensure_docs(engine_cache().parent)


@pytest.fixture(scope="session")
def jar() -> Path:
    require_java()
    return ensure_engine(engine_cache())


@pytest.fixture(scope="session")
def engine(jar: Path) -> Iterator[LocalEngine]:
    with LocalEngine(jar, access_key="tests") as running:
        yield running


@pytest.fixture(scope="session")
async def connection(engine: LocalEngine) -> AsyncIterator[Connection]:
    async with Connection.with_static_key(engine.endpoint, "tests", "secret") as conn:
        yield conn


async def new_table(connection: Connection, schema: TableSchema, prefix: str = "t") -> Table:
    table = Table(connection, f"{prefix}{next(_tables)}", schema)
    await table.create(ttl_attribute="expiresAt")
    return table
