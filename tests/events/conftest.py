from __future__ import annotations

from instaclone.data import Connection
from instaclone.domain import SCHEMA, InstagramService
from instaclone.domain.feed import FeedPolicy
from instaclone.events import HandlerRetry
from tests.conftest import new_table
from tests.helpers import drain

__all__ = ["FAST_RETRY", "drain", "fresh_app", "users"]

FAST_RETRY = HandlerRetry(max_attempts=2, base_delay=0.01, max_delay=0.02)


async def fresh_app(connection: Connection, policy: FeedPolicy | None = None) -> InstagramService:
    return InstagramService(await new_table(connection, SCHEMA, "ev"), policy=policy)


async def users(app: InstagramService, *names: str) -> None:
    for name in names:
        await app.create_user(name, name.title())
