"""Optimizer names (``adam``, ``adam_1``, ... as Keras) and initial values of optimizer variables.

>>> auto_name("RMSprop")                                       # doctest: +SKIP
'rmsprop'
"""
from __future__ import annotations

import collections
import re
from typing import Any

import numpy as np

from hornet.ir.dtypes import DType

_counts: collections.Counter[str] = collections.Counter()


def auto_name(class_name: str) -> str:
    """A unique snake_case name for an object of ``class_name``: ``adam``, then ``adam_1``, ``adam_2``..."""
    base = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)).lower()
    n = _counts[base]
    _counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def make_initial_value(initializer: Any, shape: tuple[int, ...], dtype: DType) -> Any:
    """The initial value of a ``shape``/``dtype`` variable from "zeros", "ones", a number, an array, or a callable
    ``(shape, dtype)`` (e.g. a hornet initializer)."""
    if isinstance(initializer, str):
        fills = {"zeros": 0, "ones": 1}
        if initializer.lower() in fills:
            return np.full(shape, fills[initializer.lower()], dtype.np)
        try:
            from hornet.api import initializers  # any other Keras initializer name
        except ImportError:
            initializers = None
        if initializers is None:
            raise ValueError(f"Unknown optimizer variable initializer '{initializer}': expected 'zeros', 'ones', a "
                             "number, an array or a callable (shape, dtype).")
        initializer = initializers.get(initializer)
    if callable(initializer):
        return initializer(shape, dtype)
    return np.broadcast_to(np.asarray(initializer, dtype.np), shape).copy()


__all__ = ["auto_name", "make_initial_value"]
