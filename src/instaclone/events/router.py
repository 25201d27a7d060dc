"""Handlers by entity and event: ``@router.on(Photo, INSERT)``. Adding one is a function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from instaclone.events.records import INSERT, MODIFY, REMOVE, StreamRecord

Handler = Callable[[StreamRecord, Any], Awaitable[None]]
"""``async def handler(record, app)``; ``app`` is whatever the processor was given (the
Instagram service). It must be idempotent: a record may be handled more than once."""


@dataclass(frozen=True)
class Route:
    entity: str
    events: frozenset[str]
    name: str
    handler: Handler


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def on(self, entity: type[Any] | str, *events: str) -> Callable[[Handler], Handler]:
        kind = entity if isinstance(entity, str) else entity.__name__
        wanted = frozenset(events or (INSERT, MODIFY, REMOVE))

        def register(handler: Handler) -> Handler:
            name = f"{handler.__module__.rsplit('.', 1)[-1]}.{handler.__name__}"
            if any(r.name == name for r in self.routes):
                raise ValueError(f"a handler named {name} is already registered")
            self.routes.append(Route(kind, wanted, name, handler))
            return handler

        return register

    def include(self, other: Router) -> Router:
        for route in other.routes:
            if any(r.name == route.name for r in self.routes):
                raise ValueError(f"a handler named {route.name} is already registered")
            self.routes.append(route)
        return self

    def matching(self, record: StreamRecord) -> list[Route]:
        entity, event = record.entity, record.event_name
        return [r for r in self.routes if r.entity == entity and event in r.events]

    def named(self, name: str) -> Route | None:
        return next((r for r in self.routes if r.name == name), None)
