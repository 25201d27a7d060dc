"""Condition, filter, key-condition, projection and update expressions.

Every request owns one :class:`Namespace`; all its expressions draw placeholders from it, so an
update value and a condition value can never share a name (the seed library's
``ADD followerCount +1`` bug), and every attribute name is escaped (``#n0``), reserved word
or not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from instaclone.data.attributes import AV, to_av
from instaclone.data.errors import ValidationError

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@lru_cache(maxsize=4096)
def parse_path(path: str) -> tuple[str | int, ...]:
    """``frames[0].url`` -> ("frames", 0, "url")."""
    parts: list[str | int] = []
    pos = 0
    for m in _SEGMENT.finditer(path):
        if m.start() != pos and path[pos] != ".":
            raise ValidationError(f"malformed attribute path {path!r}")
        name, index = m.groups()
        parts.append(int(index) if index is not None else name)
        pos = m.end()
    if not parts or isinstance(parts[0], int) or pos != len(path):
        raise ValidationError(f"malformed attribute path {path!r}")
    return tuple(parts)


class Namespace:
    """Placeholders of one request: ``#n0…`` for names, ``:v0…`` for values."""

    __slots__ = ("_names", "_rename", "values")

    def __init__(self, rename: Callable[[str], str] | None = None) -> None:
        self._names: dict[str, str] = {}
        self.values: dict[str, AV] = {}
        self._rename = rename

    def name(self, attribute: str) -> str:
        placeholder = self._names.get(attribute)
        if placeholder is None:
            placeholder = self._names[attribute] = f"#n{len(self._names)}"
        return placeholder

    def path(self, path: str) -> str:
        parts = parse_path(path)
        first = parts[0]
        assert isinstance(first, str)
        out = [self.name(self._rename(first) if self._rename else first)]
        for part in parts[1:]:
            out.append(f"[{part}]" if isinstance(part, int) else "." + self.name(part))
        return "".join(out)

    def value(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = to_av(value)
        return placeholder

    def raw_value(self, av: AV) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = av
        return placeholder

    def attach(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self._names:
            payload["ExpressionAttributeNames"] = {p: n for n, p in self._names.items()}
        if self.values:
            payload["ExpressionAttributeValues"] = self.values
        return payload


# -- conditions ------------------------------------------------------------------------------


class Condition:
    """A boolean expression over attributes; combine with ``&``, ``|`` and ``~``."""

    def render(self, ns: Namespace) -> str:
        raise NotImplementedError

    def __and__(self, other: Condition) -> Condition:
        return And(self, other)

    def __or__(self, other: Condition) -> Condition:
        return Or(self, other)

    def __invert__(self) -> Condition:
        return Not(self)

    def __bool__(self) -> bool:
        # `a < b < c` or `if attr("x") == 1:` would silently do the wrong thing.
        raise TypeError("a Condition has no truth value; combine conditions with & | ~")


def _operand(ns: Namespace, operand: Any) -> str:
    if isinstance(operand, Attr):
        return ns.path(operand.path)
    if isinstance(operand, Size):
        return f"size({ns.path(operand.path)})"
    return ns.value(operand)


class Compare(Condition):
    def __init__(self, left: _Operand, op: str, right: Any) -> None:
        self.left, self.op, self.right = left, op, right

    def render(self, ns: Namespace) -> str:
        return f"{_operand(ns, self.left)} {self.op} {_operand(ns, self.right)}"


class Between(Condition):
    def __init__(self, left: _Operand, low: Any, high: Any) -> None:
        self.left, self.low, self.high = left, low, high

    def render(self, ns: Namespace) -> str:
        left = _operand(ns, self.left)
        return f"{left} BETWEEN {_operand(ns, self.low)} AND {_operand(ns, self.high)}"


class In(Condition):
    def __init__(self, left: Attr, values: tuple[Any, ...]) -> None:
        if not 1 <= len(values) <= 100:
            raise ValidationError("IN takes between 1 and 100 values")
        self.left, self.values = left, values

    def render(self, ns: Namespace) -> str:
        vals = ", ".join(ns.value(v) for v in self.values)
        return f"{ns.path(self.left.path)} IN ({vals})"


class Function(Condition):
    def __init__(self, function: str, path: str, *args: Any) -> None:
        self.function, self.path, self.args = function, path, args

    def render(self, ns: Namespace) -> str:
        args = "".join(", " + _operand(ns, a) for a in self.args)
        return f"{self.function}({ns.path(self.path)}{args})"


class And(Condition):
    def __init__(self, *parts: Condition) -> None:
        self.parts = parts

    def render(self, ns: Namespace) -> str:
        return " AND ".join(f"({p.render(ns)})" for p in self.parts)

    def __and__(self, other: Condition) -> Condition:
        return And(*self.parts, other)


class Or(Condition):
    def __init__(self, *parts: Condition) -> None:
        self.parts = parts

    def render(self, ns: Namespace) -> str:
        return " OR ".join(f"({p.render(ns)})" for p in self.parts)

    def __or__(self, other: Condition) -> Condition:
        return Or(*self.parts, other)


class Not(Condition):
    def __init__(self, inner: Condition) -> None:
        self.inner = inner

    def render(self, ns: Namespace) -> str:
        return f"NOT ({self.inner.render(ns)})"


def all_of(*conditions: Condition | None) -> Condition | None:
    parts = [c for c in conditions if c is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(*parts)


class _Operand:
    """What a condition compares: comparing one builds a condition instead of a bool."""

    path: str

    def __eq__(self, other: Any) -> Condition:  # type: ignore[override]
        return Compare(self, "=", other)

    def __ne__(self, other: Any) -> Condition:  # type: ignore[override]
        return Compare(self, "<>", other)

    def __lt__(self, other: Any) -> Condition:
        return Compare(self, "<", other)

    def __le__(self, other: Any) -> Condition:
        return Compare(self, "<=", other)

    def __gt__(self, other: Any) -> Condition:
        return Compare(self, ">", other)

    def __ge__(self, other: Any) -> Condition:
        return Compare(self, ">=", other)

    def between(self, low: Any, high: Any) -> Condition:
        return Between(self, low, high)

    # Comparison builds conditions, so equality means nothing a set or dict could use.
    __hash__ = None  # type: ignore[assignment]


class Size(_Operand):
    """``size(path)``, comparable like an attribute."""

    def __init__(self, path: str) -> None:
        self.path = path


class Attr(_Operand):
    """An attribute path in a condition: ``attr("likesCount") > 10``, ``attr("frames[0].url")``.

    Python attribute names are accepted too (``attr("likes_count")``) and are renamed to the
    stored name when the condition is rendered for an entity.
    """

    def __init__(self, path: str) -> None:
        parse_path(path)
        self.path = path

    def is_in(self, *values: Any) -> Condition:
        return In(self, values)

    def begins_with(self, prefix: str) -> Condition:
        return Function("begins_with", self.path, prefix)

    def contains(self, value: Any) -> Condition:
        return Function("contains", self.path, value)

    def exists(self) -> Condition:
        return Function("attribute_exists", self.path)

    def not_exists(self) -> Condition:
        return Function("attribute_not_exists", self.path)

    def is_type(self, dynamo_type: str) -> Condition:
        """``attribute_type``: one of S, SS, N, NS, B, BS, BOOL, NULL, L, M."""
        if dynamo_type not in {"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"}:
            raise ValidationError(f"unknown DynamoDB type {dynamo_type!r}")
        return Function("attribute_type", self.path, dynamo_type)

    def size(self) -> Size:
        return Size(self.path)


def attr(path: str) -> Attr:
    return Attr(path)


def render_projection(ns: Namespace, names: tuple[str, ...]) -> str:
    return ", ".join(ns.path(n) for n in names)


def key_condition(
    ns: Namespace, hash_column: str, hash_value: str, sort: tuple[str, str, tuple[str, ...]] | None
) -> str:
    """``#n0 = :v0 AND begins_with(#n1, :v1)``; ``sort`` is (column, operator, values)."""
    text = f"{ns.name(hash_column)} = {ns.raw_value({'S': hash_value})}"
    if sort is None:
        return text
    column, op, values = sort
    col = ns.name(column)
    vals = [ns.raw_value({"S": v}) for v in values]
    if op == "begins_with":
        return f"{text} AND begins_with({col}, {vals[0]})"
    if op == "between":
        return f"{text} AND {col} BETWEEN {vals[0]} AND {vals[1]}"
    return f"{text} AND {col} {op} {vals[0]}"


Renamer = Callable[[str], str]


def renamer(aliases: Mapping[str, str]) -> Renamer:
    get = aliases.get
    return lambda name: get(name, name)
