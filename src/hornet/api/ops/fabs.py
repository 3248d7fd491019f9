"""``fabs``: the absolute value in floating point (``keras.ops.fabs``): bool and integer inputs give float32,
floats keep their dtype.

>>> from hornet import ops
>>> ops.fabs(np.array([-1, 2], "int32"))      # doctest: +SKIP
Array([1., 2.], dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops.core import bind, to_float

__all__ = ["fabs"]


def fabs(x: Any) -> Any:
    """``|x|`` as a float tensor (ints and bools become float32).

    >>> fabs(np.array([-1.5, 2.0], "float32"))   # doctest: +SKIP
    Array([1.5, 2. ], dtype=float32)
    """
    return bind("abs", to_float(x, "fabs"), op="fabs")
