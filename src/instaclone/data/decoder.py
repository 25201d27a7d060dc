"""Per-entity item decoders, generated once from the model's fields.

Decoding AttributeValues is on every read's hot path. A generic loop pays for a type dispatch
on each attribute; a decoder written for one entity reads each known attribute directly,
takes the common case (a string, an integer) inline, and never touches internal attributes
(keys, entity type), which the model does not want anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from instaclone.data.attributes import Item, from_av

Decoder = Callable[[Item], dict[str, Any]]


def _kind(annotation: Any) -> str:
    text = repr(annotation)
    if annotation is str or text in ("str | None", "typing.Optional[str]"):
        return "S"
    if annotation is int or text in ("int | None", "typing.Optional[int]"):
        return "N"
    return "*"


def build_decoder(fields: Iterable[tuple[str, Any]]) -> Decoder:
    """``fields``: (stored name, annotation). Returns item -> {stored name: python value}."""
    lines = ["def decode(item):", "    out = {}", "    get = item.get"]
    for name, annotation in fields:
        key = repr(name)
        kind = _kind(annotation)
        lines.append(f"    v = get({key})")
        lines.append("    if v is not None:")
        if kind == "S":
            lines.append("        s = v.get('S')")
            lines.append(f"        out[{key}] = s if s is not None else from_av(v)")
        elif kind == "N":
            lines.append("        n = v.get('N')")
            lines.append(
                f"        out[{key}] = int(n) if n is not None and n.lstrip('-').isdigit() "
                "else from_av(v)"
            )
        else:
            lines.append(f"        out[{key}] = from_av(v)")
    lines.append("    return out")
    namespace: dict[str, Any] = {"from_av": from_av}
    exec("\n".join(lines), namespace)
    decoder: Decoder = namespace["decode"]
    return decoder
