"""Configs are plain JSON data: what can go in one, and how objects are serialized by registered name."""
from __future__ import annotations

import math
from typing import Any


def is_serializable(value: Any) -> bool:
    """True for JSON data (None, bool, int, finite float, str, and lists/tuples/dicts of them) or an object with
    ``get_config`` (serialized by class name)."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(is_serializable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_serializable(v) for k, v in value.items())
    return hasattr(value, "get_config")
