"""Who is listening in this process, and which stream changes concern them.

A connection subscribes with its username and gets a queue; each change read from the
stream becomes events for the people it concerns (a notification counter moved: that
person's badge). Queues are bounded: a listener that does not keep up loses old events,
never the process's memory, and every event carries the whole state it reports (the badge's
count), so the latest one is all a page needs."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from instaclone.data import Table
from instaclone.live.tail import Change, StreamTail

QUEUE = 64
MAX_PER_USER = 8
"""Open pages per person (tabs, devices): past it, the oldest is closed."""


@dataclass(frozen=True)
class LiveEvent:
    kind: str
    data: dict[str, Any]
    id: str = ""

    def encode(self) -> bytes:
        lines = [f"event: {self.kind}"]
        if self.id:
            lines.append(f"id: {self.id}")
        lines.append("data: " + json.dumps(self.data, separators=(",", ":")))
        return ("\n".join(lines) + "\n\n").encode()


def events_for(change: Change) -> list[tuple[str, LiveEvent]]:
    """(username, event) for each listener a change concerns."""
    kind, old, new = change
    if kind == "NotificationCounter" and new is not None:
        unread = max(int(new.get("unread", 0)), 0)
        if old is None or int(old.get("unread", 0)) != unread:
            return [(str(new["username"]), LiveEvent("notifications", {"unread": unread}))]
    return []


class _Listener:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue(QUEUE)

    def put(self, event: LiveEvent | None) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()  # the oldest goes: the newest says it all
        self.queue.put_nowait(event)


class LiveHub:
    def __init__(self, table: Table) -> None:
        self.table = table
        self._listeners: dict[str, dict[int, _Listener]] = {}
        self._ids = itertools.count()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._tail: StreamTail | None = None

    @property
    def listening(self) -> int:
        return sum(len(v) for v in self._listeners.values())

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._stop.clear()
            self._tail = StreamTail(self.table, self.deliver)
            self._task = asyncio.create_task(self._tail.run(self._stop), name="live-stream")

    async def deliver(self, changes: list[Change]) -> None:
        for change in changes:
            for username, event in events_for(change):
                for listener in list(self._listeners.get(username, {}).values()):
                    listener.put(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, username: str) -> AsyncIterator[asyncio.Queue[LiveEvent | None]]:
        self._start()
        mine = self._listeners.setdefault(username, {})
        while len(mine) >= MAX_PER_USER:
            oldest = min(mine)
            mine.pop(oldest).put(None)  # tells that connection to end
        key = next(self._ids)
        listener = _Listener()
        mine[key] = listener
        try:
            yield listener.queue
        finally:
            mine.pop(key, None)
            if not mine:
                self._listeners.pop(username, None)

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
        if self._tail is not None:
            await self._tail.close()
        for mine in self._listeners.values():
            for listener in mine.values():
                listener.put(None)
