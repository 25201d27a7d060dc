"""Reading items: the generated constructor must give exactly what full pydantic validation
gives, and fall back to it (and its errors) on anything unexpected."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import field_validator

from instaclone.data import Entity, Key, TableSchema, ValidationError
from instaclone.data.attributes import to_item
from tests.data.models import SCHEMA, Author, Post


def _stored(meta: Any, model: Any) -> dict[str, Any]:
    values = meta.dump(model)
    values["createdAt"] = values["updatedAt"] = "2026-11-24T06:30:16.712Z"
    item: dict[str, Any] = meta.to_item(values)
    return item


@pytest.mark.parametrize(
    "model",
    [
        Author(handle="a", display_name="A"),
        Author(
            handle="b",
            display_name="B",
            email="b@example.org",
            post_count=-3,
            tags=["x", "y"],
            badges={"gold"},
            address={"street": "s", "city": "c"},
        ),
        Post(handle="a", title="t", published_at="2026"),
    ],
)
def test_constructor_equals_full_validation(model: Any) -> None:
    meta = SCHEMA.meta(type(model))
    item = _stored(meta, model)
    fast = meta.decode_item(item)
    full = meta.decode(meta.read_item(item))
    assert fast == full
    assert fast.model_fields_set == full.model_fields_set
    assert fast.created_at is not None and fast.created_at.utcoffset().total_seconds() == 0


def test_unexpected_stored_types_go_through_validation() -> None:
    meta = SCHEMA.meta(Author)
    item = _stored(meta, Author(handle="a", display_name="A", post_count=2))
    item["postCount"] = {"S": "2"}  # lax pydantic turns "2" into 2, as it would without us
    assert meta.decode_item(item).post_count == 2
    item["postCount"] = {"S": "many"}
    with pytest.raises(ValidationError, match="does not match its model"):
        meta.decode_item(item)
    item = _stored(meta, Author(handle="a", display_name="A"))
    del item["displayName"]  # a required attribute missing
    with pytest.raises(ValidationError):
        meta.decode_item(item)


class Shouty(Entity):
    primary_key = Key(pk="S#{word}", sk="S")
    word: str

    @field_validator("word")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()


def test_custom_validators_always_run() -> None:
    meta = TableSchema([Shouty]).meta(Shouty)
    assert meta.decode_item(to_item({"word": "hey"})).word == "HEY"
