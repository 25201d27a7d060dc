"""BatchGetItem and BatchWriteItem: chunked, de-duplicated, retried with bounded jittered
backoff; what was fetched is never dropped, and what stayed unprocessed is reported."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic

from instaclone.data.attributes import Item, from_item
from instaclone.data.errors import BatchIncompleteError, ValidationError
from instaclone.data.expressions import Namespace, render_projection
from instaclone.data.operation import now_iso
from instaclone.data.schema import CREATED_AT, UPDATED_AT, E, EntityMeta
from instaclone.data.wire import Request

if TYPE_CHECKING:
    from instaclone.data.table import Table

GET_CHUNK = 100
WRITE_CHUNK = 25


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of unprocessed keys/items: exponential backoff with full jitter, bounded."""

    max_attempts: int = 8
    base_delay: float = 0.05
    max_delay: float = 2.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def _identity(key: Item) -> tuple[str, ...]:
    return tuple(f"{name}={next(iter(av.values()))}" for name, av in sorted(key.items()))


@dataclass
class BatchGetResult(Generic[E]):
    """``results`` is aligned with the requested keys (None where no item exists)."""

    results: list[E | None]
    keys: list[dict[str, Any]]
    unprocessed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def items(self) -> list[E]:
        """Found items in request order, each once."""
        seen: set[int] = set()
        out: list[E] = []
        for item in self.results:
            if item is not None and id(item) not in seen:
                seen.add(id(item))
                out.append(item)
        return out

    @property
    def missing(self) -> list[dict[str, Any]]:
        unprocessed = [_freeze(k) for k in self.unprocessed]
        return [
            k
            for k, item in zip(self.keys, self.results, strict=True)
            if item is None and _freeze(k) not in unprocessed
        ]


def _freeze(values: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(values.items()))


class BatchGet(Generic[E]):
    def __init__(
        self, table: Table, meta: EntityMeta[E], keys: Iterable[Mapping[str, Any]]
    ) -> None:
        self.table = table
        self.meta = meta
        self.key_values = [meta.key_values(k) for k in keys]
        self.key_items = [meta.key(k) for k in self.key_values]
        self._projection: tuple[str, ...] = ()
        self._consistent = False
        self.retry = table.batch_retry

    def consistent(self, on: bool = True) -> BatchGet[E]:
        self._consistent = on
        return self

    def _unique(self) -> list[Item]:
        unique: dict[tuple[str, ...], Item] = {}
        for key in self.key_items:
            unique.setdefault(_identity(key), key)
        return list(unique.values())

    def _request_for(self, keys: Sequence[Item]) -> dict[str, Any]:
        spec: dict[str, Any] = {"Keys": list(keys)}
        if self._consistent:
            spec["ConsistentRead"] = True
        if self._projection:
            ns = Namespace(self.meta.rename)
            # Keys are projected too, so returned items can be matched to what was asked.
            names = tuple(dict.fromkeys(self._projection + tuple(self.key_items[0])))
            spec["ProjectionExpression"] = render_projection(ns, names)
            ns.attach(spec)
        return {"RequestItems": {self.table.name: spec}}

    def to_requests(self) -> list[Request]:
        """The BatchGetItem requests (one per chunk of 100 distinct keys)."""
        unique = self._unique()
        return [
            Request("BatchGetItem", self._request_for(unique[i : i + GET_CHUNK]))
            for i in range(0, len(unique), GET_CHUNK)
        ]

    async def _chunk(self, keys: list[Item], found: dict[tuple[str, ...], Item]) -> list[Item]:
        pending = keys
        for attempt in range(self.retry.max_attempts):
            if attempt:
                await asyncio.sleep(self.retry.delay(attempt - 1))
            response = await self.table.connection.call("BatchGetItem", self._request_for(pending))
            key_names = tuple(pending[0])
            for raw in response.get("Responses", {}).get(self.table.name, ()):
                found[_identity({k: raw[k] for k in key_names})] = raw
            pending = response.get("UnprocessedKeys", {}).get(self.table.name, {}).get("Keys", [])
            if not pending:
                return []
        return pending

    async def execute(self) -> BatchGetResult[E]:
        unique = self._unique()
        found: dict[tuple[str, ...], Item] = {}
        leftovers = await asyncio.gather(
            *(
                self._chunk(unique[i : i + GET_CHUNK], found)
                for i in range(0, len(unique), GET_CHUNK)
            )
        )
        decoded: dict[tuple[str, ...], Any] = {}
        for ident, raw in found.items():
            decoded[ident] = (
                self.meta.strip(from_item(raw)) if self._projection else self.meta.read(raw)
            )
        results = [decoded.get(_identity(k)) for k in self.key_items]
        stuck = {_identity(k) for chunk in leftovers for k in chunk}
        result: BatchGetResult[E] = BatchGetResult(
            results,
            self.key_values,
            [
                kv
                for kv, k in zip(self.key_values, self.key_items, strict=True)
                if _identity(k) in stuck
            ],
        )
        if stuck:
            raise BatchIncompleteError(
                f"{len(stuck)} {self.meta.name} key(s) stayed unprocessed after "
                f"{self.retry.max_attempts} attempts",
                result,
                result.unprocessed,
            )
        return result


