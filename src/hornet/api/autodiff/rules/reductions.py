"""VJP rules: reductions prims (see the prim catalogue).

- ``reduce_sum``: the cotangent broadcast back over the reduced axes.
- ``reduce_prod``: the product of all OTHER elements (exclusive cumulative products from both ends, so zeros
  are handled exactly, as JAX).
- ``reduce_max`` / ``reduce_min``: the cotangent split evenly among the positions equal to the extreme (JAX).
- ``cumsum``: a cumsum in the other direction.
- ``cumprod``: exact with zeros: before the first zero ``sum_{i>=k} ct_i out_i / x_k``; at the first zero the
  same sum over the products that skip it; after it, zero.
- ``cummax`` / ``cummin``: each output's cotangent goes to the position that set the running extreme, i.e. the
  first occurrence of that value (JAX's tie split follows its associative-scan tree; ties differ from it).
- ``reduce_window``: see ``window_grads``.

>>> import numpy as np
>>> from hornet import ops
>>> from hornet.api.autodiff import grad
>>> np.asarray(grad(lambda x: ops.prod(x))(np.array([2.0, 0.0, 3.0], "float32"))).tolist()
[0.0, 6.0, 0.0]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.autodiff.rules import window_grads  # noqa: F401  (registers the reduce_window VJP)
from hornet.api.autodiff.rules.window_grads import b, cast, full, full_indices, inverse, pad, reshape, transpose
from hornet.api.ops.core import type_of
from hornet.ir.dtypes import DType
from hornet.ir.prims import set_rule
from hornet.ir.symbolic import shape_size
from hornet.ir.types import TensorType


def _kept(ndim: int, axes: Sequence[int]) -> tuple[int, ...]:
    return tuple(i for i in range(ndim) if i not in axes)


def _expand(y: Any, x: Any, axes: Sequence[int]) -> Any:
    """``y`` (reduced over ``axes``) broadcast back to ``x``'s shape."""
    t = type_of(x)
    return b("broadcast_in_dim", y, shape=t.shape, broadcast_dimensions=_kept(t.ndim, axes))


def _shift(x: Any, axis: int, reverse: bool, fill: Any) -> Any:
    """Each element replaced by its predecessor in scan order (``fill`` at the start)."""
    config = [(0, 0, 0)] * type_of(x).ndim
    config[axis] = (-1, 1, 0) if reverse else (1, -1, 0)
    return pad(x, fill, config)


def reduce_sum_vjp(ct: Any, x: Any, *, outputs: Any, axes: Sequence[int]) -> tuple[Any]:
    return (_expand(ct, x, axes),)


def _others_product(x: Any, axis: int) -> Any:
    """Per element, the product of the other elements along ``axis`` (no division)."""
    before = _shift(b("cumprod", x, axis=axis, reverse=False), axis, False, 1)
    after = _shift(b("cumprod", x, axis=axis, reverse=True), axis, True, 1)
    return b("mul", before, after)


def reduce_prod_vjp(ct: Any, x: Any, *, outputs: Any, axes: Sequence[int]) -> tuple[Any]:
    t = type_of(x)
    if not axes:
        return (ct,)
    if len(axes) == 1:
        return (b("mul", _others_product(x, axes[0]), _expand(ct, x, axes)),)
    kept = _kept(t.ndim, axes)
    perm = kept + tuple(axes)  # the reduced axes last, merged into one
    moved = [t.shape[a] for a in perm]
    flat = reshape(transpose(x, perm), moved[:len(kept)] + [shape_size([t.shape[a] for a in axes])])
    others = reshape(_others_product(flat, len(kept)), moved)
    g = b("mul", others, b("broadcast_in_dim", ct, shape=tuple(moved), broadcast_dimensions=tuple(range(len(kept)))))
    return (transpose(g, inverse(perm)),)


def reduce_extreme_vjp(ct: Any, x: Any, *, outputs: Sequence[Any], axes: Sequence[int]) -> tuple[Any]:
    d = type_of(x).dtype
    hit = cast(b("eq", x, _expand(outputs[0], x, axes)), d)
    count = b("reduce_sum", hit, axes=tuple(axes))
    return (b("mul", hit, _expand(b("div", ct, count), x, axes)),)


def cumsum_vjp(ct: Any, x: Any, *, outputs: Any, axis: int, reverse: bool) -> tuple[Any]:
    return (b("cumsum", ct, axis=axis, reverse=not reverse),)


def cumprod_vjp(ct: Any, x: Any, *, outputs: Sequence[Any], axis: int, reverse: bool) -> tuple[Any]:
    t = type_of(x)
    zero, one = full(0, t), full(1, t)
    is_zero = b("eq", x, zero)
    zeros_so_far = b("cumsum", cast(is_zero, t.dtype), axis=axis, reverse=reverse)
    before = b("eq", zeros_so_far, zero)  # strictly before the first zero (in scan order)
    first = b("and", is_zero, b("eq", zeros_so_far, one))

    def suffix(v: Any) -> Any:  # sum over this position and the later ones, in scan order
        return b("cumsum", v, axis=axis, reverse=not reverse)

    lead = b("div", suffix(b("mul", ct, outputs[0])), b("select", before, x, one))
    skipping = b("cumprod", b("select", first, one, x), axis=axis, reverse=reverse)  # products without the zero
    at_zero = suffix(b("mul", ct, skipping))
    return (b("select", before, lead, b("select", first, at_zero, zero)),)


def _cumulative_extreme_vjp(ct: Any, x: Any, *, outputs: Sequence[Any], axis: int, reverse: bool) -> tuple[Any]:
    out = outputs[0]
    t = type_of(x)
    # where the running extreme changes (the first position always starts one: its predecessor is NaN)
    starts = b("ne", out, _shift(out, axis, reverse, np.nan))
    index_type = TensorType(DType.int32, t.shape)
    position = b("iota", dtype=DType.int32, shape=t.shape, dimension=axis)
    # the position that set each output's running extreme: the latest start at or before it in scan order
    none = full(np.iinfo(np.int32).max if reverse else -1, index_type)
    candidates = b("select", starts, position, none)
    source = b("cummin" if reverse else "cummax", candidates, axis=axis, reverse=reverse)
    indices = full_indices(t.shape, {axis: source})
    return (b("scatter", full(0, t), indices, ct, mode="add"),)


for _name in ("reduce_max", "reduce_min"):
    set_rule(_name, vjp=reduce_extreme_vjp)
for _name in ("cummax", "cummin"):
    set_rule(_name, vjp=_cumulative_extreme_vjp)
set_rule("reduce_sum", vjp=reduce_sum_vjp)
set_rule("reduce_prod", vjp=reduce_prod_vjp)
set_rule("cumsum", vjp=cumsum_vjp)
set_rule("cumprod", vjp=cumprod_vjp)
