"""From settings to a live table: the configured endpoint, or the embedded DynamoDB Local."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from argon2 import PasswordHasher

from instaclone.data import BotocoreCredentials, Connection, Table
from instaclone.domain.feed import FeedPolicy
from instaclone.domain.models import SCHEMA
from instaclone.domain.service import InstagramService
from instaclone.engine import lease_engine, local_credentials
from instaclone.settings import Settings


@contextlib.asynccontextmanager
async def open_connection(settings: Settings) -> AsyncIterator[Connection]:
    """A connection to the configured endpoint (standard AWS credential chain), or to the
    install's embedded engine, started for the duration if it is not running."""
    if settings.endpoint is not None:
        connection = Connection(
            endpoint=settings.endpoint,
            region=settings.region,
            credentials=BotocoreCredentials(),
        )
        async with connection:
            yield connection
        return
    lease = lease_engine(settings.home, settings.db_port)
    state = await asyncio.to_thread(lease.__enter__)
    try:
        key, secret = local_credentials(settings.home)
        async with Connection.with_static_key(state.endpoint, key, secret) as connection:
            yield connection
    finally:
        await asyncio.to_thread(lease.__exit__, None, None, None)


def instagram_table(connection: Connection, settings: Settings) -> Table:
    return Table(connection, settings.table_name, SCHEMA, cursor_secret=settings.secret())


def feed_policy(settings: Settings) -> FeedPolicy:
    on = max(1, settings.celebrity_followers)
    return FeedPolicy(celebrity_on=on, celebrity_off=max(1, on * 4 // 5))


def password_hasher(settings: Settings) -> PasswordHasher:
    if settings.fast_hashing:  # tests and load runs only: still argon2id, far cheaper
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


@contextlib.asynccontextmanager
async def connect(
    settings: Settings | None = None, *, create_table: bool = True
) -> AsyncIterator[InstagramService]:
    """The Instagram service on the configured DynamoDB (see Settings), table ensured::

    async with instaclone.connect() as app:
        await app.create_user("juanca", "Juan Carlos Bondi")
    """
    settings = settings or Settings.from_env()
    async with open_connection(settings) as connection:
        table = instagram_table(connection, settings)
        if create_table:
            await table.create(ttl_attribute=settings.ttl_attribute)
        yield InstagramService(
            table, hasher=password_hasher(settings), policy=feed_policy(settings)
        )
