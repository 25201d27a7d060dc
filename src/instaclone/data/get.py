"""GetItem."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

from instaclone.data.attributes import from_item
from instaclone.data.errors import ValidationError
from instaclone.data.expressions import Namespace, render_projection
from instaclone.data.operation import Operation
from instaclone.data.schema import E, EntityMeta, report_malformed

if TYPE_CHECKING:
    from instaclone.data.table import Table


class Get(Operation[E], Generic[E]):
    action = "GetItem"

    def __init__(self, table: Table, meta: EntityMeta[E], key: dict[str, Any]) -> None:
        super().__init__(table, meta)
        self.key_values = meta.key_values(key)
        self.key_item = meta.key(self.key_values)
        self._consistent = False
        self._projection: tuple[str, ...] = ()

    def consistent(self, on: bool = True) -> Get[E]:
        self._consistent = on
        return self

    def project(self, *attributes: str) -> ProjectedGet:
        """Fetch only these attributes; the result is then a plain dict."""
        return ProjectedGet(self, attributes)

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"TableName": self.table.name, "Key": self.key_item}
        if self._consistent:
            payload["ConsistentRead"] = True
        if self._projection:
            ns = Namespace(self.meta.rename)
            payload["ProjectionExpression"] = render_projection(ns, self._projection)
            ns.attach(payload)
        return payload

    async def execute(self) -> E | None:
        response = await self.table.connection.call(self.action, self.payload())
        item = response.get("Item")
        try:
            return self.decode_item(item)
        except ValidationError as error:  # a malformed stored item reads as no item
            report_malformed(item or {}, self.meta.name, error)
            return None


class ProjectedGet:
    def __init__(self, get: Get[Any], attributes: tuple[str, ...]) -> None:
        get._projection = attributes
        self.get = get

    def to_request(self) -> Any:
        return self.get.to_request()

    async def execute(self) -> dict[str, Any] | None:
        response = await self.get.table.connection.call(self.get.action, self.get.payload())
        item = response.get("Item")
        return None if item is None else self.get.meta.strip(from_item(item))
