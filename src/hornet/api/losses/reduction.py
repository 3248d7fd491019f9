"""Weighting and reducing per-sample loss values, with Keras's reductions plus a batch padding mask.

``reduce_weighted`` is what ``Loss.__call__`` and the trainer use. Besides Keras's ``sample_weight`` it takes
``mask``: a float vector over the batch, 1 for real samples and 0 for padding rows that the trainer appends so that a
partial last batch reuses the compiled step. Padded rows never change the result: they are zeroed with ``where``
(so even NaN or inf in them cannot leak) and every divisor counts real samples only.

>>> from hornet.api.losses.reduction import reduce_weighted
>>> reduce_weighted([1.0, 3.0, 100.0], mask=[1.0, 1.0, 0.0])          # doctest: +SKIP
Array(2., dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.ops.core import fmt_shape
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import dims_equal

__all__ = ["REDUCTIONS", "expand_to_rank", "standardize_reduction", "squeeze_or_expand_to_same_rank",
           "reduce_weighted"]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: str | None) -> str | None:
    """Check a Keras reduction name; returns it unchanged.

    >>> standardize_reduction("sum")
    'sum'
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of {list(REDUCTIONS)}. "
                         f"Received: reduction={reduction!r}")
    return reduction


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple[Any, Any]:
    """Keras's rank alignment: when ranks differ by one and the longer shape ends in 1, squeeze that axis (or,
    when the shorter tensor is rank 1 and ``expand_rank_1``, add a trailing axis to it instead).

    >>> [ops.shape(t) for t in squeeze_or_expand_to_same_rank(ops.ones((4, 1)), ops.ones((4,)))]  # doctest: +SKIP
    [(4, 1), (4, 1)]
    """
    r1, r2 = ops.ndim(x1), ops.ndim(x2)
    if r1 == r2 + 1 and ops.shape(x1)[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    elif r2 == r1 + 1 and ops.shape(x2)[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def expand_to_rank(x: Any, rank: int) -> Any:
    """Add trailing unit axes so a per-sample tensor broadcasts against a rank-``rank`` tensor."""
    while ops.ndim(x) < rank:
        x = ops.expand_dims(x, -1)
    return x


def _prepare_weights(values: Any, sample_weight: Any) -> tuple[Any, Any]:
    """Align ``sample_weight`` with ``values`` (Keras's squeeze/expand, then trailing axes per sample)."""
    sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), ops.dtype(values))
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    if ops.ndim(values) == 0:
        return values, sample_weight  # one loss value for the batch: weighting broadcasts it, as in Keras
    if ops.ndim(sample_weight) > ops.ndim(values):
        raise ShapeError(f"reduce_weighted: sample_weight of shape {fmt_shape(ops.shape(sample_weight))} has a "
                         f"higher rank than the loss values of shape {fmt_shape(ops.shape(values))}")
    return values, expand_to_rank(sample_weight, ops.ndim(values))


def _prepare_mask(values: Any, mask: Any) -> Any:
    """A mask over the leading axes of ``values`` (the batch vector, or up to the full shape), as float with
    trailing unit axes so it broadcasts."""
    mask = ops.cast(ops.convert_to_tensor(mask), ops.dtype(values))
    vs, ms = ops.shape(values), ops.shape(mask)
    if not 1 <= len(ms) <= len(vs) or not all(dims_equal(a, b) for a, b in zip(ms, vs)):
        raise ShapeError(f"reduce_weighted: mask must cover the leading axes of the loss values (a vector over the "
                         f"batch); got mask shape {fmt_shape(ms)} for values of shape {fmt_shape(vs)}")
    return expand_to_rank(mask, len(vs))


def _broadcast_sum(weights: Any, values: Any) -> Any:
    """The sum of ``weights`` broadcast to the shape of ``values`` (symbolic dims allowed)."""
    return ops.sum(ops.multiply(weights, ops.ones_like(values)))


def reduce_weighted(values: Any, sample_weight: Any = None, reduction: str | None = "sum_over_batch_size",
                    mask: Any = None, dtype: Any = None) -> Any:
    """Weight ``values`` (per-sample losses) by ``sample_weight`` and reduce them.

    Reductions (Keras's): ``"sum_over_batch_size"``/``"mean"`` divide the weighted sum by the number of
    real elements; ``"sum"`` is the weighted sum; ``"mean_with_sample_weight"`` divides by the sum of the
    (masked) weights; ``"none"``/``None`` return the weighted values. ``mask`` (float vector over the batch)
    drops padding rows exactly (a mask over more leading axes, e.g. ``(batch, time)``, drops single entries);
    a scalar ``values`` is returned as is (there is no batch axis to mask).

    >>> reduce_weighted([[1.0, 2.0], [3.0, 4.0]], sample_weight=[1.0, 0.0], reduction="sum")  # doctest: +SKIP
    Array(3., dtype=float32)
    """
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values)
    d = to_dtype(dtype) if dtype is not None else to_dtype(ops.dtype(values))
    if not d.is_floating:
        d = to_dtype("float32")
    values = ops.cast(values, d)
    if sample_weight is not None:
        values, sample_weight = _prepare_weights(values, sample_weight)
        values = ops.where(ops.not_equal(sample_weight, 0), ops.multiply(values, sample_weight), 0.0)
    if ops.ndim(values) == 0:
        return values
    if mask is not None:
        mask = _prepare_mask(values, mask)
        values = ops.where(ops.greater(mask, 0), values, 0.0)
    if reduction in (None, "none") or ops.shape(values) == (0,):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        weights = sample_weight if mask is None else ops.multiply(sample_weight, mask)
        divisor = _broadcast_sum(weights, values)
    elif mask is not None:
        divisor = _broadcast_sum(mask, values)
    else:
        divisor = ops.cast(ops.size(values), d)
    return ops.divide_no_nan(total, ops.cast(divisor, d))
