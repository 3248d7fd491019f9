"""Window helpers for the reduction and contraction VJP rules (padding, index grids, dilated sizes), and the VJP
of ``reduce_window``.

The window VJPs:

- ``sum``: the transpose of a strided, dilated window sum is itself a window sum, over the cotangent with
  ``stride - 1`` zeros between neighbours and padded so that every input position sees the windows that
  covered it (``_window_sum_vjp``).
- ``max`` / ``min``: each window's cotangent goes to ONE position, the first (in row-major window order) that
  holds the window's extreme, as JAX's select_and_scatter_add; a NaN counts as the extreme (first NaN wins), as
  ``argmax``. Small non-overlapping windows (the usual pools) walk the window offsets: one strided slice per
  offset, ``argmax`` over their stack, each offset's share padded back (elementwise, so backends fuse it);
  other windows are gathered (one gather), reduced with ``argmax`` and the cotangent scatter-added back.
  Padding and base-dilation holes hold the identity (-inf / +inf); a cotangent routed there is dropped.
"""
from __future__ import annotations

import itertools
from math import prod
from typing import Any, Sequence

import numpy as np

# the reduction and contraction rules import these from here too (cast only for them)
from hornet.api.autodiff.rules.tensor_helpers import b, cast, full, inverse, pad, reshape, transpose  # noqa: F401
from hornet.api.ops.core import type_of
from hornet.ir.dtypes import DType
from hornet.ir.errors import ShapeError
from hornet.ir.prims import set_rule
from hornet.ir.symbolic import Dim, dim_add, dim_mul, dim_sub, is_symbolic
from hornet.ir.types import TensorType

# Non-overlapping windows with at most this many elements take the offset walk (XLA fuses it; measured ~3x
# faster than gather + scatter for 2x2 pools); overlapping or larger windows gather (~3x faster for 3x3 stride 2).
OFFSET_WALK_MAX_WINDOW = 16


def unpad(g: Any, config: Sequence[tuple[int, int, int]]) -> Any:
    """The transpose of ``pad(x, _, config)``: the cotangent of ``x`` from that of the padded result."""
    g = pad(g, 0, [(-lo, -hi, 0) for lo, hi, _ in config])  # restores cropped borders as zeros
    if all(i == 0 for _, _, i in config):
        return g
    shape = type_of(g).shape
    return b("slice", g, start_indices=(0,) * len(shape), limit_indices=shape,
             strides=tuple(i + 1 for _, _, i in config))


def iota(shape: Sequence[Dim], dimension: int, dtype: DType = DType.int32) -> Any:
    return b("iota", dtype=dtype, shape=tuple(shape), dimension=dimension)


def stack_last(parts: Sequence[Any]) -> Any:
    """Stack same-shaped tensors along a new last axis."""
    shape = tuple(type_of(parts[0]).shape)
    cols = [b("broadcast_in_dim", p, shape=shape + (1,), broadcast_dimensions=tuple(range(len(shape))))
            for p in parts]
    return cols[0] if len(cols) == 1 else b("concatenate", *cols, dimension=len(shape))


def full_indices(shape: Sequence[Dim], given: dict[int, Any]) -> Any:
    """``(*shape, ndim)`` int32 indices addressing every element of ``shape``, with the components of the axes in
    ``given`` replaced by those tensors (of ``shape``)."""
    return stack_last([given[d] if d in given else iota(shape, d) for d in range(len(shape))])


def static(d: Dim, what: str) -> int:
    if is_symbolic(d):
        raise ShapeError(f"the gradient needs {what} to be static, got {d}")
    return int(d)


def dilated(size: Dim, factor: int) -> Dim:
    """The size of an axis after inserting ``factor - 1`` holes between neighbours."""
    if not is_symbolic(size) and size == 0:
        return 0
    return dim_add(dim_mul(dim_sub(size, 1), factor), 1)


def transposed_window_padding(size: Dim, out: Dim, *, window: int, stride: int, padding: tuple[int, int],
                              base: int, dilation: int) -> tuple[int, int]:
    """(low, high) padding of the stride-dilated cotangent so that a window pass with stride ``base`` maps it
    back onto the ``size`` input positions: each input position sees the outputs whose window covered it."""
    lo, _ = padding
    low = (window - 1) * dilation - lo
    high = dim_sub(dim_add(dim_mul(dim_sub(size, 1), base), lo), dim_mul(dim_sub(out, 1), stride))
    return low, static(high, "the padding of the transposed window")


