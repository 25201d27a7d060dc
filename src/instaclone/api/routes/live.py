"""Live updates for an open page: server-sent events, read by this process from the table's
stream (so with several API processes, every one hears every change)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from starlette.responses import StreamingResponse

from instaclone.api.routes.params import Me, Service
from instaclone.live import LiveEvent, LiveHub

router = APIRouter(tags=["activity"])
KEEP_ALIVE = 15.0


def live_hub(request: Request) -> LiveHub:
    hub: LiveHub | None = getattr(request.app.state, "live", None)
    if hub is None:
        hub = LiveHub(request.app.state.service.table)
        request.app.state.live = hub
    return hub


@router.get(
    "/api/me/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "an event stream"}},
)
async def events(request: Request, app: Service, me: Me) -> StreamingResponse:
    """Server-sent events for you: ``notifications`` with your unread count, first as it is
    now and then whenever it changes. Every event carries the whole state it reports, so a
    page that reconnects (EventSource does so by itself) is right again at once."""
    hub = live_hub(request)

    async def stream() -> AsyncIterator[bytes]:
        # Subscribed before the count is read: a change in between is heard, not lost.
        async with hub.subscribe(me) as queue:
            yield b"retry: 2000\n\n"
            unread = await app.unread_notifications(me)
            yield LiveEvent("notifications", {"unread": unread}).encode()
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEP_ALIVE)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if event is None:  # the hub is closing, or this person has too many open
                    return
                yield event.encode()

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
