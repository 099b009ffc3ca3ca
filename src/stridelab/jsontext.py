"""The text of a JSON document as ``json.dumps(doc, indent=1, allow_nan=False)`` writes it, byte for
byte, in a fraction of the time.

With ``indent`` the standard library encodes every value in Python (its C encoder only writes
compact JSON), and a watch file's ``timeseries`` section has tens of thousands of numbers: 0.018 s
of the 0.25 s CPU of ``stridelab analyze run.fit --json`` (issue 12). Here a list of plain scalars
(numbers, ``null``, ``true``/``false``) is written by the C encoder in one call and laid out one
value per line as ``indent=1`` does; everything else follows ``json.encoder``'s own rules (key
conversion, ``float.__repr__``, ASCII string escapes, the same errors for NaN, for values JSON cannot
hold and for circular references). ``tests/test_jsontext.py`` compares the two on generated documents.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["dumps_indent1"]

_COMPACT = json.JSONEncoder(allow_nan=False)  # no indent: the C encoder, ", " between list items
_STR = json.encoder.encode_basestring_ascii


def dumps_indent1(obj: Any) -> str:
    """``json.dumps(obj, indent=1, allow_nan=False)`` (module docstring)."""
    parts: list[str] = []
    _value(obj, 0, parts, set())
    return "".join(parts)


def _float(o: float) -> str:
    if math.isnan(o) or math.isinf(o):
        raise ValueError("Out of range float values are not JSON compliant: " + repr(o))
    return float.__repr__(o)


def _scalar(o: Any) -> str | None:
    """The JSON text of a scalar, or None for a container or another type."""
    if isinstance(o, str):
        return _STR(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _float(o)
    return None


def _value(o: Any, depth: int, out: list[str], path: set[int]) -> None:
    text = _scalar(o)
    if text is not None:
        out.append(text)
        return
    if isinstance(o, list | tuple):
        _list(o, depth, out, path)
    elif isinstance(o, dict):
        _dict(o, depth, out, path)
    else:
        raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


def _enter(o: Any, path: set[int]) -> int:
    i = id(o)
    if i in path:
        raise ValueError("Circular reference detected")
    path.add(i)
    return i


def _list(o: list[Any] | tuple[Any, ...], depth: int, out: list[str], path: set[int]) -> None:
    if not o:
        out.append("[]")
        return
    i = _enter(o, path)
    pad = "\n" + " " * (depth + 1)
    body = None
    if not isinstance(o[0], list | tuple | dict | str):
        try:
            body = _COMPACT.encode(list(o))  # "[1.5, null, 2]": no ", " inside numbers, null, true, false
        except (ValueError, TypeError):
            body = None  # NaN, infinity or a value JSON cannot hold: the per-value path raises json's own message
        if body is not None and ('"' in body or "[" in body[1:] or "{" in body):
            body = None  # not only plain scalars (a text or a container inside): value by value
    if body is not None:
        out.append("[" + pad + body[1:-1].replace(", ", "," + pad) + "\n" + " " * depth + "]")
    else:
        out.append("[")
        for k, v in enumerate(o):
            out.append(pad if k == 0 else "," + pad)
            _value(v, depth + 1, out, path)
        out.append("\n" + " " * depth + "]")
    path.discard(i)


def _key(k: Any) -> str:
    if isinstance(k, str):
        return k
    if isinstance(k, float):
        return _float(k)
    if k is True:
        return "true"
    if k is False:
        return "false"
    if k is None:
        return "null"
    if isinstance(k, int):
        return int.__repr__(k)
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def _dict(o: dict[Any, Any], depth: int, out: list[str], path: set[int]) -> None:
    if not o:
        out.append("{}")
        return
    i = _enter(o, path)
    pad = "\n" + " " * (depth + 1)
    out.append("{")
    for k, (key, v) in enumerate(o.items()):
        out.append((pad if k == 0 else "," + pad) + _STR(_key(key)) + ": ")
        _value(v, depth + 1, out, path)
    out.append("\n" + " " * depth + "}")
    path.discard(i)