class MixedBatchGet:
    """One BatchGetItem for items of several entities (a page's photos, the reader's likes of
    them, the follows that make them visible): results in request order, None where missing,
    each decoded by its own entity."""

    def __init__(self, table: Table, requests: Iterable[tuple[type[Any], Mapping[str, Any]]]):
        self.table = table
        self.retry = table.batch_retry
        self.metas: list[EntityMeta[Any]] = []
        self.key_items: list[Item] = []
        for model, key in requests:
            meta = table.schema.meta(model)
            self.metas.append(meta)
            self.key_items.append(meta.key(meta.key_values(key)))

    def to_requests(self) -> list[Request]:
        unique = list({_identity(k): k for k in self.key_items}.values())
        return [
            Request("BatchGetItem", {"RequestItems": {self.table.name: {"Keys": chunk}}})
            for chunk in (unique[i : i + GET_CHUNK] for i in range(0, len(unique), GET_CHUNK))
        ]

    async def execute(self) -> list[Any | None]:
        found: dict[tuple[str, ...], Item] = {}
        stuck: list[Item] = []
        key_names = tuple(self.key_items[0]) if self.key_items else ()
        for request in self.to_requests():
            pending = request.payload["RequestItems"][self.table.name]["Keys"]
            for attempt in range(self.retry.max_attempts):
                if attempt:
                    await asyncio.sleep(self.retry.delay(attempt - 1))
                response = await self.table.connection.call(
                    "BatchGetItem", {"RequestItems": {self.table.name: {"Keys": pending}}}
                )
                for raw in response.get("Responses", {}).get(self.table.name, ()):
                    found[_identity({k: raw[k] for k in key_names})] = raw
                unprocessed = response.get("UnprocessedKeys", {}).get(self.table.name, {})
                pending = unprocessed.get("Keys", [])
                if not pending:
                    break
            stuck.extend(pending)
        if stuck:
            raise BatchIncompleteError(
                f"{len(stuck)} key(s) stayed unprocessed after {self.retry.max_attempts} attempts",
                None,
                stuck,
            )
        return [
            meta.read(found[_identity(key)]) if _identity(key) in found else None
            for meta, key in zip(self.metas, self.key_items, strict=True)
        ]


@dataclass(frozen=True)
class _WriteRequest:
    meta: EntityMeta[Any]
    key_values: dict[str, Any]
    request: dict[str, Any]  # {"PutRequest": …} or {"DeleteRequest": …}


class BatchWrite:
    """Puts and deletes of any entities, 25 per request, not atomic (use a transaction for
    that). A put here replaces the item whole, ``createdAt`` included."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._writes: list[_WriteRequest] = []
        self.retry = table.batch_retry

    def put(self, model: Any) -> BatchWrite:
        meta = self.table.schema.meta(type(model))
        values = meta.dump(meta.validate(model))
        if meta.timestamps:
            values[CREATED_AT] = values[UPDATED_AT] = now_iso()
        item = meta.to_item(values)
        self._writes.append(
            _WriteRequest(meta, meta.key_values(values), {"PutRequest": {"Item": item}})
        )
        return self

    def delete(self, entity: type[Any], **key: Any) -> BatchWrite:
        meta = self.table.schema.meta(entity)
        kv = meta.key_values(key)
        self._writes.append(_WriteRequest(meta, kv, {"DeleteRequest": {"Key": meta.key(kv)}}))
        return self

    def __len__(self) -> int:
        return len(self._writes)

    def _checked(self) -> list[_WriteRequest]:
        seen: set[tuple[str, ...]] = set()
        for w in self._writes:
            ident = _identity(w.meta.key(w.key_values))
            if ident in seen:
                raise ValidationError(
                    f"batch write touches {w.meta.describe(w.key_values)} twice; "
                    "DynamoDB refuses that"
                )
            seen.add(ident)
        return self._writes

    def to_requests(self) -> list[Request]:
        writes = self._checked()
        return [
            Request(
                "BatchWriteItem",
                {
                    "RequestItems": {
                        self.table.name: [w.request for w in writes[i : i + WRITE_CHUNK]]
                    }
                },
            )
            for i in range(0, len(writes), WRITE_CHUNK)
        ]

    async def _chunk(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        pending = requests
        for attempt in range(self.retry.max_attempts):
            if attempt:
                await asyncio.sleep(self.retry.delay(attempt - 1))
            response = await self.table.connection.call(
                "BatchWriteItem", {"RequestItems": {self.table.name: pending}}
            )
            pending = response.get("UnprocessedItems", {}).get(self.table.name, [])
            if not pending:
                return []
        return pending

    async def execute(self, concurrency: int = 4) -> None:
        writes = self._checked()
        chunks = [
            [w.request for w in writes[i : i + WRITE_CHUNK]]
            for i in range(0, len(writes), WRITE_CHUNK)
        ]
        gate = asyncio.Semaphore(concurrency)

        async def run(chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
            async with gate:
                return await self._chunk(chunk)

        leftovers = [r for chunk in await asyncio.gather(*(run(c) for c in chunks)) for r in chunk]
        if leftovers:
            raise BatchIncompleteError(
                f"{len(leftovers)} of {len(writes)} write(s) stayed unprocessed after "
                f"{self.retry.max_attempts} attempts; the others were written",
                None,
                leftovers,
            )
