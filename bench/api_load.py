"""HTTP load on the running app vs the engine's own raw throughput for the same calls.

    .venv/bin/python -m bench.api_load [--seconds 10] [--connections 32]

Starts an in-memory DynamoDB Local and the real server (``instaclone serve``) on free ports,
seeds users, photos and follows, then loads three endpoints with wrk (Debian: apt-get install
wrk):
  photo  GET  /api/users/{owner}/photos/{id}      (photo + first comments + recent likers)
  feed   GET  /api/feed                            (following 20 users; the push feed since
                                                    the event pipeline; its raw baseline below
                                                    still replays the old pull calls)
  like   PUT/DELETE …/likes/{me}                   (a like, then its unlike, 200 users)
and, in the same run, drives the engine directly with the same DynamoDB calls per request,
prebuilt, 32 at a time: the ceiling the API could reach if it cost nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from tests.live import live_server

from instaclone.data import Connection, Table
from instaclone.domain import SCHEMA, InstagramService
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings

FOLLOWED = 20
LIKERS = 200


def wrk(url: str, seconds: int, connections: int, *extra: str) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "non2xx": int(bad.group(1)) if bad else 0,
        "total": total,
    }


async def raw_rate(seconds: float, tasks: int, one: Callable[[int], Awaitable[Any]]) -> float:
    done = 0
    deadline = time.monotonic() + seconds

    async def worker(w: int) -> None:
        nonlocal done
        i = w
        while time.monotonic() < deadline:
            await one(i)
            done += 1
            i += tasks

    started = time.monotonic()
    await asyncio.gather(*(worker(w) for w in range(tasks)))
    return done / (time.monotonic() - started)


async def main(seconds: int, connections: int) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    jar = ensure_engine(Settings.from_env().home / "engine")
    with (
        LocalEngine(jar, access_key="tests") as engine,
        tempfile.TemporaryDirectory() as tmp,
        live_server(engine.endpoint, Path(tmp)) as url,
    ):
        table_name = next(t for t in await _tables(engine.endpoint) if t.startswith("live"))
        async with Connection.with_static_key(engine.endpoint, "tests", "secret") as conn:
            await run(url, conn, table_name, seconds, connections)


async def _tables(endpoint: str) -> list[str]:
    async with Connection.with_static_key(endpoint, "tests", "secret") as conn:
        names: list[str] = (await conn.call("ListTables", {}))["TableNames"]
        return names


async def run(url: str, conn: Connection, table_name: str, seconds: int, connections: int) -> None:
    table = Table(conn, table_name, SCHEMA)
    app = InstagramService(
        table, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    print("seeding…", flush=True)
    await app.create_user("owner", "Owner")
    await app.sign_up("reader", "Reader", "benchmark pw")
    photo = await app.create_photo("owner", "https://x.example/p.jpg", "benchmark")
    for i in range(FOLLOWED):
        name = f"author{i}"
        await app.create_user(name, name)
        await app.follow_user("reader", name)
        for j in range(3):
            await app.create_photo(name, f"https://x.example/{i}/{j}.jpg")
    likers = [f"liker{i}" for i in range(LIKERS)]
    tokens = []
    for name in likers:
        await app.sign_up(name, name, "benchmark pw")
        tokens.append((await app.log_in(name, "benchmark pw"))[0])
    for name in likers[:10]:
        await app.comment_on_photo(photo.photo_id, "owner", name, f"comment from {name}")
        await app.like_photo(photo.photo_id, "owner", name)
    reader_token = (await app.log_in("reader", "benchmark pw"))[0]

    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    # Each wrk thread has its own Lua state: give each its own half of the users, so that
    # no two in-flight requests toggle the same like.
    script = (
        "local tokens = {" + ",".join(f'"{t}"' for t in tokens) + "}\n"
        "local users = {" + ",".join(f'"{u}"' for u in likers) + "}\n"
        "local threads = 0\n"
        "function setup(thread) thread:set('first', threads); threads = threads + 1 end\n"
        "local n = 0\n"
        "function init(args) n = 0 end\n"
        "request = function()\n"
        "  local half = #users / 2\n"
        "  local i = first * half + n % half + 1\n"
        "  local method = (math.floor(n / half) % 2 == 0) and 'PUT' or 'DELETE'\n"
        "  n = n + 1\n"
        f"  local path = '/api/users/owner/photos/{photo.photo_id}/likes/' .. users[i]\n"
        "  return wrk.format(method, path, {['Authorization'] = 'Bearer ' .. tokens[i]})\n"
        "end\n"
    )
    await asyncio.to_thread(lua.write_text, script)
    # the like script starts from 'not liked' for likers 11..200; unlike the first ten
    for name in likers[:10]:
        await app.unlike_photo(photo.photo_id, "owner", name)

    results: dict[str, tuple[dict[str, float], float, int]] = {}

    # -- photo ------------------------------------------------------------------------------
    photo_url = f"{url}/api/users/owner/photos/{photo.photo_id}"
    get = app.photos.get(username="owner", photo_id=photo.photo_id).to_request()
    comments_q = app.comments.query(photo_id=photo.photo_id).limit(20).to_request()
    likes_q = app.likes.query_index("gsi1", photo_id=photo.photo_id).limit(20).to_request()
    users_bg = app.users.batch_get({"username": n} for n in likers[:10]).to_requests()[0]

    async def raw_photo(i: int) -> Any:
        return await asyncio.gather(
            conn.call(get.action, get.payload),
            conn.call(comments_q.action, comments_q.payload),
            conn.call(likes_q.action, likes_q.payload),
            conn.call(users_bg.action, users_bg.payload),
            conn.call(users_bg.action, users_bg.payload),
        )

    results["GET photo"] = (
        wrk(photo_url, seconds, connections),
        await raw_rate(seconds, 32, raw_photo),
        5,
    )

    # -- feed -------------------------------------------------------------------------------
    following_q = (
        app.follows.query_index("gsi1", following_username="reader").limit(100).to_request()
    )
    photo_qs = [
        app.photos.query(username=f"author{i}").descending().limit(30).to_request()
        for i in range(FOLLOWED)
    ]

    liked_bg = app.likes.batch_get(
        {"photo_id": photo.photo_id, "liking_username": f"reader{j}"} for j in range(30)
    ).to_requests()[0]

    async def raw_feed(i: int) -> Any:
        await conn.call(following_q.action, following_q.payload)
        await asyncio.gather(*(conn.call(q.action, q.payload) for q in photo_qs))
        return await conn.call(liked_bg.action, liked_bg.payload)  # which ones I liked

    results["GET feed"] = (
        wrk(f"{url}/api/feed", seconds, connections, "-H", f"Authorization: Bearer {reader_token}"),
        await raw_rate(seconds, 32, raw_feed),
        2 + FOLLOWED,
    )

    # -- like / unlike ---------------------------------------------------------------------
    like_result = wrk(url, seconds, connections, "-s", str(lua))
    tx_like = [
        table.transaction()
        .add(app.likes.create(photo_id=photo.photo_id, liking_username=f"raw{i}"))
        .add(app.photos.update(username="owner", photo_id=photo.photo_id).add("likes_count", 1))
        .to_request()
        for i in range(4000)
    ]

    async def raw_like(i: int) -> Any:
        request = tx_like[i % len(tx_like)]
        try:
            return await conn.call(request.action, request.payload)
        except Exception:
            return None

    results["PUT/DELETE like"] = (like_result, await raw_rate(seconds, 32, raw_like), 1)

    print(f"\n{seconds} s per run, wrk -t2 -c{connections}; raw: 32 concurrent tasks, same calls\n")
    print(
        f"{'endpoint':<18}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
        f"{'raw req-equiv/s':>17}{'calls/req':>11}{'API/raw':>9}"
    )
    for name, (w, raw, calls) in results.items():
        print(
            f"{name:<18}{w['rps']:>8.0f}{w['p50']:>9.2f}{w['p99']:>9.2f}{int(w['non2xx']):>9}"
            f"{raw:>17.0f}{calls:>11}{w['rps'] / raw:>8.2f}x"
        )
    final = await app.get_photo("owner", photo.photo_id)
    likes_now = len(await app.likes.query(photo_id=photo.photo_id).all())
    count = final.likes_count if final else "?"
    print(f"\nafter the run: likesCount {count}, likes stored {likes_now}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.connections))
