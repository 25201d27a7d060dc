"""Live delivery with many open pages: how long from a like to its notification reaching the
liked person's open event stream (the pipeline writes the notification, the stream carries
the counter's change to the API process, the process sends it), and from a message sent to
its arrival on the recipient's stream; with 200 streams open on one API process, and the
server's memory per open stream.

    .venv/bin/python -m bench.live_delivery [--streams 200] [--likes 60] [--sends 100]

Starts DynamoDB Local and the real server (``instaclone serve``, event pipeline included)
on free ports; every account and request goes over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from tests.live import live_server, server_pid

from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings

PASSWORD = "benchmark password"


class Stream:
    """One open page: its event stream, read in a task, events put in a queue with the
    moment each arrived."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client, self.token = client, token
        self.events: asyncio.Queue[tuple[str, Any, float]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def _read(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with self.client.stream("GET", "/api/me/events", headers=headers) as response:
                response.raise_for_status()
                kind = ""
                async for line in response.aiter_lines():
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: "):
                        self.events.put_nowait((kind, json.loads(line[6:]), time.perf_counter()))
        except httpx.HTTPError as error:
            self.events.put_nowait(("failed", str(error), time.perf_counter()))

    def open(self) -> None:
        self.task = asyncio.create_task(self._read())

    async def wait_for(self, kind: str, test: Any = lambda data: True) -> float:
        while True:
            got, data, at = await asyncio.wait_for(self.events.get(), 30)
            if got == "failed":
                raise RuntimeError(f"a stream failed: {data}")
            if got == kind and test(data):
                return at


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return (
        f"{label:<34} n={len(ms):<4} p50 {statistics.median(ms):7.0f} ms   p99 {p99:7.0f} ms"
        f"   max {ms[-1]:7.0f} ms"
    )


async def account(client: httpx.AsyncClient, name: str) -> str:
    made = await client.post(
        "/api/accounts", json={"username": name, "name": name, "password": PASSWORD}
    )
    made.raise_for_status()
    return str(made.json()["token"])


@asynccontextmanager
async def running() -> AsyncIterator[str]:
    jar = ensure_engine(Settings.from_env().home / "engine")
    with (
        LocalEngine(jar, access_key="tests") as engine,
        tempfile.TemporaryDirectory() as tmp,
        # every stream comes from this one address: lift the per-address cap (100)
        live_server(
            engine.endpoint, Path(tmp), INSTACLONE_MAX_CONNECTIONS_PER_ADDRESS="10000"
        ) as url,
    ):
        yield url


async def main(streams: int, likes: int, sends: int) -> None:
    async with (
        running() as url,
        httpx.AsyncClient(
            base_url=url, timeout=60, limits=httpx.Limits(max_connections=streams + 50)
        ) as client,
    ):
        pid = server_pid(url)
        print(f"creating {streams + 1} accounts…", flush=True)
        names = [f"reader{i}" for i in range(streams)]
        tokens: dict[str, str] = {}
        for start in range(0, streams, 20):
            chunk = names[start : start + 20]
            for name, token in zip(
                chunk, await asyncio.gather(*(account(client, n) for n in chunk)), strict=True
            ):
                tokens[name] = token
        bob = await account(client, "bob")
        auth = {"Authorization": f"Bearer {bob}"}
        posted = names[: min(50, streams)]
        photos: dict[str, str] = {}
        for name in posted:
            made = await client.post(
                f"/api/users/{name}/photos",
                json={"url": "/static/favicon.svg"},
                headers={"Authorization": f"Bearer {tokens[name]}"},
            )
            made.raise_for_status()
            photos[name] = made.json()["photoId"]

        # One stream first, so the process's stream reader is running before measuring.
        warm = Stream(client, tokens[names[0]])
        warm.open()
        await warm.wait_for("direct")
        await asyncio.sleep(2)
        before = rss_kib(pid)
        pages = {name: Stream(client, tokens[name]) for name in names}
        for page in pages.values():
            page.open()
        await asyncio.gather(*(page.wait_for("direct") for page in pages.values()))
        await asyncio.sleep(2)
        after = rss_kib(pid)
        idle_start = cpu_seconds(pid)
        await asyncio.sleep(10)
        idle_cpu = cpu_seconds(pid) - idle_start

        print("waiting for the pipeline to settle…", flush=True)
        await asyncio.sleep(3)
        like_delays: list[float] = []
        for i in range(likes):
            name = posted[i % len(posted)]
            page = pages[name]
            while not page.events.empty():
                page.events.get_nowait()
            path = f"/api/users/{name}/photos/{photos[name]}/likes/bob"
            started = time.perf_counter()
            (await client.put(path, headers=auth)).raise_for_status()
            arrived = await page.wait_for("notifications", lambda d: d["unread"] >= 1)
            like_delays.append(arrived - started)
            (await client.delete(path, headers=auth)).raise_for_status()
            await page.wait_for("notifications", lambda d: d["unread"] == 0)
        readable = await client.get(
            "/api/me/notifications", headers={"Authorization": f"Bearer {tokens[posted[0]]}"}
        )
        readable.raise_for_status()

        send_delays: list[float] = []
        for i in range(sends):
            name = names[i % len(names)]
            page = pages[name]
            body = {"text": f"hello {i}", "clientId": f"b{i}"}
            started = time.perf_counter()
            sent = await client.post(f"/api/users/{name}/messages", json=body, headers=auth)
            sent.raise_for_status()
            message_id = sent.json()["messageId"]
            arrived = await page.wait_for("message", lambda d, m=message_id: d["messageId"] == m)
            send_delays.append(arrived - started)

        # All at once: one message to every open page in the same moment.
        burst: list[float] = []
        answered: list[float] = []
        after_answer: list[float] = []

        async def one(name: str) -> None:
            body = {"text": "all at once", "clientId": f"burst-{name}"}
            started = time.perf_counter()
            sent = await client.post(f"/api/users/{name}/messages", json=body, headers=auth)
            sent.raise_for_status()
            answered_at = time.perf_counter()
            message_id = sent.json()["messageId"]
            arrived = await pages[name].wait_for("message", lambda d: d["messageId"] == message_id)
            burst.append(arrived - started)
            answered.append(answered_at - started)
            after_answer.append(max(arrived - answered_at, 0.0))

        await asyncio.gather(*(one(name) for name in names))

        print()
        print(f"open streams on one API process: {streams}")
        print(
            f"server memory: {before / 1024:.1f} MiB with 1 stream, {after / 1024:.1f} MiB with"
            f" {streams + 1}: {(after - before) / streams:.1f} KiB per open stream"
        )
        print(
            f"server CPU while {streams + 1} streams sit idle: {idle_cpu / 10 * 100:.1f}% of a core"
        )
        print(summary("like → notification on the stream", like_delays))
        print(summary("send → message on the stream", send_delays))
        print(summary(f"{streams} sends at once → each arrives", burst))
        print(summary("   of which: the send's own answer", answered))
        print(summary("   of which: answer → arrival", after_answer))
        for page in [warm, *pages.values()]:
            if page.task:
                page.task.cancel()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--likes", type=int, default=60)
    parser.add_argument("--sends", type=int, default=100)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.streams, arguments.likes, arguments.sends))