# --- reduce_window ---------------------------------------------------------------------------------------------------

def _empty(shape: Sequence[Dim]) -> bool:
    return any(not is_symbolic(d) and d == 0 for d in shape)


def _window_sum_vjp(ct: Any, x: Any, window: Sequence[int], strides: Sequence[int],
                    padding: Sequence[tuple[int, int]], base: Sequence[int], wdil: Sequence[int]) -> Any:
    xt, ctt = type_of(x), type_of(ct)
    if _empty(ctt.shape):
        return full(0, xt)
    config = []
    for d, o, w, s, p, bd, r in zip(xt.shape, ctt.shape, window, strides, padding, base, wdil):
        low, high = transposed_window_padding(d, o, window=w, stride=s, padding=p, base=bd, dilation=r)
        config.append((low, high, s - 1))
    spread = pad(ct, 0, config)
    return b("reduce_window", spread, computation="sum", window_dimensions=tuple(window), window_strides=tuple(base),
             padding=((0, 0),) * xt.ndim, base_dilation=None, window_dilation=tuple(wdil))


def _extreme_by_offsets(ct: Any, xp: Any, window: Sequence[int], strides: Sequence[int], wdil: Sequence[int],
                        computation: str) -> Any:
    """One strided slice per window offset (row-major order), stacked; argmax/argmin over the stack picks each
    window's first extreme; each offset's cotangent is padded back to where its slice came from."""
    pt, ot = type_of(xp), type_of(ct)
    spans = []
    for offset in itertools.product(*(range(w) for w in window)):
        starts = tuple(w * r for w, r in zip(offset, wdil))
        limits = tuple(dim_add(st, dim_add(dim_mul(dim_sub(o, 1), s), 1))
                       for st, o, s in zip(starts, ot.shape, strides))
        spans.append((starts, limits))
    slices = [b("slice", xp, start_indices=st, limit_indices=lim,
                strides=None if all(s == 1 for s in strides) else tuple(strides)) for st, lim in spans]
    stacked = b("concatenate", *[b("broadcast_in_dim", v, shape=(1, *ot.shape),
                                   broadcast_dimensions=tuple(range(1, ot.ndim + 1))) for v in slices], dimension=0)
    which = b("argmax" if computation == "max" else "argmin", stacked, axis=0, index_dtype=DType.int32)
    zero = full(0, ot)
    total = None
    for i, (starts, limits) in enumerate(spans):
        part = b("select", b("eq", which, full(i, TensorType(DType.int32, ot.shape))), ct, zero)
        config = [(st, static(dim_sub(p, lim), "the padded size"), s - 1)
                  for st, lim, p, s in zip(starts, limits, pt.shape, strides)]
        part = pad(part, 0, config)
        total = part if total is None else b("add", total, part)
    return total


def _extreme_by_gather(ct: Any, xp: Any, window: Sequence[int], strides: Sequence[int], wdil: Sequence[int],
                       computation: str) -> Any:
    """Gather every window (windowed axes first), take the first extreme with argmax/argmin, scatter-add."""
    pt, ot = type_of(xp), type_of(ct)
    nd = pt.ndim
    axes = [a for a in range(nd) if window[a] > 1 or strides[a] > 1]
    if not axes:  # every window is one element: the identity
        return ct
    rest = [a for a in range(nd) if a not in axes]
    k = len(axes)
    perm = axes + rest
    xs = transpose(xp, perm)
    o_shape = [ot.shape[a] for a in axes]
    w_shape = [window[a] for a in axes]
    grid = o_shape + w_shape
    starts = [b("add", b("mul", iota(grid, j), full(strides[a], TensorType(DType.int32, grid))),
                b("mul", iota(grid, k + j), full(wdil[a], TensorType(DType.int32, grid))))
              for j, a in enumerate(axes)]
    patches = b("gather", xs, stack_last(starts))  # (*O_A, *W_A, *rest)
    r_shape = [pt.shape[a] for a in rest]
    flat = reshape(patches, o_shape + [prod(w_shape)] + r_shape)
    arg = "argmax" if computation == "max" else "argmin"
    which = b(arg, flat, axis=k, index_dtype=DType.int32)  # (*O_A, *rest)
    q_shape = o_shape + r_shape
    q_type = TensorType(DType.int32, q_shape)
    given = {}
    inner = 1
    for j in reversed(range(k)):
        a = axes[j]
        w = b("rem", b("div", which, full(inner, q_type)), full(window[a], q_type))
        pos = b("add", b("mul", iota(q_shape, j), full(strides[a], q_type)), b("mul", w, full(wdil[a], q_type)))
        given[j] = pos
        inner *= window[a]
    indices = full_indices(q_shape, given)
    grads = b("scatter", full(0, TensorType(pt.dtype, [pt.shape[a] for a in perm])), indices,
              transpose(ct, perm), mode="add")
    return transpose(grads, inverse(perm))


