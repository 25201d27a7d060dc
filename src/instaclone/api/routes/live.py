"""Live updates for an open page: server-sent events, read by this process from the table's
stream (so with several API processes, every one hears every change)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from starlette.responses import StreamingResponse
from ulid import ULID

from instaclone.api.errors import ApiError
from instaclone.api.routes.params import Me, Service
from instaclone.api.schemas import dump
from instaclone.domain import InstagramService
from instaclone.live import LiveEvent, LiveHub
from instaclone.live.hub import message_event

router = APIRouter(tags=["activity"])
KEEP_ALIVE = 15.0
POLL_EVERY_MS = 10_000
_ULID = re.compile(r"[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}")


def _message_id(header: str | None) -> str | None:
    """Only a message's id is ever an event id; anything else is ignored."""
    return header if header and _valid_ulid(header) else None


def _valid_ulid(text: str) -> bool:
    if not _ULID.fullmatch(text):
        return False
    try:
        ULID.from_str(text)  # (the first character is at most 7: 48 bits of time)
    except ValueError:
        return False
    return True


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
async def events(
    request: Request,
    app: Service,
    me: Me,
    after: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}$",
            description="the last message id this page has; the same as the Last-Event-ID "
            "header that EventSource sends by itself when it reconnects",
        ),
    ] = None,
    last_event_id: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> StreamingResponse:
    """Server-sent events for you, as they happen:

    - ``notifications``: your unread notification count, first as it is now and then
      whenever it changes;
    - ``direct``: your unread messages and waiting requests, likewise;
    - ``message``: a message sent to you or by you (from another tab or device), with the
      message's id as the event id;
    - ``resync``: you were away too long to be sent all you missed; reload your lists.

    A page that reconnects (EventSource does so by itself, sending ``Last-Event-ID``) is
    sent the messages it missed first, so none is lost; the counts carry the whole state
    they report, so they are right again at once."""
    if after is not None and not _valid_ulid(after):
        raise ApiError(422, "invalid_request", "after: not a message id")
    # The header is EventSource's own, newer than the URL it reconnects to.
    resume = _message_id(last_event_id) or after
    if request.app.state.settings.live == "poll":
        return StreamingResponse(
            _snapshot(app, me, resume),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )
    hub = live_hub(request)

    async def stream() -> AsyncIterator[bytes]:
        # Subscribed before anything is read: a change in between is heard, not lost.
        async with hub.subscribe(me) as queue:
            yield b"retry: 2000\n\n"
            notifications, direct = await asyncio.gather(
                app.notification_counter(me), app.direct_unread(me)
            )
            yield LiveEvent("notifications", {"unread": max(notifications.unread, 0)}).encode()
            counts = {"unread": max(direct.unread, 0), "requests": max(direct.requests, 0)}
            yield LiveEvent("direct", counts).encode()
            versions = {"notifications": notifications.version, "direct": direct.version}
            sent: set[str] = set()
            if resume:
                missed, complete = await app.messages_since(me, resume)
                for message in missed:
                    if message.message_id == resume:
                        continue  # the page has it: it said so
                    sent.add(message.message_id)
                    yield message_event(dump(message)).encode()
                if not complete:
                    yield LiveEvent("resync", {}).encode()
            else:
                # A resume point from the start: if this connection drops before any message
                # came through it, the page's reconnect still asks for what came after now.
                yield f"id: {ULID()}\n\n".encode()
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEP_ALIVE)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if event is None:  # the hub is closing, or this person has too many open
                    return
                if event.id and event.id in sent:
                    continue  # sent already while catching up
                if event.kind in versions:
                    if event.version <= versions[event.kind]:
                        continue  # older than what the page was sent
                    versions[event.kind] = event.version
                yield event.encode()

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _snapshot(app: InstagramService, me: str, resume: str | None) -> AsyncIterator[bytes]:
    """Polling: the counts as they are and the messages since ``resume``; EventSource asks
    again after ``retry``."""
    yield f"retry: {POLL_EVERY_MS}\n\n".encode()
    notifications, direct = await asyncio.gather(
        app.notification_counter(me), app.direct_unread(me)
    )
    yield LiveEvent("notifications", {"unread": max(notifications.unread, 0)}).encode()
    counts = {"unread": max(direct.unread, 0), "requests": max(direct.requests, 0)}
    yield LiveEvent("direct", counts).encode()
    if resume:
        missed, complete = await app.messages_since(me, resume)
        for message in missed:
            if message.message_id != resume:
                yield message_event(dump(message)).encode()
        if not complete:
            yield LiveEvent("resync", {}).encode()
    # The next poll resumes from now (an id-only event sets EventSource's Last-Event-ID);
    # catching up reads from a few seconds before it, so a message written meanwhile is not
    # missed, and the page shows each message once.
    yield f"id: {ULID()}\n\n".encode()
