from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from instaclone.data import Connection
from instaclone.domain import SCHEMA, InstagramService
from instaclone.engine import LocalEngine
from tests.conftest import new_table


class CountingConnection(Connection):
    """A real connection that also counts the DynamoDB calls made through it."""

    def __init__(self, endpoint: str) -> None:
        from aiodynamo.credentials import Key, StaticCredentials

        super().__init__(
            endpoint=endpoint, region="us-east-1", credentials=StaticCredentials(Key("tests", "s"))
        )
        self.calls: Counter[str] = Counter()

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.calls[action] += 1
        return await super().call(action, payload)

    def reset(self) -> None:
        self.calls.clear()


@pytest.fixture(scope="module")
async def counting(engine: LocalEngine) -> AsyncIterator[CountingConnection]:
    conn = CountingConnection(engine.endpoint)
    yield conn
    await conn.close()


@pytest.fixture(scope="module")
async def app(counting: CountingConnection) -> InstagramService:
    return InstagramService(await new_table(counting, SCHEMA, "insta"))
