"""The API on AWS Lambda behind an API Gateway HTTP API (payload format 2.0), through Mangum,
the ASGI adapter. Handler: ``instaclone.api.aws_lambda.handler``.

The connection, the app and the event loop are made once per container and reused by every
invocation (Mangum would otherwise run the app's startup and shutdown around each request).
Configured by the standard AWS variables and ``INSTACLONE_*`` (``INSTACLONE_USE_AWS=1``,
``INSTACLONE_TABLE``, ``INSTACLONE_MEDIA_BUCKET``, ``INSTACLONE_MEDIA_PUBLIC_URL``,
``INSTACLONE_SECRET_ARN``: the secret is read from Secrets Manager at start). The table is
not created here (the deployment template does that).

Live updates: a Lambda answer is sent whole, so an open event stream cannot be held. With
``INSTACLONE_LIVE=poll`` (the template sets it) ``/api/me/events`` answers the current state
and the messages missed since ``Last-Event-ID`` at once and ends; the browser's EventSource
asks again after the ``retry`` it is given (10 s), resuming from the last message id, so
nothing is lost, only later.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from mangum import Mangum

from instaclone.settings import forget_secrets

_loop: asyncio.AbstractEventLoop | None = None
_adapter: Mangum | None = None
_stack: contextlib.AsyncExitStack | None = None


async def _setup() -> Mangum:
    global _stack
    from instaclone.api.app import create_app
    from instaclone.api.observability import configure_logging, observe_dynamodb
    from instaclone.runtime import connect
    from instaclone.settings import Settings

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    _stack = contextlib.AsyncExitStack()
    service = await _stack.enter_async_context(connect(settings, create_table=False))
    if settings.metrics:
        observe_dynamodb(service.table.connection)
    return Mangum(create_app(settings, service=service), lifespan="off")


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda's entry point."""
    global _loop, _adapter
    if _loop is None:
        _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)  # Mangum runs each request on the current loop
    if _adapter is None:
        _adapter = _loop.run_until_complete(_setup())
    return _adapter(event, context)


def reset() -> None:
    """Forget the container's state (tests: another configuration, as a new container)."""
    global _loop, _adapter, _stack
    forget_secrets()
    if _stack is not None and _loop is not None:
        _loop.run_until_complete(_stack.aclose())
    if _loop is not None:
        _loop.close()
    _loop, _adapter, _stack = None, None, None
