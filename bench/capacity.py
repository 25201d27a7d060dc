"""Read and write units per user action, as DynamoDB counts them (every request made with
ReturnConsumedCapacity=TOTAL, against DynamoDB Local, which computes them as AWS does):
what the request itself costs, and what the event pipeline then writes because of it.
The README's cost table is made from these.

    .venv/bin/python -m bench.capacity
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from argon2 import PasswordHasher

from instaclone.data import Connection, Table
from instaclone.domain import SCHEMA, InstagramService
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.events.worker import consumer
from instaclone.settings import Settings

_CAPACITY_ACTIONS = {
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
}


class Meter:
    """Wraps a connection's ``call``: asks for the consumed capacity and adds it up."""

    def __init__(self, connection: Connection) -> None:
        self.read = 0.0
        self.write = 0.0
        self.calls = 0
        original = connection.call

        async def call(action: str, payload: dict[str, Any]) -> dict[str, Any]:
            if action in _CAPACITY_ACTIONS:
                payload = {**payload, "ReturnConsumedCapacity": "TOTAL"}
            response = await original(action, payload)
            if action in _CAPACITY_ACTIONS:
                self.calls += 1
                consumed = response.get("ConsumedCapacity") or []
                for entry in consumed if isinstance(consumed, list) else [consumed]:
                    units = float(entry.get("CapacityUnits", 0))
                    reads = entry.get("ReadCapacityUnits")
                    writes = entry.get("WriteCapacityUnits")
                    if reads is not None or writes is not None:
                        self.read += float(reads or 0)
                        self.write += float(writes or 0)
                    elif action in ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"):
                        self.read += units
                    else:
                        self.write += units
            return response

        connection.call = call  # type: ignore[method-assign]

    def take(self) -> tuple[float, float, int]:
        taken = (self.read, self.write, self.calls)
        self.read = self.write = 0.0
        self.calls = 0
        return taken


async def measure(endpoint: str) -> None:
    async with Connection.with_static_key(endpoint, "tests", "secret") as conn:
        table = Table(conn, "capacity", SCHEMA)
        await table.create(ttl_attribute="expiresAt")
        app = InstagramService(
            table, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        pipeline = consumer(app)
        await pipeline.drain()
        meter = Meter(conn)
        rows: list[tuple[str, tuple[float, float, int], tuple[float, float, int]]] = []

        async def step(label: str, action: Callable[[], Awaitable[Any]]) -> None:
            await pipeline.drain()
            meter.take()
            await action()
            request = meter.take()
            await pipeline.drain()
            after = meter.take()
            rows.append((label, request, after))

        await step("sign-up", lambda: app.sign_up("ana_lopez", "Ana López", "a password"))
        for i in range(100):
            await app.create_user(f"fan{i}", f"Fan {i}")
            await app.follow_user(f"fan{i}", "ana_lopez")
        await pipeline.drain()
        await step("follow", lambda: app.follow_user("fan0", "fan1"))
        photo: list[Any] = []

        async def post() -> None:
            photo.append(
                await app.create_photo("ana_lopez", "https://x.example/p.jpg", "hello #summer")
            )

        await step("post (100 followers)", post)
        owner, photo_id = "ana_lopez", photo[0].photo_id
        await step("like", lambda: app.like_photo(photo_id, owner, "fan2"))
        await step("unlike", lambda: app.unlike_photo(photo_id, owner, "fan2"))
        await step(
            "comment", lambda: app.comment_on_photo(photo_id, owner, "fan3", "lovely @ana_lopez")
        )
        for i in range(20):
            await app.follow_user("fan5", f"fan{10 + i}")
            await app.create_photo(f"fan{10 + i}", f"https://x.example/{i}.jpg")
        await pipeline.drain()
        await step("feed page (20 photos)", lambda: app.get_user_feed("fan5", 20))
        await step("profile", lambda: app.get_user_profile("ana_lopez"))
        await step("photo page", lambda: app.get_photo_with_details(owner, photo_id))
        await step(
            "message",
            lambda: app.send_message("fan4", "ana_lopez", "hi there", "m1"),
        )
        await step("notifications page", lambda: app.get_notifications("ana_lopez", 20))
        await step("session lookup (every signed-in request)", lambda: app.session_user("x" * 43))
        await pipeline.close()

    print(
        f"{'action':<42}{'request RRU':>12}{'WRU':>7}{'calls':>7}   {'pipeline RRU':>13}{'WRU':>7}"
    )
    for label, (r, w, c), (pr, pw, _) in rows:
        print(f"{label:<42}{r:>12.1f}{w:>7.1f}{c:>7}   {pr:>13.1f}{pw:>7.1f}")
    print(
        "\n(pipeline RRU include its own bookkeeping reads; its stream reads, GetRecords, are"
        " not units: on Lambda they are free)"
    )


def main() -> None:
    jar = ensure_engine(Settings.from_env().home / "engine")
    with LocalEngine(jar, access_key="tests") as engine:
        asyncio.run(measure(engine.endpoint))


if __name__ == "__main__":
    main()
