"""The table: a connection, a name and a schema; entry point to every operation."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic

from instaclone.data.attributes import from_item
from instaclone.data.batch import BatchGet, BatchWrite, MixedBatchGet, RetryPolicy
from instaclone.data.errors import DataError, ServiceError, ValidationError
from instaclone.data.expressions import Condition
from instaclone.data.get import Get
from instaclone.data.query import Query, Scan
from instaclone.data.schema import E, EntityMeta, IndexKeys, TableSchema
from instaclone.data.transaction import TransactGet, TransactWrite
from instaclone.data.update import Update
from instaclone.data.wire import Connection
from instaclone.data.writes import ConditionCheck, Create, Delete, Put


class EntityAccess(Generic[E]):
    """Operations on one entity: ``table.entity(User).get(username="juanca")``."""

    def __init__(self, table: Table, meta: EntityMeta[E]) -> None:
        self.table = table
        self.meta = meta

    def get(self, **key: Any) -> Get[E]:
        return Get(self.table, self.meta, key)

    def create(self, item: E | Mapping[str, Any] | None = None, **values: Any) -> Create[E]:
        """Write a new item; fails with AlreadyExistsError if one has the same key."""
        return Create(self.table, self.meta, item if item is not None else values)

    def put(self, item: E | Mapping[str, Any] | None = None, **values: Any) -> Put[E]:
        """Create or replace an item whole (keeps the original createdAt)."""
        return Put(self.table, self.meta, item if item is not None else values)

    def update(self, **key: Any) -> Update[E]:
        """Change attributes of an existing item (see ``Update.upsert`` to allow creating)."""
        return Update(self.table, self.meta, key)

    def delete(self, **key: Any) -> Delete[E]:
        return Delete(self.table, self.meta, key)

    def check(self, condition: Condition, **key: Any) -> ConditionCheck[E]:
        """A condition on an item, for transactions."""
        return ConditionCheck(self.table, self.meta, key, condition)

    def query(self, **key_fields: Any) -> Query[E]:
        """Query the table by the partition-key fields (plus, optionally, sort-key fields)."""
        return Query(self.table, self.meta, None, key_fields)

    def query_index(self, index: str, **key_fields: Any) -> Query[E]:
        """Query a secondary index, named as in the table schema (``gsi1``)."""
        return Query(self.table, self.meta, index, key_fields)

    def scan(self, index: str | None = None) -> Scan[E]:
        return Scan(self.table, self.meta, index)

    def batch_get(self, keys: Iterable[Mapping[str, Any]]) -> BatchGet[E]:
        return BatchGet(self.table, self.meta, keys)


@dataclass(frozen=True)
class ScannedItem:
    """An item from a whole-table scan: its entity type and model, or the raw attributes of
    an item no entity claims (such as a phantom row with no entity type)."""

    entity: str | None
    item: Any
    problem: str | None = None
    """Why the item does not decode as its entity (then ``item`` holds its raw values)."""


class Table:
    def __init__(
        self,
        connection: Connection,
        name: str,
        schema: TableSchema,
        *,
        cursor_secret: bytes | None = None,
        batch_retry: RetryPolicy | None = None,
        transaction_conflict_retries: int = 8,
    ) -> None:
        self.connection = connection
        self.name = name
        self.schema = schema
        # Without a configured secret, cursors are valid for the life of this process only.
        self.cursor_secret = cursor_secret or secrets.token_bytes(32)
        self.batch_retry = batch_retry or RetryPolicy()
        self.transaction_conflict_retries = transaction_conflict_retries
        self.conflicts_retried = 0
        """How many cancelled-by-conflict transactions were retried (a contention gauge)."""
        self._unique: dict[tuple[str, str | None], bool] = {}
        self._access: dict[type[Any], EntityAccess[Any]] = {}

    def entity(self, model: type[E]) -> EntityAccess[E]:
        access = self._access.get(model)
        if access is None:
            access = self._access[model] = EntityAccess(self, self.schema.meta(model))
        return access

    def transaction(self) -> TransactWrite:
        return TransactWrite(self)

    def transact_get(self) -> TransactGet:
        return TransactGet(self)

    def batch_write(self) -> BatchWrite:
        return BatchWrite(self)

    def batch_get(self, requests: Iterable[tuple[type[Any], Mapping[str, Any]]]) -> MixedBatchGet:
        """Items of several entities in one BatchGetItem: ``[(Photo, key), (Like, key)]``."""
        return MixedBatchGet(self, requests)

    def unique_prefix(self, meta: EntityMeta[Any], ix: IndexKeys) -> bool:
        """True when the key prefixes of ``meta`` on this index match no other entity's, so a
        key condition on them alone returns only this entity (no type filter needed)."""
        cache_key = (meta.name, ix.name)
        found = self._unique.get(cache_key)
        if found is None:
            found = all(
                not _overlap(ix, other.index(ix.name))
                for other in self.schema.entities
                if other is not meta and (ix.name is None or ix.name in other.indexes)
            )
            self._unique[cache_key] = found
        return found

    # -- administration -----------------------------------------------------------------------

    def create_table_request(self, ttl_attribute: str | None = None) -> dict[str, Any]:
        s = self.schema
        attributes = {s.primary.hash}
        key_schema = [{"AttributeName": s.primary.hash, "KeyType": "HASH"}]
        if s.primary.sort:
            attributes.add(s.primary.sort)
            key_schema.append({"AttributeName": s.primary.sort, "KeyType": "RANGE"})
        gsis = []
        for name, cols in s.indexes.items():
            ks = [{"AttributeName": cols.hash, "KeyType": "HASH"}]
            attributes.add(cols.hash)
            if cols.sort:
                ks.append({"AttributeName": cols.sort, "KeyType": "RANGE"})
                attributes.add(cols.sort)
            gsis.append(
                {"IndexName": name, "KeySchema": ks, "Projection": {"ProjectionType": "ALL"}}
            )
        request: dict[str, Any] = {
            "TableName": self.name,
            "AttributeDefinitions": [
                {"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)
            ],
            "KeySchema": key_schema,
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        }
        if gsis:
            request["GlobalSecondaryIndexes"] = gsis
        return request

    async def probe(self) -> None:
        """One read of a key nothing is stored under: proves the table answers (and this
        process may read it) at the cost of the cheapest read there is."""
        key = {self.schema.primary.hash: {"S": "#probe"}}
        if self.schema.primary.sort:
            key[self.schema.primary.sort] = {"S": "#probe"}
        await self.connection.call("GetItem", {"TableName": self.name, "Key": key})

    async def describe(self) -> dict[str, Any] | None:
        try:
            response = await self.connection.call("DescribeTable", {"TableName": self.name})
        except ServiceError as error:
            if error.code == "ResourceNotFoundException":
                return None
            raise
        table: dict[str, Any] = response["Table"]
        return table

    async def create(self, ttl_attribute: str | None = None, wait_seconds: float = 120.0) -> bool:
        """Create the table if it does not exist (idempotent), wait until it is active, and
        enable TTL. Returns True when the table was created now."""
        created = False
        if await self.describe() is None:
            try:
                await self.connection.call("CreateTable", self.create_table_request())
                created = True
            except ServiceError as error:
                if error.code != "ResourceInUseException":  # created meanwhile by someone else
                    raise
        deadline = asyncio.get_running_loop().time() + wait_seconds
        while True:
            description = await self.describe()
            if description is not None and description.get("TableStatus") == "ACTIVE":
                break
            if asyncio.get_running_loop().time() > deadline:
                raise DataError(f"table {self.name} did not become active in {wait_seconds:.0f} s")
            await asyncio.sleep(0.2)
        self._check_keys(description)
        if ttl_attribute:
            await self._enable_ttl(ttl_attribute)
        return created

    def _check_keys(self, description: dict[str, Any]) -> None:
        want = self.create_table_request()
        if description.get("KeySchema") != want["KeySchema"]:
            raise DataError(
                f"table {self.name} exists with key schema {description.get('KeySchema')}, "
                f"expected {want['KeySchema']}"
            )
        have = {g["IndexName"] for g in description.get("GlobalSecondaryIndexes", [])}
        missing = set(self.schema.indexes) - have
        if missing:
            raise DataError(f"table {self.name} lacks index(es) {', '.join(sorted(missing))}")

    async def _enable_ttl(self, attribute: str) -> None:
        response = await self.connection.call("DescribeTimeToLive", {"TableName": self.name})
        ttl = response.get("TimeToLiveDescription", {})
        if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            if ttl.get("AttributeName") != attribute:
                raise DataError(
                    f"table {self.name} has TTL on {ttl.get('AttributeName')!r}, not {attribute!r}"
                )
            return
        await self.connection.call(
            "UpdateTimeToLive",
            {
                "TableName": self.name,
                "TimeToLiveSpecification": {"Enabled": True, "AttributeName": attribute},
            },
        )

    async def delete_table(self) -> None:
        await self.connection.call("DeleteTable", {"TableName": self.name})

    async def scan_items(self, page_size: int = 500) -> AsyncIterator[ScannedItem]:
        """Every item of the table, decoded by its entity type (for audits and maintenance)."""
        payload: dict[str, Any] = {"TableName": self.name, "Limit": page_size}
        type_attr = self.schema.type_attribute
        while True:
            response = await self.connection.call("Scan", payload)
            for raw in response.get("Items", []):
                values = from_item(raw)
                meta = self.schema.by_name(str(values.get(type_attr)))
                if meta is None:
                    yield ScannedItem(None, values)
                else:
                    try:
                        yield ScannedItem(meta.name, meta.decode(values))
                    except ValidationError as error:
                        yield ScannedItem(meta.name, values, str(error))
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            payload["ExclusiveStartKey"] = last


def _compatible(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _overlap(a: IndexKeys, b: IndexKeys) -> bool:
    if not _compatible(a.hash_template.prefix, b.hash_template.prefix):
        return False
    if a.sort_template is None or b.sort_template is None:
        return True
    return _compatible(a.sort_template.prefix, b.sort_template.prefix)
