"""Python values <-> DynamoDB AttributeValue JSON, written out by hand because it is on every
request's hot path and the rules are few.

Numbers come back as ``int`` when integral and ``Decimal`` otherwise, so no precision is lost.
``datetime`` is stored as an ISO 8601 UTC string (``2026-11-24T06:03:00.123Z``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from instaclone.data.errors import ValidationError

AV = dict[str, Any]
Item = dict[str, AV]


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValidationError(f"datetime {moment!r} has no time zone; use an aware datetime")
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError(f"DynamoDB cannot store the number {value!r}")
        return repr(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValidationError(f"DynamoDB cannot store the number {value!r}")
    return str(value)


def to_av(value: Any) -> AV:
    # Order by frequency: strings and ints dominate real items.
    t = type(value)
    if t is str:
        return {"S": value}
    if t is bool:
        return {"BOOL": value}
    if t is int or t is float or t is Decimal:
        return {"N": _number(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, Mapping):
        return {"M": {str(k): to_av(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_av(v) for v in value]}
    if isinstance(value, str):  # str subclasses, e.g. StrEnum
        return {"S": str(value)}
    if isinstance(value, Enum):
        return to_av(value.value)
    if isinstance(value, datetime):
        return {"S": iso_utc(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"B": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, set | frozenset):
        return _set_av(value)
    if isinstance(value, int | float | Decimal):
        return {"N": _number(value)}
    raise ValidationError(f"cannot store a value of type {t.__name__}: {value!r}")


def _set_av(values: set[Any] | frozenset[Any]) -> AV:
    if not values:
        raise ValidationError("DynamoDB cannot store an empty set")
    if all(isinstance(v, str) for v in values):
        return {"SS": sorted(values)}
    if all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
        return {"NS": [_number(v) for v in values]}
    if all(isinstance(v, bytes) for v in values):
        return {"BS": [base64.b64encode(v).decode() for v in values]}
    raise ValidationError("a set must hold only strings, only numbers, or only bytes")


def to_item(values: Mapping[str, Any]) -> Item:
    return {k: to_av(v) for k, v in values.items()}


def _parse_number(text: str) -> int | Decimal:
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


def _decode_set(raw: list[str]) -> set[str]:
    return set(raw)


def _decode_numbers(raw: list[str]) -> set[int | Decimal]:
    return {_parse_number(x) for x in raw}


def _decode_binaries(raw: list[str]) -> set[bytes]:
    return {base64.b64decode(x) for x in raw}


def _decode_map(raw: dict[str, AV]) -> dict[str, Any]:
    return {k: from_av(v) for k, v in raw.items()}


def _decode_list(raw: list[AV]) -> list[Any]:
    return [from_av(v) for v in raw]


def _identity(raw: Any) -> Any:
    return raw


def _null(raw: Any) -> None:
    return None


_DECODERS: dict[str, Any] = {
    "S": _identity,
    "N": _parse_number,
    "M": _decode_map,
    "L": _decode_list,
    "BOOL": _identity,
    "NULL": _null,
    "SS": _decode_set,
    "NS": _decode_numbers,
    "B": base64.b64decode,
    "BS": _decode_binaries,
}


def from_av(av: AV) -> Any:
    # An AttributeValue has exactly one member: unpack it rather than test each type.
    ((tag, raw),) = av.items()
    if tag == "S":
        return raw
    decoder = _DECODERS.get(tag)
    if decoder is None:
        raise ValidationError(f"unknown AttributeValue type {tag!r}")
    return decoder(raw)


def from_item(item: Item, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Decode an item; attributes named in ``skip`` (internal keys) are left out unread."""
    out: dict[str, Any] = {}
    for name, av in item.items():
        if name in skip:
            continue
        ((tag, raw),) = av.items()
        out[name] = raw if tag == "S" else _DECODERS[tag](raw)
    return out
