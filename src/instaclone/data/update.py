"""UpdateItem: set, add, remove, list append/prepend, set delete, if_not_exists, conditions.

By default an update requires the item to exist (``attribute_exists`` on the partition key),
so a counter bump on a missing item fails with ItemNotFoundError instead of creating a
phantom row holding only a key and a number. ``upsert()`` allows creating the item, and then
writes its entity type, key fields and ``createdAt`` like a create would.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, Generic, Literal

from instaclone.data.attributes import from_item
from instaclone.data.errors import ServiceError, ValidationError
from instaclone.data.expressions import Condition, Namespace, all_of, parse_path
from instaclone.data.operation import Operation, TransactOp, now_iso
from instaclone.data.schema import CREATED_AT, UPDATED_AT, E, EntityMeta
from instaclone.data.writes import exists_condition

if TYPE_CHECKING:
    from instaclone.data.table import Table

ReturnValues = Literal["NONE", "ALL_NEW", "ALL_OLD", "UPDATED_NEW", "UPDATED_OLD"]


class Update(Operation[E], Generic[E]):
    action = "UpdateItem"

    def __init__(self, table: Table, meta: EntityMeta[E], key: dict[str, Any]) -> None:
        super().__init__(table, meta)
        self.key_values = meta.key_values(key)
        # (kind, stored path, value): rendered into one namespace when the request is built.
        self._actions: list[tuple[str, str, Any]] = []
        self._condition: Condition | None = None
        self._upsert = False
        self._return: ReturnValues = "NONE"
        self._touched_top: builtins.set[str] = builtins.set()

    # -- actions ------------------------------------------------------------------------------

    def _path(self, path: str, kind: str) -> str:
        parts = parse_path(path)
        top = self.meta.rename(str(parts[0]))
        if top in self.meta.internal:
            raise ValidationError(f"{self.meta.name}: {top!r} is managed by the data layer")
        if top in (CREATED_AT, UPDATED_AT):
            raise ValidationError(f"{self.meta.name}: {top!r} is set automatically")
        if top in self.meta.key_fields:
            raise ValidationError(
                f"{self.meta.name}: {top!r} is part of the item's key and cannot change; "
                "create a new item instead"
            )
        if top not in self.meta.stored_names:
            raise ValidationError(f"{self.meta.name} has no attribute {str(parts[0])!r}")
        for ix in self.meta.indexes.values():
            if top in ix.fields and (kind not in ("set", "remove") or len(parts) > 1):
                raise ValidationError(
                    f"{self.meta.name}: {top!r} feeds index {ix.name}; only set or remove it"
                )
        self._touched_top.add(top)
        rest = path[len(str(parts[0])) :]
        return top + rest

    def _value(self, path: str, value: Any) -> Any:
        if "." in path or "[" in path:
            return value  # nested paths are written as given
        return self.meta.dump_value(path, value)

    def set(self, path: str, value: Any) -> Update[E]:
        p = self._path(path, "set")
        self._actions.append(("set", p, self._value(p, value)))
        return self

    def set_if_not_exists(self, path: str, value: Any) -> Update[E]:
        """Set only when the attribute has no value yet (``if_not_exists``)."""
        p = self._path(path, "set_if_not_exists")
        self._actions.append(("set_if_not_exists", p, self._value(p, value)))
        return self

    def add(self, path: str, value: int | float | Any) -> Update[E]:
        """Atomically add to a number (or add elements to a set)."""
        self._actions.append(("add", self._path(path, "add"), value))
        return self

    def remove(self, path: str) -> Update[E]:
        self._actions.append(("remove", self._path(path, "remove"), None))
        return self

    def append(self, path: str, values: list[Any]) -> Update[E]:
        """Append to a list (created empty when missing)."""
        self._actions.append(("append", self._path(path, "append"), list(values)))
        return self

    def prepend(self, path: str, values: list[Any]) -> Update[E]:
        self._actions.append(("prepend", self._path(path, "prepend"), list(values)))
        return self

    def delete_from_set(self, path: str, values: builtins.set[Any]) -> Update[E]:
        self._actions.append(("delete", self._path(path, "delete"), builtins.set(values)))
        return self

    # -- options ------------------------------------------------------------------------------

    def condition(self, condition: Condition) -> Update[E]:
        self._condition = all_of(self._condition, condition)
        return self

    def upsert(self) -> Update[E]:
        """Create the item if it does not exist (it must then carry every required field)."""
        self._upsert = True
        return self

    def returning(self, values: ReturnValues) -> Update[E]:
        self._return = values
        return self

    # -- request ------------------------------------------------------------------------------

    def _body(self) -> dict[str, Any]:
        meta = self.meta
        if not self._actions:
            raise ValidationError(f"update of {meta.describe(self.key_values)} changes nothing")
        self._check_overlaps()
        ns = Namespace(meta.rename)
        sets: list[str] = []
        removes: list[str] = []
        adds: list[str] = []
        deletes: list[str] = []
        set_values: dict[str, Any] = {}
        removed: builtins.set[str] = builtins.set()
        for kind, path, value in self._actions:
            target = ns.path(path)
            if kind == "set":
                sets.append(f"{target} = {ns.value(value)}")
                set_values[path] = value
            elif kind == "set_if_not_exists":
                sets.append(f"{target} = if_not_exists({target}, {ns.value(value)})")
            elif kind == "add":
                if "." in path or "[" in path:  # ADD takes top-level attributes only
                    zero = ns.value(0)
                    sets.append(f"{target} = if_not_exists({target}, {zero}) + {ns.value(value)}")
                else:
                    adds.append(f"{target} {ns.value(value)}")
            elif kind == "remove":
                removes.append(target)
                removed.add(path)
            elif kind in ("append", "prepend"):
                empty = ns.value([])
                current = f"if_not_exists({target}, {empty})"
                new = ns.value(value)
                joined = f"{current}, {new}" if kind == "append" else f"{new}, {current}"
                sets.append(f"{target} = list_append({joined})")
            elif kind == "delete":
                deletes.append(f"{target} {ns.value(value)}")
        self._index_actions(ns, set_values, removed, sets, removes)
        if meta.timestamps:
            now = ns.value(now_iso())
            sets.append(f"{ns.name(UPDATED_AT)} = {now}")
            if self._upsert:
                created = ns.name(CREATED_AT)
                sets.append(f"{created} = if_not_exists({created}, {now})")
        if self._upsert:
            sets.append(f"{ns.name(meta.type_attribute)} = {ns.value(meta.name)}")
            for name, value in self.key_values.items():
                sets.append(f"{ns.name(name)} = {ns.value(value)}")
        clauses = []
        for word, parts in (("SET", sets), ("REMOVE", removes), ("ADD", adds), ("DELETE", deletes)):
            if parts:
                clauses.append(f"{word} {', '.join(parts)}")
        body: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": meta.key(self.key_values),
            "UpdateExpression": " ".join(clauses),
        }
        cond = all_of(None if self._upsert else exists_condition(meta), self._condition)
        if cond is not None:
            body["ConditionExpression"] = cond.render(ns)
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return ns.attach(body)

    def _check_overlaps(self) -> None:
        """DynamoDB refuses two actions on one path (or on a path and a part of it), with a
        message that names the wrong paths; say it clearly before sending."""
        seen: list[tuple[tuple[str | int, ...], str]] = []
        for _, path, _ in self._actions:
            parts = parse_path(path)
            for other, other_path in seen:
                shorter = min(len(parts), len(other))
                if parts[:shorter] == other[:shorter]:
                    raise ValidationError(
                        f"{self.meta.name}: one update cannot change both {other_path!r} and "
                        f"{path!r}; split it in two"
                    )
            seen.append((parts, path))

    def _index_actions(
        self,
        ns: Namespace,
        set_values: dict[str, Any],
        removed: builtins.set[str],
        sets: list[str],
        removes: list[str],
    ) -> None:
        """Keep index key columns in step with the attributes their templates use."""
        known = {**self.key_values, **set_values}
        for ix in self.meta.indexes.values():
            touched = [f for f in ix.fields if f in set_values or f in removed]
            if not touched:
                continue
            columns = [c for c in (ix.hash_column, ix.sort_column) if c is not None]
            if any(f in removed for f in ix.fields):
                removes.extend(ns.name(c) for c in columns)  # the item leaves the sparse index
                continue
            missing = [f for f in ix.fields if known.get(f) is None]
            if missing:
                raise ValidationError(
                    f"{self.meta.name}: setting {', '.join(touched)} moves the item in index "
                    f"{ix.name}; also set {', '.join(missing)} in the same update"
                )
            values = self.meta.index_attributes(known)
            for column in columns:
                sets.append(f"{ns.name(column)} = {ns.raw_value(values[column])}")

    def payload(self) -> dict[str, Any]:
        body = self._body()
        if self._return != "NONE":
            body["ReturnValues"] = self._return
        return body

    def transact_op(self) -> TransactOp:
        return TransactOp("Update", self._body(), self.meta, self.key_values)

    async def _send(self) -> dict[str, Any]:
        try:
            return await self.table.connection.call(self.action, self.payload())
        except ServiceError as error:
            raise self.condition_error(error, self.key_values, not self._upsert) from None

    async def execute(self) -> E | None:
        """None, or the whole item (new or old) when returning ALL_NEW or ALL_OLD."""
        if self._return in ("UPDATED_NEW", "UPDATED_OLD"):
            raise ValidationError("use execute_attributes() with UPDATED_NEW or UPDATED_OLD")
        response = await self._send()
        return self.decode_item(response.get("Attributes"))

    async def execute_attributes(self) -> dict[str, Any]:
        """The returned attributes as a plain dict (for UPDATED_NEW / UPDATED_OLD)."""
        response = await self._send()
        return self.meta.strip(from_item(response.get("Attributes") or {}))
