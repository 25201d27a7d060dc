"""A stream record as both sources deliver it: GetRecords (the local consumer) and a Lambda
event from a DynamoDB Streams event source mapping share one shape, AttributeValue images
under ``dynamodb.NewImage``/``OldImage``. Images decode to the schema's models by their
entity type, lazily, so a malformed image fails only the handlers that read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from instaclone.data import TableSchema
from instaclone.data.attributes import from_item

INSERT, MODIFY, REMOVE = "INSERT", "MODIFY", "REMOVE"


@dataclass
class StreamRecord:
    raw: dict[str, Any]
    """The record exactly as delivered (kept whole when a record is set aside)."""
    schema: TableSchema = field(repr=False)

    @property
    def event_id(self) -> str:
        return str(self.raw.get("eventID", ""))

    @property
    def event_name(self) -> str:
        return str(self.raw.get("eventName", ""))

    @property
    def sequence_number(self) -> str:
        return str(self.raw.get("dynamodb", {}).get("SequenceNumber", ""))

    @property
    def by_ttl(self) -> bool:
        """A deletion made by TTL (AWS marks those with the DynamoDB service as the user)."""
        identity = self.raw.get("userIdentity") or {}
        return bool(identity.get("principalId") == "dynamodb.amazonaws.com")

    def _image(self, name: str) -> dict[str, Any] | None:
        image = self.raw.get("dynamodb", {}).get(name)
        return from_item(image) if image else None

    @cached_property
    def new_values(self) -> dict[str, Any] | None:
        return self._image("NewImage")

    @cached_property
    def old_values(self) -> dict[str, Any] | None:
        return self._image("OldImage")

    @property
    def entity(self) -> str | None:
        """The entity type of the item (from whichever image there is)."""
        values = self.new_values or self.old_values or {}
        kind = values.get(self.schema.type_attribute)
        return str(kind) if kind is not None else None

    def _decode(self, values: dict[str, Any] | None) -> Any:
        if values is None:
            return None
        meta = self.schema.by_name(str(values.get(self.schema.type_attribute)))
        return None if meta is None else meta.decode(dict(values))

    @cached_property
    def new(self) -> Any:
        """The item after the change, as its model (None for REMOVE)."""
        return self._decode(self.new_values)

    @cached_property
    def old(self) -> Any:
        """The item before the change, as its model (None for INSERT)."""
        return self._decode(self.old_values)
