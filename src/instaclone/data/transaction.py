"""TransactWriteItems and TransactGetItems, composed from the ordinary builders.

Checked before sending: at most 100 operations, and no item twice. A cancellation is mapped
back to the operations as the caller added them (with the item, where DynamoDB returns it).
Conflicts with concurrent transactions are retried a bounded number of times: a cancelled
transaction wrote nothing, so retrying it is safe.
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any

from instaclone.data.attributes import from_item
from instaclone.data.batch import _identity
from instaclone.data.errors import (
    CancellationReason,
    DataError,
    ServiceError,
    TransactionCancelledError,
    ValidationError,
)
from instaclone.data.get import Get
from instaclone.data.operation import TransactOp, Writable
from instaclone.data.wire import Request

if TYPE_CHECKING:
    from instaclone.data.table import Table

MAX_OPERATIONS = 100


def label_of(op: TransactOp) -> str:
    return op.label or f"{op.kind} {op.meta.describe(op.key_values)}"


class TransactWrite:
    def __init__(self, table: Table) -> None:
        self.table = table
        self._ops: list[TransactOp] = []
        self._token: str | None = None
        self.conflict_retries = table.transaction_conflict_retries

    def add(self, builder: Writable, label: str | None = None) -> TransactWrite:
        """Add a create/put/update/delete/check builder; ``label`` names it in errors."""
        op = builder.transact_op()
        op.label = label or ""  # the default label is built only if an error needs it
        op.key_item = op.body["Key"] if "Key" in op.body else op.meta.key(op.key_values)
        self._ops.append(op)
        return self

    def token(self, client_request_token: str) -> TransactWrite:
        """Idempotency token: the same token within 10 minutes is applied once."""
        self._token = client_request_token
        return self

    def __len__(self) -> int:
        return len(self._ops)

    def _check(self) -> None:
        if not self._ops:
            raise ValidationError("a transaction needs at least one operation")
        if len(self._ops) > MAX_OPERATIONS:
            raise ValidationError(
                f"a transaction takes at most {MAX_OPERATIONS} operations, not {len(self._ops)}"
            )
        seen: dict[tuple[str, ...], TransactOp] = {}
        for op in self._ops:
            ident = _identity(op.key_item)
            if ident in seen:
                raise ValidationError(
                    f"a transaction may touch an item once: {label_of(op)!r} and "
                    f"{label_of(seen[ident])!r} are the same item"
                )
            seen[ident] = op

    def payload(self) -> dict[str, Any]:
        self._check()
        payload: dict[str, Any] = {"TransactItems": [{op.kind: op.body} for op in self._ops]}
        if self._token is not None:
            payload["ClientRequestToken"] = self._token
        return payload

    def to_request(self) -> Request:
        return Request("TransactWriteItems", self.payload())

    def _cancelled(self, error: ServiceError) -> TransactionCancelledError:
        raw_reasons = getattr(error, "body", {}).get("CancellationReasons") or []
        aligned: list[CancellationReason | None] = []
        for index, op in enumerate(self._ops):
            raw = raw_reasons[index] if index < len(raw_reasons) else {}
            code = raw.get("Code", "None")
            if code == "None":
                aligned.append(None)
                continue
            item: Any = None
            if raw.get("Item"):
                values = from_item(raw["Item"])
                try:
                    item = op.meta.decode(values)
                except DataError:
                    item = op.meta.strip(values)
            aligned.append(
                CancellationReason(
                    index=index,
                    label=label_of(op),
                    operation=op.kind,
                    entity=op.meta.name,
                    key=op.key_values,
                    code=code,
                    message=raw.get("Message", ""),
                    item=item,
                )
            )
        return TransactionCancelledError([r for r in aligned if r is not None], aligned)

    async def execute(self) -> None:
        payload = self.payload()
        for attempt in range(self.conflict_retries + 1):
            try:
                await self.table.connection.call("TransactWriteItems", payload)
                return
            except ServiceError as error:
                if error.code != "TransactionCanceledException":
                    raise
                cancelled = self._cancelled(error)
                if not cancelled.conflict or attempt == self.conflict_retries:
                    raise cancelled from None
                self.table.conflicts_retried += 1
            await asyncio.sleep(random.uniform(0, min(0.5, 0.01 * 2**attempt)))


class TransactGet:
    """Read up to 100 items, of any entities, as one consistent snapshot."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._gets: list[Get[Any]] = []

    def add(self, get: Get[Any]) -> TransactGet:
        self._gets.append(get)
        return self

    def payload(self) -> dict[str, Any]:
        if not 1 <= len(self._gets) <= MAX_OPERATIONS:
            raise ValidationError(f"a read transaction takes 1 to {MAX_OPERATIONS} gets")
        items = []
        for get in self._gets:
            body = get.payload()
            body.pop("ConsistentRead", None)  # always consistent inside a transaction
            items.append({"Get": body})
        return {"TransactItems": items}

    def to_request(self) -> Request:
        return Request("TransactGetItems", self.payload())

    async def execute(self) -> list[Any]:
        """One result per get, in order: the item, or None where there is none."""
        response = await self.table.connection.call("TransactGetItems", self.payload())
        responses = response.get("Responses", [])
        return [
            get.decode_item(r.get("Item")) for get, r in zip(self._gets, responses, strict=True)
        ]
