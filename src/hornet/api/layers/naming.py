"""Unique default names for layers and models, as Keras makes them (``dense``, ``dense_1``, ...)."""
from __future__ import annotations

import re
import threading
from collections import defaultdict

_LOCK = threading.Lock()
_COUNTS: dict[str, int] = defaultdict(int)


def snake_case(name: str) -> str:
    """``"Conv2DTranspose"`` -> ``"conv2d_transpose"``."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def unique_name(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2``, ..."""
    with _LOCK:
        n = _COUNTS[base]
        _COUNTS[base] += 1
    return base if n == 0 else f"{base}_{n}"


def reset_names() -> None:
    """Forget the counters (``hornet.utils.clear_session`` does this)."""
    with _LOCK:
        _COUNTS.clear()
