"""The pipeline on AWS Lambda, fed by a DynamoDB Streams event source mapping.

Configure the mapping with ``FunctionResponseTypes: [ReportBatchItemFailures]``: the handler
answers ``{"batchItemFailures": [{"itemIdentifier": <sequence number>}]}`` naming the first
record it could neither handle nor set aside, and Lambda delivers again from there. Records
a handler keeps failing on are set aside in the table (as with the local consumer), so one
bad record never holds its shard. Handler: ``instaclone.events.aws_lambda.handler``.

Configure the function with ``INSTACLONE_USE_AWS=1`` (or an explicit
``AWS_ENDPOINT_URL_DYNAMODB``) and ``INSTACLONE_TABLE``: without an endpoint the settings
mean the embedded DynamoDB Local, which a Lambda function cannot start.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from instaclone.domain import InstagramService
from instaclone.events.processor import PartialBatchResponse, Processor
from instaclone.events.worker import processor

_loop: asyncio.AbstractEventLoop | None = None
_stack: contextlib.AsyncExitStack | None = None
_processor: Processor | None = None


async def handle_event(event: dict[str, Any], app: InstagramService) -> PartialBatchResponse:
    """Handle one Lambda event (``{"Records": [...]}``) with ``app``."""
    outcome = await processor(app).process(event.get("Records", []))
    return outcome.response()


async def _setup() -> Processor:
    global _stack
    from instaclone.runtime import connect

    _stack = contextlib.AsyncExitStack()
    app = await _stack.enter_async_context(connect(create_table=False))
    return processor(app)


def handler(event: dict[str, Any], context: Any = None) -> PartialBatchResponse:
    """Lambda's entry point. The connection and the event loop are made once per container
    and reused by every invocation (configured by the standard AWS variables)."""
    global _loop, _processor
    if _loop is None:
        _loop = asyncio.new_event_loop()
    if _processor is None:
        _processor = _loop.run_until_complete(_setup())
    outcome = _loop.run_until_complete(_processor.process(event.get("Records", [])))
    return outcome.response()


def reset() -> None:
    """Forget the container's state (tests: another configuration, as a new container)."""
    global _loop, _processor, _stack
    if _stack is not None and _loop is not None:
        _loop.run_until_complete(_stack.aclose())
    if _loop is not None:
        _loop.close()
    _loop, _processor, _stack = None, None, None
