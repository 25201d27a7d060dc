"""The pipeline assembled for the Instagram service: its handlers, processor and consumer."""

from __future__ import annotations

from typing import Any

from instaclone.domain import SCHEMA, InstagramService
from instaclone.events.consumer import StreamConsumer
from instaclone.events.handlers import default_router
from instaclone.events.processor import HandlerRetry, Processor


def processor(app: InstagramService, retry: HandlerRetry | None = None) -> Processor:
    return Processor(default_router(), app, app.table, SCHEMA, retry)


def consumer(
    app: InstagramService, retry: HandlerRetry | None = None, **options: Any
) -> StreamConsumer:
    return StreamConsumer(app.table, processor(app, retry), **options)


async def drain(app: InstagramService, **options: Any) -> None:
    """Handle everything pending on the table's stream, then return."""
    worker = consumer(app, **options)
    try:
        await worker.drain()
    finally:
        await worker.close()
