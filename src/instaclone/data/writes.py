"""Item writes: create (PutItem, must not exist), put (full replace), delete, condition check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic

from instaclone.data.attributes import iso_utc
from instaclone.data.errors import AlreadyExistsError, ServiceError, ValidationError
from instaclone.data.expressions import Condition, Namespace, all_of, attr
from instaclone.data.operation import Operation, TransactOp, now_iso, utc_now
from instaclone.data.schema import CREATED_AT, UPDATED_AT, E, EntityMeta

if TYPE_CHECKING:
    from instaclone.data.table import Table


def _exists(meta: EntityMeta[Any]) -> Condition:
    return attr(meta.primary.hash_column).exists()


def _absent(meta: EntityMeta[Any]) -> Condition:
    return attr(meta.primary.hash_column).not_exists()


class Create(Operation[E], Generic[E]):
    """PutItem that succeeds only if no item has this key: the way to create things."""

    action = "PutItem"

    def __init__(self, table: Table, meta: EntityMeta[E], item: E | Mapping[str, Any]) -> None:
        super().__init__(table, meta)
        model = meta.validate(item)
        values = meta.dump(model)
        self.now = utc_now() if meta.timestamps else None
        if self.now is not None:
            # Timestamps belong to the write: a caller cannot back-date createdAt.
            values[CREATED_AT] = values[UPDATED_AT] = iso_utc(self.now)
        self.model = model
        self.values = values
        self.key_values = meta.key_values(values)
        self.item = meta.to_item(values)
        self._condition: Condition | None = None

    def condition(self, condition: Condition) -> Create[E]:
        """An extra condition, ANDed with "does not exist yet"."""
        self._condition = all_of(self._condition, condition)
        return self

    def _body(self) -> dict[str, Any]:
        ns = Namespace(self.meta.rename)
        cond = all_of(_absent(self.meta), self._condition)
        assert cond is not None
        body: dict[str, Any] = {
            "TableName": self.table.name,
            "Item": self.item,
            "ConditionExpression": cond.render(ns),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        return ns.attach(body)

    def payload(self) -> dict[str, Any]:
        return self._body()

    def transact_op(self) -> TransactOp:
        return TransactOp("Put", self._body(), self.meta, self.key_values)

    def result(self) -> E:
        """The item as written (timestamps included)."""
        if self.now is None:
            return self.model
        return self.model.model_copy(update={"created_at": self.now, "updated_at": self.now})

    async def execute(self) -> E:
        try:
            await self.table.connection.call(self.action, self.payload())
        except ServiceError as error:
            if error.code == "ConditionalCheckFailedException":
                raw = getattr(error, "body", {}).get("Item")
                raise AlreadyExistsError(
                    self.meta.name, self.key_values, self._safe_decode(raw)
                ) from None
            raise
        return self.result()


class Put(Operation[E], Generic[E]):
    """Replace an item whole, creating it if needed, keeping its original ``createdAt``.

    Sent as UpdateItem (SET every attribute, REMOVE every absent one) because PutItem cannot
    keep ``createdAt`` from the item it replaces.
    """

    action = "UpdateItem"

    def __init__(self, table: Table, meta: EntityMeta[E], item: E | Mapping[str, Any]) -> None:
        super().__init__(table, meta)
        model = meta.validate(item)
        self.values = meta.dump(model)
        self.key_values = meta.key_values(self.values)
        self._condition: Condition | None = None

    def condition(self, condition: Condition) -> Put[E]:
        self._condition = all_of(self._condition, condition)
        return self

    def if_not_exists(self) -> Put[E]:
        return self.condition(_absent(self.meta))

    def if_exists(self) -> Put[E]:
        return self.condition(_exists(self.meta))

    def _body(self) -> dict[str, Any]:
        meta = self.meta
        ns = Namespace(meta.rename)
        sets: list[str] = []
        removes: list[str] = []
        key_fields = set(meta.key_fields)
        for name, value in self.values.items():
            if name not in key_fields:
                sets.append(f"{ns.name(name)} = {ns.value(value)}")
        for name in sorted(meta.stored_names - self.values.keys() - {CREATED_AT, UPDATED_AT}):
            removes.append(ns.name(name))
        index_attrs = meta.index_attributes(self.values)
        for ix in meta.indexes.values():
            for column in (ix.hash_column, ix.sort_column):
                if column is None:
                    continue
                if column in index_attrs:
                    sets.append(f"{ns.name(column)} = {ns.raw_value(index_attrs[column])}")
                else:
                    removes.append(ns.name(column))
        sets.append(f"{ns.name(meta.type_attribute)} = {ns.value(meta.name)}")
        for name in meta.key_fields:
            sets.append(f"{ns.name(name)} = {ns.value(self.values[name])}")
        if meta.timestamps:
            now = ns.value(now_iso())
            created = ns.name(CREATED_AT)
            sets.append(f"{created} = if_not_exists({created}, {now})")
            sets.append(f"{ns.name(UPDATED_AT)} = {now}")
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(dict.fromkeys(removes))
        body: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": meta.key(self.key_values),
            "UpdateExpression": expression,
        }
        if self._condition is not None:
            body["ConditionExpression"] = self._condition.render(ns)
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return ns.attach(body)

    def payload(self) -> dict[str, Any]:
        body = self._body()
        body["ReturnValues"] = "ALL_NEW"
        return body

    def transact_op(self) -> TransactOp:
        return TransactOp("Update", self._body(), self.meta, self.key_values)

    async def execute(self) -> E:
        try:
            response = await self.table.connection.call(self.action, self.payload())
        except ServiceError as error:
            raise self.condition_error(error, self.key_values, must_exist=False) from None
        item = self.decode_item(response.get("Attributes"))
        assert item is not None
        return item


class Delete(Operation[E], Generic[E]):
    """DeleteItem; returns the deleted item, or None when there was none."""

    action = "DeleteItem"

    def __init__(self, table: Table, meta: EntityMeta[E], key: dict[str, Any]) -> None:
        super().__init__(table, meta)
        self.key_values = meta.key_values(key)
        self._condition: Condition | None = None
        self._must_exist = False

    def condition(self, condition: Condition) -> Delete[E]:
        self._condition = all_of(self._condition, condition)
        return self

    def must_exist(self) -> Delete[E]:
        """Fail with ItemNotFoundError instead of succeeding when there is nothing to delete."""
        self._must_exist = True
        return self

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": self.meta.key(self.key_values),
        }
        cond = all_of(_exists(self.meta) if self._must_exist else None, self._condition)
        if cond is not None:
            ns = Namespace(self.meta.rename)
            body["ConditionExpression"] = cond.render(ns)
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            ns.attach(body)
        return body

    def payload(self) -> dict[str, Any]:
        body = self._body()
        body["ReturnValues"] = "ALL_OLD"
        return body

    def transact_op(self) -> TransactOp:
        return TransactOp("Delete", self._body(), self.meta, self.key_values)

    async def execute(self) -> E | None:
        try:
            response = await self.table.connection.call(self.action, self.payload())
        except ServiceError as error:
            raise self.condition_error(error, self.key_values, self._must_exist) from None
        return self.decode_item(response.get("Attributes"))


class ConditionCheck(Operation[E], Generic[E]):
    """A transaction-only check that a condition holds on an item, without writing it."""

    def __init__(
        self, table: Table, meta: EntityMeta[E], key: dict[str, Any], condition: Condition
    ) -> None:
        super().__init__(table, meta)
        self.key_values = meta.key_values(key)
        self._condition = condition

    def transact_op(self) -> TransactOp:
        ns = Namespace(self.meta.rename)
        body: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": self.meta.key(self.key_values),
            "ConditionExpression": self._condition.render(ns),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        return TransactOp("ConditionCheck", ns.attach(body), self.meta, self.key_values)

    def payload(self) -> dict[str, Any]:
        raise ValidationError("a condition check exists only inside a transaction")


def exists_condition(meta: EntityMeta[Any]) -> Condition:
    return _exists(meta)