def walk_offsets(window: Sequence[int], strides: Sequence[int], wdil: Sequence[int]) -> bool:
    """Whether the max/min VJP walks the window offsets (else it gathers the windows)."""
    return prod(window) <= OFFSET_WALK_MAX_WINDOW and all(
        s >= (w - 1) * r + 1 for w, s, r in zip(window, strides, wdil))


def _window_extreme_vjp(ct: Any, x: Any, computation: str, window: Sequence[int],
                        strides: Sequence[int], padding: Sequence[tuple[int, int]], base: Sequence[int],
                        wdil: Sequence[int]) -> Any:
    xt = type_of(x)
    if _empty(type_of(ct).shape):
        return full(0, xt)
    config = [(lo, hi, bd - 1) for (lo, hi), bd in zip(padding, base)]
    identity = -np.inf if computation == "max" else np.inf
    xp = pad(x, identity, config)
    if walk_offsets(window, strides, wdil):
        g = _extreme_by_offsets(ct, xp, window, strides, wdil, computation)
    else:
        g = _extreme_by_gather(ct, xp, window, strides, wdil, computation)
    return unpad(g, config)


def _dilations(x: Any, base_dilation: Sequence[int] | None, window_dilation: Sequence[int] | None
               ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    nd = type_of(x).ndim
    base = tuple(base_dilation) if base_dilation is not None else (1,) * nd
    wdil = tuple(window_dilation) if window_dilation is not None else (1,) * nd
    return base, wdil


def reduce_window_vjp(ct: Any, x: Any, *, outputs: Sequence[Any], computation: str,
                      window_dimensions: Sequence[int], window_strides: Sequence[int],
                      padding: Sequence[tuple[int, int]], base_dilation: Sequence[int] | None,
                      window_dilation: Sequence[int] | None) -> tuple[Any]:
    """Sum windows transpose to a window sum; max/min windows to ``select_and_scatter_add`` (a composite, so a
    backend with a pooling-gradient kernel runs that, and the others its decomposition below)."""
    if computation == "sum":
        base, wdil = _dilations(x, base_dilation, window_dilation)
        return (_window_sum_vjp(ct, x, window_dimensions, window_strides, padding, base, wdil),)
    return (b("select_and_scatter_add", ct, x, computation=computation, window_dimensions=tuple(window_dimensions),
              window_strides=tuple(window_strides), padding=tuple(padding), base_dilation=base_dilation,
              window_dilation=window_dilation),)


def select_and_scatter_add(source: Any, operand: Any, *, computation: str, window_dimensions: Sequence[int],
                           window_strides: Sequence[int], padding: Sequence[tuple[int, int]],
                           base_dilation: Sequence[int] | None, window_dilation: Sequence[int] | None) -> Any:
    """The decomposition: the offset walk or the gather (see the module docstring)."""
    base, wdil = _dilations(operand, base_dilation, window_dilation)
    return _window_extreme_vjp(source, operand, computation, window_dimensions, window_strides, padding, base, wdil)


def select_and_scatter_add_vjp(ct: Any, source: Any, operand: Any, *, outputs: Sequence[Any],
                               **attrs: Any) -> tuple[Any, Any]:
    """Linear in ``source`` (its cotangent reads ``ct`` back at each window's selected position, found by
    differentiating the decomposition) and piecewise constant in ``operand`` (zero cotangent)."""
    from hornet.api.autodiff.engine import _current_trace, _fresh, backward, zeros

    trace = _current_trace()
    fresh = _fresh(source)
    start = len(trace.graph.nodes)
    scattered = select_and_scatter_add(fresh, operand, **attrs)
    (d_source,) = backward(trace, trace.graph.nodes[start:], {scattered.value: ct}, [fresh.value])
    return d_source, zeros(type_of(operand))


set_rule("reduce_window", vjp=reduce_window_vjp)
set_rule("select_and_scatter_add", vjp=select_and_scatter_add_vjp, decomposition=select_and_scatter_add)
