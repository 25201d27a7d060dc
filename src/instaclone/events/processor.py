"""Running handlers over records, in stream order, the same way for the local consumer and
for Lambda.

Each handler of a record is retried with exponential backoff; if it still fails, the record
is set aside for that handler (a ParkedRecord item, listed and replayed by ``instaclone
worker``) and the records behind it go on. Only when even setting aside fails (the table is
unreachable) does processing stop at that record and report it, in Lambda's partial batch
response shape, so it is delivered again later: nothing is dropped, nothing blocks forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import orjson

from instaclone.data import RetryPolicy, Table, TableSchema
from instaclone.events.records import StreamRecord
from instaclone.events.router import Route, Router
from instaclone.events.state import BOOKKEEPING, PIPELINE_SCHEMA, ParkedRecord

log = logging.getLogger("instaclone.events")


class BatchItemFailure(TypedDict):
    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    batchItemFailures: list[BatchItemFailure]


@dataclass(frozen=True)
class HandlerRetry(RetryPolicy):
    """Attempts of one handler on one record before it is set aside (the data layer's
    bounded backoff with full jitter, with a handler's longer delays)."""

    max_attempts: int = 5
    base_delay: float = 0.1
    max_delay: float = 5.0


@dataclass
class Outcome:
    handled: int = 0
    """Records with at least one handler that ran to the end."""
    parked: int = 0
    failed_at: str | None = None
    """Sequence number of the first record that could not be handled nor set aside."""
    last_done: str | None = None
    """Sequence number of the last record finished (handled, set aside or not ours)."""
    meaningful: bool = False
    """Whether any record was not the pipeline's own bookkeeping (worth a checkpoint)."""
    errors: list[str] = field(default_factory=list)

    def response(self) -> PartialBatchResponse:
        failures = [] if self.failed_at is None else [{"itemIdentifier": self.failed_at}]
        return {"batchItemFailures": failures}  # type: ignore[typeddict-item]


class Processor:
    def __init__(
        self,
        router: Router,
        app: Any,
        table: Table,
        schema: TableSchema,
        retry: HandlerRetry | None = None,
    ) -> None:
        self.router = router
        self.app = app
        self.schema = schema
        self.retry = retry or HandlerRetry()
        self.state = Table(table.connection, table.name, PIPELINE_SCHEMA)
        self.parked = self.state.entity(ParkedRecord)

    async def _run(self, route: Route, record: StreamRecord) -> Exception | None:
        failure: Exception | None = None
        for attempt in range(self.retry.max_attempts):
            if attempt:
                await asyncio.sleep(self.retry.delay(attempt - 1))
            try:
                await route.handler(record, self.app)
                return None
            except Exception as exc:  # a handler's failure must not stop the shard
                failure = exc
                log.warning("handler %s failed on %s: %r", route.name, record.event_id, exc)
        return failure

    async def park(self, record: StreamRecord, route: Route, error: Exception) -> None:
        await self.parked.put(
            event_id=record.event_id or "unknown",
            handler=route.name,
            sequence_number=record.sequence_number,
            record=orjson.dumps(record.raw).decode(),
            error=f"{type(error).__name__}: {error}"[:2000],
            attempts=self.retry.max_attempts,
        ).execute()
        log.error("record %s set aside for %s: %r", record.event_id, route.name, error)

    async def process(self, raws: Iterable[dict[str, Any]]) -> Outcome:
        outcome = Outcome()
        for raw in raws:
            record = StreamRecord(raw, self.schema)
            try:
                entity = record.entity
            except Exception:  # an image that does not even decode to attributes
                entity = None
            if entity not in BOOKKEEPING:
                outcome.meaningful = True
            routes = self.router.matching(record) if entity else []
            for route in routes:
                error = await self._run(route, record)
                if error is None:
                    continue
                outcome.errors.append(f"{route.name}: {error!r}")
                try:
                    await self.park(record, route, error)
                    outcome.parked += 1
                except Exception as park_error:
                    log.error("could not set aside %s: %r", record.event_id, park_error)
                    outcome.failed_at = record.sequence_number
                    return outcome
            if routes:
                outcome.handled += 1
            outcome.last_done = record.sequence_number
        return outcome

    # -- set-aside records ----------------------------------------------------------------

    async def list_parked(self) -> list[ParkedRecord]:
        items = await self.parked.query().all()
        return sorted(items, key=lambda p: p.parked_id)

    async def replay(self, records: Sequence[ParkedRecord] | None = None) -> tuple[int, int]:
        """Run each set-aside record's handler again; those that now succeed are removed.
        Returns (succeeded, still failing)."""
        done = failing = 0
        for parked in records if records is not None else await self.list_parked():
            route = self.router.named(parked.handler)
            record = StreamRecord(orjson.loads(parked.record), self.schema)
            error = (
                await self._run(route, record)
                if route
                else LookupError(f"no handler named {parked.handler}")
            )
            if error is None:
                await self.parked.delete(event_id=parked.event_id, handler=parked.handler).execute()
                done += 1
            else:
                await (
                    self.parked.update(event_id=parked.event_id, handler=parked.handler)
                    .set("error", f"{type(error).__name__}: {error}"[:2000])
                    .add("attempts", self.retry.max_attempts)
                    .execute()
                )
                failing += 1
        return done, failing
