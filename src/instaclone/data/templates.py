"""Key templates such as ``USER#{username}``: compiled once, formatted on every request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from instaclone.data.errors import ValidationError

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
SEPARATOR = "#"


class KeyTemplate:
    """A string with ``{field}`` slots naming attributes of the entity (as stored in the table)."""

    __slots__ = ("_format", "fields", "prefix", "source")

    def __init__(self, source: str) -> None:
        if "{" in _FIELD.sub("", source) or "}" in _FIELD.sub("", source):
            raise ValueError(f"malformed key template {source!r}")
        self.source = source
        self.fields: tuple[str, ...] = tuple(_FIELD.findall(source))
        # The constant text before the first slot: every key of this entity starts with it.
        self.prefix = source.split("{", 1)[0]
        self._format = source.format_map

    def format(self, values: Mapping[str, Any], entity: str) -> str:
        for name in self.fields:
            check_key_value(values.get(name), name, entity)
        return self._format(values)

    def format_prefix(
        self, values: Mapping[str, Any], entity: str, *, open_end: bool = False
    ) -> str:
        """The template up to the first field missing from ``values`` (for begins_with);
        with ``open_end``, cut right after the last value given, so that value itself is
        matched as a prefix ("jose" finds "joseph")."""
        out = [self.prefix]
        rest = self.source[len(self.prefix) :]
        for part in re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\})", rest):
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                if values.get(name) is None:
                    break
                out.append(str(check_key_value(values[name], name, entity)))
                if open_end and all(
                    values.get(f) is None for f in self.fields[self.fields.index(name) + 1 :]
                ):
                    break
            else:
                out.append(part)
        return "".join(out)

    def __repr__(self) -> str:
        return f"KeyTemplate({self.source!r})"


def check_key_value(value: Any, name: str, entity: str) -> Any:
    """A value going into a key must be present, non-empty, and free of the separator.

    Refusing ``#`` keeps keys unambiguous: ``USER#a#b`` could otherwise be two different things.
    """
    if value is None:
        raise ValidationError(f"{entity}: key field {name!r} is missing")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationError(f"{entity}: key field {name!r} must be a string or an integer")
    if isinstance(value, str):
        if not value:
            raise ValidationError(f"{entity}: key field {name!r} must not be empty")
        if SEPARATOR in value:
            raise ValidationError(f"{entity}: key field {name!r} must not contain {SEPARATOR!r}")
    return value
