"""The event pipeline: what follows a write happens here, fed by the table's DynamoDB stream,
never in the request path of the write that caused it.

records.py (a stream record) · router.py (handlers by entity and event) · processor.py
(retries, records set aside, Lambda's partial batch response) · consumer.py (the Streams API
poller with shard leases and checkpoints) · aws_lambda.py (the same handlers on Lambda) ·
handlers/ (feed, stories, cascades, celebrities).
"""

from instaclone.events.consumer import StreamConsumer
from instaclone.events.handlers import default_router
from instaclone.events.processor import HandlerRetry, Outcome, Processor
from instaclone.events.records import INSERT, MODIFY, REMOVE, StreamRecord
from instaclone.events.router import Router
from instaclone.events.state import ParkedRecord, ShardLease

__all__ = [
    "INSERT",
    "MODIFY",
    "REMOVE",
    "HandlerRetry",
    "Outcome",
    "ParkedRecord",
    "Processor",
    "Router",
    "ShardLease",
    "StreamConsumer",
    "StreamRecord",
    "default_router",
]
