"""Gradient clipping used by optimizers (``clipnorm``, ``global_clipnorm``, ``clipvalue``), with ``hornet.ops``.

>>> clip_by_norm(np.array([3.0, 4.0], "float32"), 1.0)          # doctest: +SKIP
array([0.6, 0.8], dtype=float32)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops


def clip_by_norm(value: Any, clip_norm: float) -> Any:
    """Scale ``value`` down so its L2 norm is at most ``clip_norm`` (unchanged when already below)."""
    squared = ops.sum(ops.square(value), keepdims=True)
    nonzero = ops.greater(squared, 0)
    # the `where` pair keeps sqrt away from 0, whose derivative is infinite
    norm = ops.where(nonzero, ops.sqrt(ops.where(nonzero, squared, ops.ones_like(squared))), squared)
    return ops.divide(ops.multiply(value, clip_norm), ops.maximum(norm, clip_norm))


def global_norm(values: Sequence[Any]) -> Any:
    """The L2 norm of all tensors taken together (``None`` entries are skipped)."""
    squares = [ops.sum(ops.square(v)) for v in values if v is not None]
    return ops.sqrt(ops.sum(ops.stack(squares)))


def clip_by_global_norm(values: Sequence[Any], clip_norm: float) -> list[Any]:
    """Scale all tensors by one factor so that their global norm is at most ``clip_norm``; a non-finite global
    norm makes every result NaN (as Keras)."""
    norm = global_norm(values)
    scale = ops.multiply(clip_norm, ops.minimum(ops.divide(1.0, norm), 1.0 / clip_norm))
    scale = ops.add(scale, ops.subtract(norm, norm))  # NaN when the norm is inf or NaN
    return [None if v is None else ops.multiply(v, ops.cast(scale, ops.dtype(v))) for v in values]


def clip_by_value(values: Sequence[Any], clip_value: float) -> list[Any]:
    """Clip every element into ``[-clip_value, clip_value]``."""
    return [None if v is None else ops.clip(v, -clip_value, clip_value) for v in values]


__all__ = ["clip_by_norm", "global_norm", "clip_by_global_norm", "clip_by_value"]
