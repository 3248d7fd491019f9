"""Strict, bounded JSON parsing, shared by every loader (IR graph documents, model-file members).

Refused, with a :class:`StrictJSONError` (its ``reason`` and the JSON ``path`` where it applies): invalid UTF-8
or JSON, duplicate keys (a parser that keeps the last one would read what a reviewer did not see),
``NaN``/``Infinity`` literals, nesting deeper than ``max_depth``, more than ``MAX_VALUES`` values, and strings
longer than ``MAX_STRING``. After the depth check, recursive code on the result never meets a RecursionError.

>>> parse(b'{"a": [1, 2]}')
{'a': [1, 2]}
"""
from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 96
MAX_VALUES = 4_000_000
MAX_STRING = 1 << 20


class StrictJSONError(ValueError):
    def __init__(self, reason: str, path: str | None = None):
        self.reason, self.path = reason, path
        super().__init__(f"{path}: {reason}" if path else reason)


class _Duplicate(Exception):
    def __init__(self, key: str):
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed (JSON has no NaN/Infinity)")


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def parse(data: bytes | bytearray | memoryview | str, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``data`` (bytes must be UTF-8), checked against the limits above."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as e:
            raise StrictJSONError(f"is not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        value = json.loads(data, object_pairs_hook=_pairs, parse_constant=_constant)
    except _Duplicate as e:
        raise StrictJSONError(f"has a duplicate key {_short(e.key)} in one JSON object; the file is ambiguous") from None
    except RecursionError:
        raise StrictJSONError(f"is not valid JSON: nested too deeply (more than {max_depth} levels)") from None
    except ValueError as e:  # JSONDecodeError and the rejected constants
        raise StrictJSONError(f"is not valid JSON ({e})") from None
    check_bounds(value, max_depth)
    return value


def check_bounds(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Depth, size and string-length limits, checked without recursion."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "$")]
    count = 0
    while stack:
        item, depth, path = stack.pop()
        count += len(item) if isinstance(item, (dict, list)) else 1
        if count > MAX_VALUES:
            raise StrictJSONError(f"holds more than {MAX_VALUES} JSON values")
        if depth > max_depth:
            raise StrictJSONError(f"is nested more than {max_depth} levels deep", path)
        if isinstance(item, str):
            if len(item) > MAX_STRING:
                raise StrictJSONError(f"holds a string of {len(item)} characters (the limit is {MAX_STRING})", path)
        elif isinstance(item, dict):
            for k, v in item.items():
                if len(k) > MAX_STRING:
                    raise StrictJSONError(f"holds a key of {len(k)} characters (the limit is {MAX_STRING})", path)
                if isinstance(v, (dict, list, str)):
                    stack.append((v, depth + 1, f"{path}.{k}" if len(path) < 400 else path))
        elif isinstance(item, list):
            for i, v in enumerate(item):
                if isinstance(v, (dict, list, str)):
                    stack.append((v, depth + 1, f"{path}[{i}]" if len(path) < 400 else path))


__all__ = ["parse", "check_bounds", "StrictJSONError", "MAX_DEPTH"]
