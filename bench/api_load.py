"""HTTP load on the real server, several ways of running it side by side in one run.

    .venv/bin/python -m bench.api_load [--seconds 10] [--connections 32] [--before REV]
        [--rounds 2]

Starts an in-memory DynamoDB Local, seeds one table (users, photos, follows, sessions), then
for each server variant starts ``instaclone serve`` on that table (the event pipeline off:
what is counted is what a request does itself) and loads three endpoints with wrk (Debian:
apt-get install wrk):
  photo  GET  /api/users/{owner}/photos/{id}      (photo, first comments, recent likers)
  feed   GET  /api/feed                            (the push feed, following 20)
  like   PUT/DELETE …/likes/{me}                   (a like, then its unlike, 200 users)

For each: requests per second and latency (these swing 2-3× with the machine's load), server
CPU per request (the server's processes' user+system time over the run, divided by the
requests: steadier), and DynamoDB calls per request (from the server's own /metrics: every
call, the session lookup included). The variants, run in turn, ``--rounds`` times each:
  before   the code at REV (a git worktree), when --before is given
  now      this code, one process
  quiet    this code, metrics off and no access log (their overhead is now − quiet)
  2 procs  this code, ``serve --workers 2``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from tests.live import live_server, serving_processes

from instaclone.data import Connection, Table
from instaclone.domain import SCHEMA, InstagramService
from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings

FOLLOWED = 20
LIKERS = 200
TABLE = "apiload"
ROOT = Path(__file__).resolve().parents[1]


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


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def dynamodb_calls(url: str) -> float | None:
    """Every DynamoDB call the server made so far, by its own count (None: no /metrics)."""
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
            text = response.read().decode()
    except OSError:
        return None
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("instaclone_dynamodb_calls_total{")
    )


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="instaclone-before-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), rev],
        check=True,
        capture_output=True,
    )
    try:
        yield where
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)],
            check=False,
            capture_output=True,
        )


async def seed(endpoint: str) -> dict[str, Any]:
    async with Connection.with_static_key(endpoint, "tests", "secret") as conn:
        table = Table(conn, TABLE, SCHEMA)
        await table.create(ttl_attribute="expiresAt")
        app = InstagramService(
            table, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
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
            await app.unlike_photo(photo.photo_id, "owner", name)
        # The feed is pushed by the pipeline, off here: write the reader's feed items as the
        # pipeline would, by draining it once.
        from instaclone.events.worker import consumer

        worker = consumer(app)
        await worker.drain()
        await worker.close()
        reader_token = (await app.log_in("reader", "benchmark pw"))[0]
        return {
            "photo": photo.photo_id,
            "likers": likers,
            "tokens": tokens,
            "reader": reader_token,
        }


def like_script(seeded: dict[str, Any]) -> Path:
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    # Each wrk thread has its own Lua state: give each its own half of the users, so that
    # no two in-flight requests toggle the same like.
    lua.write_text(
        "local tokens = {" + ",".join(f'"{t}"' for t in seeded["tokens"]) + "}\n"
        "local users = {" + ",".join(f'"{u}"' for u in seeded["likers"]) + "}\n"
        "local threads = 0\n"
        "function setup(thread) thread:set('first', threads); threads = threads + 1 end\n"
        "local n = 0\n"
        "function init(args) n = 0 end\n"
        "request = function()\n"
        "  local half = #users / 2\n"
        "  local i = first * half + n % half + 1\n"
        "  local method = (math.floor(n / half) % 2 == 0) and 'PUT' or 'DELETE'\n"
        "  n = n + 1\n"
        f"  local path = '/api/users/owner/photos/{seeded['photo']}/likes/' .. users[i]\n"
        "  return wrk.format(method, path, {['Authorization'] = 'Bearer ' .. tokens[i]})\n"
        "end\n"
    )
    return lua


def load(
    url: str, seeded: dict[str, Any], lua: Path, seconds: int, connections: int
) -> dict[str, dict[str, float]]:
    pids = list(serving_processes(url))  # the server, and its workers if any
    endpoints = {
        "GET photo": (f"{url}/api/users/owner/photos/{seeded['photo']}",),
        "GET feed": (f"{url}/api/feed", "-H", f"Authorization: Bearer {seeded['reader']}"),
        "PUT/DELETE like": (url, "-s", str(lua)),
    }
    results = {}
    for name, (target, *extra) in endpoints.items():
        wrk(target, 2, 4, *extra)  # warm up (connections, caches, the JIT of the engine)
        calls, cpu = dynamodb_calls(url), cpu_seconds(pids)
        measured = wrk(target, seconds, connections, *extra)
        cpu_used = cpu_seconds(pids) - cpu
        calls_after = dynamodb_calls(url)
        total = max(measured["total"], 1)
        measured["cpu_ms"] = cpu_used / total * 1000
        measured["calls"] = (
            (calls_after - calls) / total
            if calls is not None and calls_after is not None
            else float("nan")
        )
        results[name] = measured
    return results


def main(seconds: int, connections: int, before: str | None, rounds: int) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    jar = ensure_engine(Settings.from_env().home / "engine")
    with LocalEngine(jar, access_key="tests") as engine, tempfile.TemporaryDirectory() as tmp:
        print("seeding…", flush=True)
        seeded = asyncio.run(seed(engine.endpoint))
        lua = like_script(seeded)
        common = {"INSTACLONE_TABLE": TABLE, "INSTACLONE_PIPELINE": "off"}
        variants: list[tuple[str, dict[str, str], tuple[str, ...], Path | None]] = [
            ("now", {}, (), None),
            ("quiet", {"INSTACLONE_METRICS": "off", "INSTACLONE_LOG_LEVEL": "warning"}, (), None),
            ("2 procs", {}, ("--workers", "2"), None),
        ]
        with contextlib.nullcontext() if before is None else worktree(before) as old:
            if old is not None:
                variants.insert(0, ("before", {"PYTHONPATH": str(old / "src")}, (), old))
            table: dict[tuple[str, str], list[dict[str, float]]] = {}
            for round_ in range(rounds):
                for label, env, args, _ in variants:
                    home = Path(tmp) / f"{label.replace(' ', '')}{round_}"
                    home.mkdir()
                    print(f"round {round_ + 1}: {label}…", flush=True)
                    with live_server(engine.endpoint, home, args=args, **common, **env) as url:
                        time.sleep(1)
                        for endpoint, result in load(
                            url, seeded, lua, seconds, connections
                        ).items():
                            table.setdefault((endpoint, label), []).append(result)
        print(
            f"\n{seconds} s per run, wrk -t2 -c{connections}, {rounds} round(s) of each variant "
            "in turn; figures are the median over the rounds\n"
        )
        print(
            f"{'endpoint':<17}{'variant':<9}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'non-2xx':>8}{'CPU ms/req':>11}{'calls/req':>10}"
        )
        for (endpoint, label), runs in table.items():
            middle = {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in runs[0]}
            calls = "n/a" if middle["calls"] != middle["calls"] else f"{middle['calls']:.2f}"
            print(
                f"{endpoint:<17}{label:<9}{middle['rps']:>7.0f}{middle['p50']:>8.1f}"
                f"{middle['p99']:>8.1f}{int(middle['non2xx']):>8}{middle['cpu_ms']:>11.2f}"
                f"{calls:>10}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--before", help="a git revision to run side by side (as 'before')")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    main(args.seconds, args.connections, args.before, args.rounds)
