"""VJP rules: structural prims (see the prim catalogue).

- ``broadcast_in_dim``: the cotangent summed over the new dims and over the size-1 dims that were expanded,
  then reshaped to the operand's shape.
- ``reshape`` / ``transpose`` / ``rev``: reshape back, the inverse permutation, the same reversal.
- ``slice``: the cotangent padded with zeros back to the operand's shape (``stride - 1`` interior zeros);
  a symbolic start or limit (stride 1) pads that dim by concatenating zero blocks instead.
- ``dynamic_slice``: the cotangent written into zeros at the same (clamped) starts; ``dynamic_update_slice``:
  the operand gets the cotangent with the window zeroed, the update the window. Start indices get none.
- ``concatenate``: slices of the cotangent; ``pad``: the operand's positions sliced out of the cotangent (cropped
  borders come back as zeros); the padding value gets the sum of the cotangent over every padded position.
- ``iota`` has no inputs (tagged nondiff).

>>> import numpy as np
>>> from hornet import ops
>>> from hornet.api.autodiff import grad
>>> np.asarray(grad(lambda x: ops.sum(ops.broadcast_to(x, (3, 2))))(np.ones((1, 2), "float32"))).tolist()
[[3.0, 3.0]]
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.autodiff.rules.tensor_helpers import (b, full, inverse, pad_zeros, reduce_sum, reshape, slice_axis,
                                                       transpose, zeros_like)
from hornet.api.ops.core import type_of
from hornet.ir.prims import set_rule
from hornet.ir.symbolic import Dim, dim_add, dim_sub, dims_equal, is_symbolic
from hornet.ir.types import TensorType


def broadcast_in_dim_vjp(ct: Any, x: Any, *, outputs: Any, shape: Sequence[Dim],
                         broadcast_dimensions: Sequence[int]) -> tuple[Any]:
    xt = type_of(x)
    bd = tuple(broadcast_dimensions)
    summed = [a for a in range(len(shape)) if a not in bd]
    summed += [bd[i] for i, d in enumerate(xt.shape) if dims_equal(d, 1) and not dims_equal(shape[bd[i]], 1)]
    return (reshape(reduce_sum(ct, sorted(summed)), xt.shape),)


def reshape_vjp(ct: Any, x: Any, *, outputs: Any, new_sizes: Sequence[Dim]) -> tuple[Any]:
    return (reshape(ct, type_of(x).shape),)


def transpose_vjp(ct: Any, x: Any, *, outputs: Any, permutation: Sequence[int]) -> tuple[Any]:
    return (transpose(ct, inverse(permutation)),)


def rev_vjp(ct: Any, x: Any, *, outputs: Any, dimensions: Sequence[int]) -> tuple[Any]:
    return (b("rev", ct, dimensions=tuple(dimensions)) if dimensions else ct,)


def _zero_block(like: Any, axis: int, size: Dim) -> Any:
    shape = list(type_of(like).shape)
    shape[axis] = size
    return full(0, TensorType(type_of(like).dtype, shape))


def _grow(g: Any, axis: int, low: Dim, high: Dim) -> Any:
    """Zeros before and after ``g`` along ``axis`` (sizes may be symbolic)."""
    pieces = ([_zero_block(g, axis, low)] if not dims_equal(low, 0) else []) + [g]
    pieces += [_zero_block(g, axis, high)] if not dims_equal(high, 0) else []
    return g if len(pieces) == 1 else b("concatenate", *pieces, dimension=axis)


def slice_vjp(ct: Any, x: Any, *, outputs: Any, start_indices: Sequence[Dim], limit_indices: Sequence[Dim],
              strides: Sequence[int] | None) -> tuple[Any]:
    xt, ctt = type_of(x), type_of(ct)
    strides = strides or (1,) * xt.ndim
    if any(dims_equal(o, 0) for o in ctt.shape):
        return (zeros_like(x),)
    config: list[tuple[int, int, int]] = []
    symbolic: list[tuple[int, Dim, Dim]] = []
    for axis, (s, lim, st, d, o) in enumerate(zip(start_indices, limit_indices, strides, xt.shape, ctt.shape)):
        end = lim if st == 1 else s + (o - 1) * st + 1  # one past the last element read
        high = dim_sub(d, end)
        if is_symbolic(s) or is_symbolic(high):
            config.append((0, 0, 0))
            symbolic.append((axis, s, high))
        else:
            config.append((s, high, st - 1))
    g = pad_zeros(ct, config)
    for axis, low, high in symbolic:
        g = _grow(g, axis, low, high)
    return (g,)


def dynamic_slice_vjp(ct: Any, x: Any, *starts: Any, outputs: Any, slice_sizes: Sequence[int]) -> tuple[Any, ...]:
    return (b("dynamic_update_slice", zeros_like(x), ct, *starts),) + (None,) * len(starts)


def dynamic_update_slice_vjp(ct: Any, x: Any, update: Any, *starts: Any, outputs: Any) -> tuple[Any, ...]:
    sizes = type_of(update).shape
    operand_ct = b("dynamic_update_slice", ct, zeros_like(update), *starts)
    update_ct = b("dynamic_slice", ct, *starts, slice_sizes=tuple(sizes))
    return (operand_ct, update_ct) + (None,) * len(starts)


def concatenate_vjp(ct: Any, *xs: Any, outputs: Any, dimension: int) -> tuple[Any, ...]:
    out: list[Any] = []
    offset: Dim = 0
    for x in xs:
        end = dim_add(offset, type_of(x).shape[dimension])
        out.append(slice_axis(ct, dimension, offset, end))
        offset = end
    return tuple(out)


def pad_vjp(ct: Any, x: Any, value: Any, *, outputs: Any,
            padding_config: Sequence[tuple[int, int, int]]) -> tuple[Any, Any]:
    xt = type_of(x)
    g = pad_zeros(ct, [(-lo, -hi, 0) for lo, hi, _ in padding_config])  # undo low/high; crops come back as 0
    if any(it for _, _, it in padding_config):
        gt = type_of(g)
        g = b("slice", g, start_indices=(0,) * xt.ndim, limit_indices=tuple(gt.shape),
              strides=tuple(it + 1 for _, _, it in padding_config))
    all_axes = tuple(range(xt.ndim))
    value_ct = b("sub", reduce_sum(ct, all_axes), reduce_sum(g, all_axes))
    return (g, value_ct)


for _name, _rule in {
    "broadcast_in_dim": broadcast_in_dim_vjp,
    "reshape": reshape_vjp,
    "transpose": transpose_vjp,
    "rev": rev_vjp,
    "slice": slice_vjp,
    "dynamic_slice": dynamic_slice_vjp,
    "dynamic_update_slice": dynamic_update_slice_vjp,
    "concatenate": concatenate_vjp,
    "pad": pad_vjp,
}.items():
    set_rule(_name, vjp=_rule)
