"""Declarative single-table schema.

An entity is a pydantic model with its key templates as class variables::

    class Photo(Entity):
        primary_key = Key(pk="UP#{username}", sk="PHOTO#{photoId}")
        username: str
        photo_id: str = ulid_field()
        likes_count: int = 0

Python attributes are snake_case; they are stored under their camelCase alias
(``likes_count`` -> ``likesCount``), and templates name the stored attribute. A
:class:`TableSchema` maps index names to columns (``gsi1`` -> ``GSI1PK``/``GSI1SK``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from pydantic.alias_generators import to_camel
from ulid import ULID

from instaclone.data.attributes import AV, Item, to_av
from instaclone.data.decoder import build_constructor, build_decoder
from instaclone.data.errors import ValidationError, describe_key
from instaclone.data.expressions import renamer
from instaclone.data.templates import KeyTemplate

log = logging.getLogger("instaclone.data")
_reported: set[str] = set()


def report_malformed(item: Item, entity: str, error: Exception) -> None:
    """Log a stored item that does not match its model, once per key and process."""
    key = " ".join(
        f"{name}={next(iter(item[name].values()))}"
        for name in ("PK", "SK")
        if isinstance(item.get(name), dict)
    )
    if key in _reported or len(_reported) > 10_000:
        return
    _reported.add(key)
    log.warning("skipped a stored item that is not a valid %s (%s): %s", entity, key, error)


CREATED_AT = "createdAt"
UPDATED_AT = "updatedAt"


def new_ulid() -> str:
    return str(ULID())


def new_uuid() -> str:
    return str(uuid.uuid4())


def ulid_field() -> Any:
    """A string attribute generated as a ULID when not given (time-ordered, so it sorts)."""
    return Field(default_factory=new_ulid)


def uuid_field() -> Any:
    """A string attribute generated as a random UUID when not given."""
    return Field(default_factory=new_uuid)


class Document(BaseModel):
    """Base of nested objects stored inside an entity: same naming rules as entities."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=False
    )


@dataclass(frozen=True)
class Key:
    """Key templates of an entity: on the table (``primary_key``) or on a named index."""

    pk: str
    sk: str | None = None


def indexes(**keys: Key) -> Mapping[str, Key]:
    """Index keys of an entity, by index name: ``index_keys = indexes(gsi1=Key(...))``."""
    return MappingProxyType(keys)


class Entity(Document):
    """Base of every item type. Subclasses set ``primary_key`` and optionally ``index_keys``."""

    primary_key: ClassVar[Key]
    index_keys: ClassVar[Mapping[str, Key]] = MappingProxyType({})
    entity_name: ClassVar[str | None] = None
    """The entity-type value stored on every item; defaults to the class name."""
    timestamps: ClassVar[bool] = True

    created_at: datetime | None = None
    updated_at: datetime | None = None


E = TypeVar("E", bound=Entity)


@dataclass(frozen=True)
class IndexColumns:
    hash: str
    sort: str | None = None


@dataclass(frozen=True)
class IndexKeys:
    """One index of one entity: its columns and the templates that fill them."""

    name: str | None  # None for the table itself
    hash_column: str
    hash_template: KeyTemplate
    sort_column: str | None
    sort_template: KeyTemplate | None

    @property
    def fields(self) -> tuple[str, ...]:
        extra = self.sort_template.fields if self.sort_template else ()
        return tuple(dict.fromkeys(self.hash_template.fields + extra))


