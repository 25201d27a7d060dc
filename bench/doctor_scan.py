"""How long `instaclone db doctor` takes on a table of 100,000 items (DynamoDB Local, in
memory): users, photos, likes, comments and follows, a few of them broken.

    .venv/bin/python -m bench.doctor_scan [--items 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from instaclone.data import Connection, Table
from instaclone.domain import SCHEMA, Comment, Follow, Like, Photo, User
from instaclone.domain.doctor import Doctor
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings


async def seed(table: Table, items: int) -> None:
    users = max(10, items // 50)
    batch = table.batch_write()
    written = 0
    for u in range(users):
        batch.put(User(username=f"user{u}", name=f"User {u}", photo_count=2))
        written += 1
    photo_ids = []
    for u in range(users):
        for _ in range(2):
            photo = Photo(username=f"user{u}", url="https://x.example/p.jpg", likes_count=10)
            photo_ids.append((photo.username, photo.photo_id))
            batch.put(photo)
            written += 1
    i = 0
    while written < items:
        owner, photo_id = photo_ids[i % len(photo_ids)]
        liker = f"user{(i * 7) % users}"
        if i % 3 == 2:
            batch.put(Comment(photo_id=photo_id, commenting_username=liker, content="nice"))
        elif i % 3 == 1:
            batch.put(Follow(followed_username=owner, following_username=f"fan{i}"))
        else:
            batch.put(Like(photo_id=photo_id, liking_username=f"{liker}n{i}"))
        written += 1
        i += 1
    await batch.execute(concurrency=8)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    jar = ensure_engine((Settings.from_env().home / "engine").resolve())
    with LocalEngine(jar, access_key="bench") as engine:
        async with Connection.with_static_key(engine.endpoint, "bench", "s") as connection:
            table = Table(connection, "Doctor", SCHEMA)
            await table.create()
            t0 = time.perf_counter()
            await seed(table, args.items)
            print(f"seeded {args.items:,} items in {time.perf_counter() - t0:.0f} s")
            doctor = Doctor(table)
            report = await doctor.examine()
            print(
                f"examine: {report.scanned:,} items in {report.seconds:.1f} s "
                f"({report.scanned / report.seconds:,.0f} items/s); findings: "
                + ", ".join(f"{n} {k}" for k, n in sorted(report.count().items()))
            )
            t0 = time.perf_counter()
            changed = await doctor.repair(report)
            print(f"repair: {changed:,} items changed in {time.perf_counter() - t0:.1f} s")
            again = await doctor.examine()
            print(f"second examine: {len(again.findings)} findings in {again.seconds:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
