"""``to_categorical`` and ``normalize`` (``keras.utils``): NumPy in, NumPy out; tensors go through hornet.ops.

>>> to_categorical([0, 2], num_classes=3)
array([[1., 0., 0.],
       [0., 0., 1.]])
"""
from __future__ import annotations

from typing import Any

import numpy as np


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """One-hot encode class indices (integers in ``[0, num_classes)``) along a new last axis.

    A trailing axis of size 1 is dropped first (``(n, 1)`` labels give ``(n, num_classes)``). ``num_classes``
    defaults to ``max(x) + 1``. NumPy arrays and lists give a float64 NumPy array (as Keras); hornet/backend
    tensors give a float32 tensor (``hornet.ops.one_hot``).

    >>> to_categorical(np.array([[1], [0]])).shape
    (2, 2)
    """
    from hornet.api.ops import core

    if core.is_tensor(x):
        return _tensor_to_categorical(x, num_classes)
    labels = np.asarray(x)
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels) & (labels == np.round(labels))):
        raise ValueError(f"to_categorical: class values must be integers; received non-integer values in x "
                         f"(dtype {labels.dtype}).")
    labels = labels.astype(np.int64)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if num_classes is None or num_classes == 0:
        if flat.size == 0:
            raise ValueError("to_categorical: cannot infer `num_classes` from an empty `x`; pass num_classes.")
        num_classes = int(flat.max()) + 1
    num_classes = int(num_classes)
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        bad = flat[(flat < 0) | (flat >= num_classes)][0]
        raise ValueError(f"to_categorical: class value {bad} is out of range for num_classes={num_classes} "
                         f"(values must be in [0, {num_classes})).")
    out = np.zeros((flat.size, num_classes))
    out[np.arange(flat.size), flat] = 1.0
    return out.reshape(shape + (num_classes,))


def _tensor_to_categorical(x: Any, num_classes: int | None) -> Any:
    from hornet.api import ops
    from hornet.ir.tracer import SymbolicTensor

    shape = tuple(ops.shape(x))
    if len(shape) > 1 and shape[-1] == 1:
        x = ops.reshape(x, shape[:-1])
    if num_classes is None:
        if isinstance(x, SymbolicTensor):
            raise ValueError("to_categorical: `num_classes` is required for a symbolic tensor.")
        num_classes = int(np.max(np.asarray(x))) + 1
    return ops.one_hot(x, int(num_classes))


def normalize(x: Any, axis: int | None = -1, order: Any = 2) -> Any:
    """``x`` divided by its ``order``-norm along ``axis`` (all-zero slices are left as zeros).

    NumPy input is computed with ``np.linalg.norm`` and returns NumPy; other input (lists, tensors) goes
    through ``hornet.ops.normalize``.

    >>> normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        if axis is None:
            return x / norm
        return x / np.expand_dims(norm, axis)
    from hornet.api import ops

    return ops.normalize(x, axis=-1 if axis is None else axis, order=order)


__all__ = ["normalize", "to_categorical"]