class EntityMeta(Generic[E]):
    """Everything the operations need to know about one entity in one table, computed once."""

    def __init__(self, schema: TableSchema, model: type[E]) -> None:
        self.schema = schema
        self.model = model
        self.name = model.entity_name or model.__name__
        self.type_attribute = schema.type_attribute
        self.timestamps = model.timestamps
        self.fields = model.model_fields
        # python name -> stored name, and the stored names themselves
        self.aliases: dict[str, str] = {}
        for py_name, info in self.fields.items():
            stored = info.alias or py_name
            self.aliases[py_name] = stored
            self.aliases[stored] = stored
        self.stored_names = frozenset(info.alias or n for n, info in self.fields.items())
        self.py_names: dict[str, str] = {info.alias or n: n for n, info in self.fields.items()}
        self.rename = renamer(self.aliases)
        self.read_item = build_decoder(
            (info.alias or n, info.annotation) for n, info in self.fields.items()
        )
        self._construct = build_constructor(model)
        self._adapters: dict[str, TypeAdapter[Any]] = {}

        key = getattr(model, "primary_key", None)
        if not isinstance(key, Key):
            raise TypeError(f"{model.__name__} must set primary_key = Key(pk=..., sk=...)")
        self.primary = self._index(None, schema.primary, key)
        self.indexes: dict[str, IndexKeys] = {}
        for index_name, index_key in model.index_keys.items():
            columns = schema.indexes.get(index_name)
            if columns is None:
                raise TypeError(
                    f"{self.name} declares index {index_name!r}, which the table schema lacks"
                )
            self.indexes[index_name] = self._index(index_name, columns, index_key)
        self.key_fields = self.primary.fields
        self.internal = schema.internal_attributes

    def _index(self, name: str | None, columns: IndexColumns, key: Key) -> IndexKeys:
        if (key.sk is None) != (columns.sort is None):
            raise TypeError(f"{self.name}: index {name or 'primary'} sort key mismatch")
        hash_t = KeyTemplate(key.pk)
        sort_t = KeyTemplate(key.sk) if key.sk is not None else None
        for field in hash_t.fields + (sort_t.fields if sort_t else ()):
            if field not in self.stored_names:
                raise TypeError(f"{self.name}: key template field {field!r} is not an attribute")
        return IndexKeys(name, columns.hash, hash_t, columns.sort, sort_t)

    def index(self, name: str | None) -> IndexKeys:
        if name is None:
            return self.primary
        try:
            return self.indexes[name]
        except KeyError:
            raise ValidationError(f"{self.name} has no index {name!r}") from None

    # -- keys ---------------------------------------------------------------------------------

    def stored(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Rename python attribute names to stored names; unknown names are refused."""
        out: dict[str, Any] = {}
        for name, value in values.items():
            stored = self.aliases.get(name)
            if stored is None:
                raise ValidationError(f"{self.name} has no attribute {name!r}")
            out[stored] = value
        return out

    def key_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The primary-key fields out of ``values`` (python or stored names), all required."""
        stored = self.stored(values)
        missing = [f for f in self.key_fields if stored.get(f) is None]
        if missing:
            raise ValidationError(
                f"{self.name}: missing key field(s) {', '.join(missing)}; "
                f"the key is made of {', '.join(self.key_fields)}"
            )
        return {f: stored[f] for f in self.key_fields}

    def key(self, key_values: Mapping[str, Any]) -> Item:
        """The table key (``{"PK": {"S": ...}, "SK": ...}``) of an item."""
        p = self.primary
        key: Item = {p.hash_column: {"S": p.hash_template.format(key_values, self.name)}}
        if p.sort_column is not None and p.sort_template is not None:
            key[p.sort_column] = {"S": p.sort_template.format(key_values, self.name)}
        return key

    def describe(self, key_values: Mapping[str, Any]) -> str:
        return describe_key(self.name, key_values)

    def index_attributes(self, values: Mapping[str, Any]) -> dict[str, AV]:
        """Index key columns for an item; an index whose fields are not all present is skipped,
        which leaves the item out of that (sparse) index."""
        out: dict[str, AV] = {}
        for ix in self.indexes.values():
            if any(values.get(f) is None for f in ix.fields):
                continue
            out[ix.hash_column] = {"S": ix.hash_template.format(values, self.name)}
            if ix.sort_column is not None and ix.sort_template is not None:
                out[ix.sort_column] = {"S": ix.sort_template.format(values, self.name)}
        return out

    # -- items --------------------------------------------------------------------------------

    def validate(self, item: E | Mapping[str, Any]) -> E:
        if isinstance(item, self.model):
            return item
        if isinstance(item, BaseModel):
            raise ValidationError(f"expected a {self.name}, got a {type(item).__name__}")
        try:
            return self.model.model_validate(item)
        except PydanticValidationError as exc:
            raise ValidationError(f"invalid {self.name}: {exc}") from exc

    def dump(self, model: E) -> dict[str, Any]:
        """The stored attributes of a model (stored names, None left out)."""
        values = model.model_dump(by_alias=True, exclude_none=True)
        values.pop(CREATED_AT, None)
        values.pop(UPDATED_AT, None)
        return values

    def to_item(self, values: Mapping[str, Any]) -> Item:
        """A full table item: attributes, table key, index keys, entity type."""
        item: Item = {k: to_av(v) for k, v in values.items()}
        item.update(self.key(values))
        item.update(self.index_attributes(values))
        item[self.type_attribute] = {"S": self.name}
        return item

    def decode(self, values: dict[str, Any]) -> E:
        """A model from a stored item; internal attributes are dropped by the model itself."""
        try:
            return self.model.model_validate(values)
        except PydanticValidationError as exc:
            raise ValidationError(f"stored {self.name} does not match its model: {exc}") from exc

    def dump_value(self, stored_name: str, value: Any) -> Any:
        """Validate a value for one top-level attribute and turn it into what is stored."""
        py_name = self.py_names.get(stored_name)
        if py_name is None:
            raise ValidationError(f"{self.name} has no attribute {stored_name!r}")
        adapter = self._adapters.get(py_name)
        if adapter is None:
            adapter = self._adapters[py_name] = TypeAdapter(self.fields[py_name].annotation or Any)
        try:
            valid = adapter.validate_python(value)
        except PydanticValidationError as exc:
            raise ValidationError(f"invalid {self.name}.{py_name}: {exc}") from exc
        return adapter.dump_python(valid, by_alias=True, exclude_none=True)

    def decode_item(self, item: Item) -> E:
        """A model straight from a DynamoDB item (internal attributes are never read)."""
        if self._construct is not None:
            model: E | None = self._construct(item)
            if model is not None:
                return model
        return self.decode(self.read_item(item))

    def read(self, item: Item) -> E | None:
        """A model from a stored item, or None when the item does not match the model (a
        phantom row written by another library, a hand edit): reads skip it rather than
        fail whole, and it is logged once with its key (``instaclone db doctor`` lists it)."""
        try:
            return self.decode_item(item)
        except ValidationError as error:
            report_malformed(item, self.name, error)
            return None

    def strip(self, values: dict[str, Any]) -> dict[str, Any]:
        """Drop internal attributes (keys, index keys, entity type) from a raw result."""
        internal = self.internal
        return {k: v for k, v in values.items() if k not in internal}


class TableSchema:
    """The table's key columns, its named indexes, and the entities stored in it."""

    def __init__(
        self,
        entities: Iterable[type[Entity]],
        *,
        partition_key: str = "PK",
        sort_key: str | None = "SK",
        indexes: Mapping[str, tuple[str, str | None]] | None = None,
        type_attribute: str = "_type",
    ) -> None:
        self.primary = IndexColumns(partition_key, sort_key)
        self.indexes = {n: IndexColumns(h, s) for n, (h, s) in (indexes or {}).items()}
        self.type_attribute = type_attribute
        internal = {partition_key, type_attribute}
        if sort_key:
            internal.add(sort_key)
        for cols in self.indexes.values():
            internal.add(cols.hash)
            if cols.sort:
                internal.add(cols.sort)
        self.internal_attributes = frozenset(internal)
        self._metas: dict[type[Entity], EntityMeta[Any]] = {}
        self._by_name: dict[str, EntityMeta[Any]] = {}
        for model in entities:
            meta: EntityMeta[Any] = EntityMeta(self, model)
            if meta.name in self._by_name:
                raise TypeError(f"two entities are named {meta.name!r}")
            clash = self.internal_attributes & meta.stored_names
            if clash:
                raise TypeError(f"{meta.name} uses reserved attribute name(s) {sorted(clash)}")
            self._metas[model] = meta
            self._by_name[meta.name] = meta

    def meta(self, model: type[E]) -> EntityMeta[E]:
        try:
            return self._metas[model]
        except KeyError:
            raise ValidationError(f"{model.__name__} is not part of this table's schema") from None

    def by_name(self, name: str) -> EntityMeta[Any] | None:
        return self._by_name.get(name)

    @property
    def entities(self) -> Sequence[EntityMeta[Any]]:
        return list(self._metas.values())
