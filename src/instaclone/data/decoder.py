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


Constructor = Callable[[Item], Any]


def _simple_kind(annotation: Any) -> tuple[str, bool] | None:
    """('S'|'N'|'BOOL'|'DT', optional) for the types a constructor handles inline."""
    import types
    import typing
    from datetime import datetime

    optional = False
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            return None
        annotation, optional = rest[0], True
    kind = {str: "S", int: "N", bool: "BOOL", datetime: "DT"}.get(annotation)
    return None if kind is None else (kind, optional)


def build_constructor(model: Any) -> Constructor | None:
    """A function item -> model that checks every stored attribute's type itself and builds
    the model without a second validation pass; it returns None (caller falls back to full
    pydantic validation) on anything unexpected. None when the model has custom validators,
    which only pydantic can run."""
    from datetime import datetime

    from pydantic import TypeAdapter
    from pydantic_core import PydanticUndefined

    decorators = model.__pydantic_decorators__
    if (
        decorators.field_validators
        or decorators.model_validators
        or decorators.validators
        or decorators.root_validators
        or model.model_config.get("extra") == "allow"
    ):
        return None
    namespace: dict[str, Any] = {
        "from_av": from_av,
        "fromiso": datetime.fromisoformat,
        "new": model.__new__,
        "cls": model,
        "setattr": object.__setattr__,
    }
    lines = ["def construct(item):", "    get = item.get", "    d = {}", "    given = set()"]
    for i, (py_name, info) in enumerate(model.model_fields.items()):
        key, name = repr(info.alias or py_name), repr(py_name)
        simple = None if info.metadata else _simple_kind(info.annotation)
        lines.append(f"    v = get({key})")
        if info.is_required():
            lines.append("    if v is None: return None")
        elif info.default_factory is not None:
            namespace[f"factory{i}"] = info.default_factory
            lines.append(f"    if v is None: d[{name}] = factory{i}()")
        else:
            default = info.default if info.default is not PydanticUndefined else None
            namespace[f"default{i}"] = default
            lines.append(f"    if v is None: d[{name}] = default{i}")
        lines.append("    else:")
        lines.append(f"        given.add({name})")
        if simple is None:
            namespace[f"adapter{i}"] = TypeAdapter(info.annotation)
            lines.append("        try:")
            lines.append(f"            d[{name}] = adapter{i}.validate_python(from_av(v))")
            lines.append("        except Exception: return None")
            continue
        kind, _optional = simple
        if kind == "S":
            lines.append("        x = v.get('S')")
            lines.append("        if x is None: return None")
            lines.append(f"        d[{name}] = x")
        elif kind == "N":
            lines.append("        x = v.get('N')")
            lines.append("        if x is None or not x.lstrip('-').isdigit(): return None")
            lines.append(f"        d[{name}] = int(x)")
        elif kind == "BOOL":
            lines.append("        x = v.get('BOOL')")
            lines.append("        if x is None: return None")
            lines.append(f"        d[{name}] = x")
        else:  # datetime stored as ISO 8601 text
            lines.append("        x = v.get('S')")
            lines.append("        if x is None: return None")
            lines.append("        try:")
            lines.append(f"            d[{name}] = fromiso(x)")
            lines.append("        except ValueError: return None")
            lines.append(f"        if d[{name}].tzinfo is None: return None")
    lines += [
        "    m = new(cls)",
        "    setattr(m, '__dict__', d)",
        "    setattr(m, '__pydantic_fields_set__', given)",
        "    setattr(m, '__pydantic_extra__', None)",
        "    setattr(m, '__pydantic_private__', None)",
        "    return m",
    ]
    exec("\n".join(lines), namespace)
    constructor: Constructor = namespace["construct"]
    return constructor
