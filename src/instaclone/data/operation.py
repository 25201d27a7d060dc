"""What every operation builder shares: a table, an entity, its request, its transaction form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from instaclone.data.attributes import Item, from_item, iso_utc
from instaclone.data.errors import (
    ConditionFailedError,
    DataError,
    ItemNotFoundError,
    ServiceError,
)
from instaclone.data.schema import E, EntityMeta
from instaclone.data.wire import Request

if TYPE_CHECKING:
    from instaclone.data.table import Table

R = TypeVar("R")


def utc_now() -> datetime:
    # DynamoDB keeps what we write; milliseconds, like JavaScript's toISOString.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def now_iso() -> str:
    return iso_utc(datetime.now(UTC))


@dataclass
class TransactOp:
    """One operation of a write transaction, with what is needed to explain its failure."""

    kind: str  # Put | Update | Delete | ConditionCheck
    body: dict[str, Any]
    meta: EntityMeta[Any]
    key_values: dict[str, Any]
    label: str = ""
    key_item: Item = field(default_factory=dict)


class Writable(Protocol):
    """A builder that can be part of a write transaction."""

    def transact_op(self) -> TransactOp: ...


class Operation(Generic[E]):
    action: str = ""

    def __init__(self, table: Table, meta: EntityMeta[E]) -> None:
        self.table = table
        self.meta = meta

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def to_request(self) -> Request:
        """The exact request this builder would send, without sending it."""
        return Request(self.action, self.payload())

    def decode_item(self, item: Item | None) -> E | None:
        if not item:
            return None
        stored_type = item.get(self.meta.type_attribute, {}).get("S")
        if stored_type is not None and stored_type != self.meta.name:
            raise DataError(f"the item at this key is a {stored_type}, not a {self.meta.name}")
        return self.meta.decode_item(item)

    def condition_error(
        self, error: ServiceError, key_values: dict[str, Any], must_exist: bool
    ) -> DataError:
        """Turn DynamoDB's ConditionalCheckFailed into our typed error (others pass through)."""
        if error.code != "ConditionalCheckFailedException":
            return error
        raw = getattr(error, "body", {}).get("Item")
        item = self._safe_decode(raw)
        if raw is None and must_exist:
            return ItemNotFoundError(self.meta.name, key_values)
        return ConditionFailedError(self.meta.name, key_values, item)

    def _safe_decode(self, raw: Item | None) -> Any:
        if raw is None:
            return None
        try:
            return self.decode_item(raw)
        except DataError:
            return self.meta.strip(from_item(raw))
