"""Cross-entropy losses with ``keras.ops`` semantics (per-sample values; no reduction over the batch).

Probabilities (``from_logits=False``) are clipped into ``[1e-7, 1 - 1e-7]`` before the log, as Keras does;
logits go through the stable ``log_softmax`` composite or the softplus form of the sigmoid loss.

>>> from hornet import ops
>>> ops.binary_crossentropy([1.0, 0.0], [0.9, 0.2])   # doctest: +SKIP
Array([0.105, 0.223], dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import (as_tensor, binary, bind, convert, float_dtype, fmt_shape, normalize_axis, same_shape,
                                 type_of, unary)
from hornet.ir.dtypes import DType, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import dims_equal

__all__ = ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]

EPSILON = 1e-7  # Keras's backend.epsilon()


def _float_pair(target: Any, output: Any, op: str) -> tuple[Any, Any]:
    t, o = as_tensor(target), as_tensor(output)
    d = result_type(type_of(t).dtype, type_of(o).dtype)
    d = float_dtype(d)
    t, o = convert(t, d, op), convert(o, d, op)
    if not same_shape(type_of(t).shape, type_of(o).shape):
        raise ShapeError(f"{op}: target and output must have the same shape, got target {fmt_shape(type_of(t).shape)} "
                         f"and output {fmt_shape(type_of(o).shape)}")
    return t, o


def _log_probs(output: Any, axis: int, from_logits: bool, op: str) -> Any:
    if from_logits:
        return bind("log_softmax", output, axes=(axis,), op=op)
    total = L.reduce("reduce_sum", output, (axis,), op, keepdims=True)
    return unary("log", L.clip(L.true_divide(output, total, op), EPSILON, 1.0 - EPSILON, op), op)


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Any:
    """Elementwise ``-(t log p + (1 - t) log(1 - p))``; with logits ``max(z, 0) - z t + log(1 + e^-|z|)``.

    >>> binary_crossentropy([1.0], [0.9])   # doctest: +SKIP
    [0.105]
    """
    op = "binary_crossentropy"
    t, o = _float_pair(target, output, op)
    if from_logits:
        return L.sub(L.softplus(o, op), L.mul(o, t, op), op)
    p = L.clip(o, EPSILON, 1.0 - EPSILON, op)
    pos = L.mul(t, unary("log", p, op), op)
    negative = L.mul(L.sub(1.0, t, op), unary("log", L.sub(1.0, p, op), op), op)
    return unary("neg", L.add(pos, negative, op), op)


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Any:
    """``-sum(t * log p, axis)`` for one-hot (or soft) targets; ``output`` is renormalized along ``axis``.

    >>> categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])   # doctest: +SKIP
    [0.223]
    """
    op = "categorical_crossentropy"
    t, o = _float_pair(target, output, op)
    if type_of(t).ndim < 1:
        raise ShapeError(f"{op}: target and output must have rank >= 1, got shape {fmt_shape(type_of(t).shape)}")
    ax = normalize_axis(axis, type_of(o).ndim, op)
    return unary("neg", L.reduce("reduce_sum", L.mul(t, _log_probs(o, ax, from_logits, op), op), (ax,), op), op)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Any:
    """``-log p[target]`` for integer class ids; a trailing size-1 target axis is dropped. Labels outside
    ``[0, classes)`` give a loss of 0.

    >>> sparse_categorical_crossentropy([1], [[0.2, 0.8]])   # doctest: +SKIP
    [0.223]
    """
    op = "sparse_categorical_crossentropy"
    t, o = convert(as_tensor(target), DType.int32, op), as_tensor(output)
    if not type_of(o).dtype.is_floating:
        o = convert(o, DType.float32, op)
    ts, os_ = type_of(t).shape, type_of(o).shape
    if len(os_) < 1:
        raise ShapeError(f"{op}: output must have rank >= 1, got shape {fmt_shape(os_)}")
    if len(ts) == len(os_) and ts and ts[-1] == 1:
        t = L.reshape(t, ts[:-1], op)
        ts = ts[:-1]
    ax = normalize_axis(axis, len(os_), op)
    rest = os_[:ax] + os_[ax + 1:]
    if len(ts) != len(rest) or not all(dims_equal(a, b) for a, b in zip(ts, rest)):
        raise ShapeError(f"{op}: target shape {fmt_shape(ts)} must equal the output shape {fmt_shape(os_)} without "
                         f"its class axis {ax}")
    log_p = _log_probs(o, ax, from_logits, op)
    labels = L.broadcast_in_dim(t, os_, [i for i in range(len(os_)) if i != ax], op)
    hit = binary("eq", labels, L.iota(DType.int32, os_, ax, op), op)
    return unary("neg", L.reduce("reduce_sum", L.where(hit, log_p, 0.0, op), (ax,), op), op)
