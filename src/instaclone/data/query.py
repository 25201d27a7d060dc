"""Query and Scan, one page at a time, with opaque cursors.

An entity query is narrowed to the entity's sort-key prefix (``begins_with(SK, 'PHOTO#')``)
whenever no sort condition is given, so DynamoDB's ``Limit`` counts only this entity's items:
photos and stories share a partition, and neither can starve the other. The entity-type filter
is added only where the key condition cannot tell entities apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from instaclone.data.attributes import Item, from_item
from instaclone.data.cursor import decode_cursor, encode_cursor
from instaclone.data.errors import ValidationError
from instaclone.data.expressions import (
    Condition,
    Namespace,
    all_of,
    attr,
    key_condition,
    render_projection,
)
from instaclone.data.schema import EntityMeta, IndexKeys

if TYPE_CHECKING:
    from instaclone.data.table import Table

R = TypeVar("R")
# Strings sort by UTF-8 bytes: this is above every character a key will realistically hold.
_TOP = "\U0010ffff"


@dataclass(frozen=True)
class Page(Generic[R]):
    items: list[R]
    cursor: str | None
    """Pass to ``.after(cursor)`` for the next page; None when this was the last one."""
    count: int
    scanned_count: int


class _Paged(Generic[R]):
    """Shared by Query and Scan: limit, filter, projection, cursor, iteration."""

    action = ""

    def __init__(self, table: Table, meta: EntityMeta[Any]) -> None:
        self.table = table
        self.meta = meta
        self._filter: Condition | None = None
        self._limit: int | None = None
        self._projection: tuple[str, ...] = ()
        self._consistent = False
        self._start: Item | None = None
        self._decode: Callable[[Item], Any] = meta.read

    def filter(self, condition: Condition) -> Self:
        """Applied by DynamoDB after reading: ``limit`` counts items before the filter."""
        self._filter = all_of(self._filter, condition)
        return self

    def limit(self, n: int) -> Self:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValidationError(f"limit must be a positive integer, not {n!r}")
        self._limit = n
        return self

    def consistent(self, on: bool = True) -> Self:
        self._consistent = on
        return self

    def project(self, *attributes: str) -> _Paged[dict[str, Any]]:
        """Fetch only these attributes; items are then plain dicts."""
        self._projection = attributes
        skip = self.meta.internal
        self._decode = lambda item: from_item(item, skip)
        return self  # type: ignore[return-value]

    def after(self, cursor: str | None) -> Self:
        """Continue from a cursor a previous page returned (None: from the start)."""
        self._start = (
            None
            if cursor is None
            else decode_cursor(cursor, secret=self.table.cursor_secret, scope=self._scope())
        )
        return self

    def _scope(self) -> str:
        raise NotImplementedError

    def _base(self, ns: Namespace) -> dict[str, Any]:
        raise NotImplementedError

    def payload(self) -> dict[str, Any]:
        ns = Namespace(self.meta.rename)
        payload = self._base(ns)
        if self._projection:
            payload["ProjectionExpression"] = render_projection(ns, self._projection)
        if self._limit is not None:
            payload["Limit"] = self._limit
        if self._consistent:
            payload["ConsistentRead"] = True
        if self._start is not None:
            payload["ExclusiveStartKey"] = self._start
        return ns.attach(payload)

    def to_request(self) -> Any:
        from instaclone.data.wire import Request

        return Request(self.action, self.payload())

    def _page(self, response: dict[str, Any]) -> Page[R]:
        decode = self._decode
        decoded = (decode(raw) for raw in response.get("Items", ()))
        items = [item for item in decoded if item is not None]  # malformed items skipped
        last = response.get("LastEvaluatedKey")
        cursor = (
            encode_cursor(last, secret=self.table.cursor_secret, scope=self._scope())
            if last
            else None
        )
        return Page(items, cursor, response.get("Count", 0), response.get("ScannedCount", 0))

    async def execute(self) -> Page[R]:
        """One page."""
        response = await self.table.connection.call(self.action, self.payload())
        return self._page(response)

    async def pages(self) -> AsyncIterator[Page[R]]:
        """Every page from the current position to the end."""
        while True:
            page = await self.execute()
            yield page
            if page.cursor is None:
                return
            self.after(page.cursor)

    async def all(self) -> list[R]:
        """Every item of every page (mind the size of what you ask for)."""
        out: list[R] = []
        async for page in self.pages():
            out.extend(page.items)
        return out


class Query(_Paged[R], Generic[R]):
    action = "Query"

    def __init__(
        self,
        table: Table,
        meta: EntityMeta[Any],
        index: str | None,
        key_fields: Mapping[str, Any],
    ) -> None:
        super().__init__(table, meta)
        self.index: IndexKeys = meta.index(index)
        values = meta.stored(key_fields)
        ix = self.index
        missing = [f for f in ix.hash_template.fields if values.get(f) is None]
        if missing:
            raise ValidationError(
                f"{meta.name} query on {ix.name or 'the table'} needs {', '.join(missing)}"
            )
        extra = set(values) - set(ix.fields)
        if extra:
            raise ValidationError(
                f"{meta.name}: {', '.join(sorted(extra))} not part of the "
                f"{ix.name or 'table'} key; use filter() for other attributes"
            )
        self.hash_value = ix.hash_template.format(values, meta.name)
        self._sort_values = {k: v for k, v in values.items() if k not in ix.hash_template.fields}
        self._sort: tuple[str, tuple[str, ...]] | None = None
        self._forward = True

    # -- sort-key conditions, on the fields of the sort-key template ----------------------------

    def _sort_key(self, fields: Mapping[str, Any]) -> str:
        template = self.index.sort_template
        if template is None:
            raise ValidationError(f"{self.meta.name}: this index has no sort key")
        return template.format(self.meta.stored(fields), self.meta.name)

    def _set_sort(self, op: str, *values: str) -> Self:
        if self._sort is not None or self._sort_values:
            raise ValidationError("a query takes one sort-key condition")
        self._sort = (op, values)
        return self

    def sort_eq(self, **fields: Any) -> Self:
        return self._set_sort("=", self._sort_key(fields))

    def sort_lt(self, **fields: Any) -> Self:
        return self._set_sort("<", self._sort_key(fields))

    def sort_le(self, **fields: Any) -> Self:
        return self._set_sort("<=", self._sort_key(fields))

    def sort_gt(self, **fields: Any) -> Self:
        return self._set_sort(">", self._sort_key(fields))

    def sort_ge(self, **fields: Any) -> Self:
        return self._set_sort(">=", self._sort_key(fields))

    def sort_between(self, low: Mapping[str, Any], high: Mapping[str, Any]) -> Self:
        return self._set_sort("between", self._sort_key(low), self._sort_key(high))

    def sort_begins_with(self, *, open_end: bool = False, **fields: Any) -> Self:
        """Fields of the sort-key template, from the left; the key is cut at the first gap
        (with ``open_end``, right after the last field given, which then matches as a
        prefix of its own: ``term="jose"`` finds ``joseph``)."""
        template = self.index.sort_template
        if template is None:
            raise ValidationError(f"{self.meta.name}: this index has no sort key")
        value = template.format_prefix(self.meta.stored(fields), self.meta.name, open_end=open_end)
        return self._set_sort("begins_with", value)

    def cursor_after(self, item: Any) -> str:
        """A cursor that resumes this query just after ``item`` (one of its results), for a
        caller that stops part-way through a page (base table queries only)."""
        if self.index is not self.meta.primary:
            raise ValidationError("cursor_after works on the table's own key only")
        values = self.meta.stored(item.__dict__ if hasattr(item, "__dict__") else item)
        key = self.meta.key(values)
        return encode_cursor(key, secret=self.table.cursor_secret, scope=self._scope())

    def ascending(self) -> Self:
        self._forward = True
        return self

    def descending(self) -> Self:
        self._forward = False
        return self

    # -- request ------------------------------------------------------------------------------

    def _key_sort(self) -> tuple[tuple[str, str, tuple[str, ...]] | None, bool]:
        """The sort-key condition to send, and whether it confines the query to this entity."""
        ix = self.index
        column, template = ix.sort_column, ix.sort_template
        if column is None or template is None:
            return None, self.table.unique_prefix(self.meta, ix)
        prefix = template.prefix
        confined = bool(prefix) and self.table.unique_prefix(self.meta, ix)
        if self._sort_values:
            full = all(self._sort_values.get(f) is not None for f in template.fields)
            if full:
                return (column, "=", (template.format(self._sort_values, self.meta.name),)), True
            value = template.format_prefix(self._sort_values, self.meta.name)
            return (column, "begins_with", (value,)), confined
        if self._sort is None:
            return ((column, "begins_with", (prefix,)) if prefix else None), confined
        op, values = self._sort
        if op in (">", ">=") and prefix:
            # Stay inside this entity's key range so Limit is not spent on other entities.
            low = values[0] + "\x00" if op == ">" else values[0]
            return (column, "between", (low, prefix + _TOP)), confined
        if op in ("=", "begins_with", "between"):
            return (column, op, values), confined and all(v.startswith(prefix) for v in values)
        return (column, op, values), False

    def _base(self, ns: Namespace) -> dict[str, Any]:
        sort, confined = self._key_sort()
        payload: dict[str, Any] = {
            "TableName": self.table.name,
            "KeyConditionExpression": key_condition(
                ns, self.index.hash_column, self.hash_value, sort
            ),
        }
        if self.index.name is not None:
            payload["IndexName"] = self.index.name
        type_filter = None if confined else attr(self.meta.type_attribute) == self.meta.name
        cond = all_of(self._filter, type_filter)
        if cond is not None:
            payload["FilterExpression"] = cond.render(ns)
        if not self._forward:
            payload["ScanIndexForward"] = False
        return payload

    def _scope(self) -> str:
        direction = "asc" if self._forward else "desc"
        return (
            f"q|{self.table.name}|{self.meta.name}|{self.index.name}|{self.hash_value}|{direction}"
        )


class Scan(_Paged[R], Generic[R]):
    """Every item of one entity (filtered on the entity type), page by page."""

    action = "Scan"

    def __init__(self, table: Table, meta: EntityMeta[Any], index: str | None = None) -> None:
        super().__init__(table, meta)
        self.index_name = meta.index(index).name
        self._segment: tuple[int, int] | None = None

    def segment(self, segment: int, total: int) -> Self:
        """Parallel scan: this worker reads ``segment`` of ``total``."""
        if not 0 <= segment < total:
            raise ValidationError("segment must be in [0, total)")
        self._segment = (segment, total)
        return self

    def _base(self, ns: Namespace) -> dict[str, Any]:
        cond = all_of(attr(self.meta.type_attribute) == self.meta.name, self._filter)
        assert cond is not None
        payload: dict[str, Any] = {
            "TableName": self.table.name,
            "FilterExpression": cond.render(ns),
        }
        if self.index_name is not None:
            payload["IndexName"] = self.index_name
        if self._segment is not None:
            payload["Segment"], payload["TotalSegments"] = self._segment
        return payload

    def _scope(self) -> str:
        return f"s|{self.table.name}|{self.meta.name}|{self.index_name}|{self._segment}"
