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
from decimal import Decimal
from typing import Any

from instaclone.data import Table
from instaclone.live.tail import Change, StreamTail

QUEUE = 64
POSITIONED_WITHIN = 5.0
MAX_PER_USER = 8
"""Open pages per person (tabs, devices): past it, the oldest is closed."""


@dataclass(frozen=True)
class LiveEvent:
    kind: str
    data: dict[str, Any]
    id: str = ""
    version: int = 0
    """A counter's version: the stream can bring a change a page has already seen newer
    than (it read the counter when it connected), and the older one is dropped."""

    def encode(self) -> bytes:
        lines = [f"event: {self.kind}"]
        if self.id:
            lines.append(f"id: {self.id}")
        lines.append("data: " + json.dumps(self.data, separators=(",", ":"), default=_plain))
        return ("\n".join(lines) + "\n\n").encode()


def _plain(value: Any) -> Any:
    """Stream images hold numbers as Decimal and sets as set."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def events_for(change: Change, hidden: frozenset[str] = frozenset()) -> list[tuple[str, LiveEvent]]:
    """(username, event) for each listener a change concerns; ``hidden`` are the table's
    own attributes (keys, type), left out of what a page is sent."""
    kind, old, new = change
    if kind == "NotificationCounter" and new is not None:
        unread = max(int(new.get("unread", 0)), 0)
        if old is None or int(old.get("unread", 0)) != unread:
            event = LiveEvent("notifications", {"unread": unread}, version=_version(new))
            return [(str(new["username"]), event)]
    if kind == "DirectCounter" and new is not None:
        counts = {field: max(int(new.get(field, 0)), 0) for field in ("unread", "requests")}
        if old is None or any(int(old.get(f, 0)) != n for f, n in counts.items()):
            return [(str(new["username"]), LiveEvent("direct", counts, version=_version(new)))]
    if kind == "Message" and new is not None and old is None:
        return [
            (person, message_event(new, hidden)) for person in str(new["conversationId"]).split(":")
        ]
    return []


def _version(image: dict[str, Any]) -> int:
    return int(image.get("version", 0))


def message_event(message: dict[str, Any], hidden: frozenset[str] = frozenset()) -> LiveEvent:
    """A message as the API shows it; its id is the event's, so a page that reconnects
    says which it saw last (``Last-Event-ID``) and is sent what came after."""
    shown = {name: value for name, value in message.items() if name not in hidden}
    return LiveEvent("message", shown, id=str(message["messageId"]))


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
            for username, event in events_for(change, self.table.schema.internal_attributes):
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
            if self._tail is not None and not self._tail.positioned.is_set():
                # The first listener of this process waits until the reader has its place
                # in the stream: a change written before that would be heard by nobody.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._tail.positioned.wait(), POSITIONED_WITHIN)
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
