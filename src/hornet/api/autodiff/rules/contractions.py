"""VJP rules: contractions prims (see the prim catalogue).

- ``dot_general``: each operand's cotangent is a dot_general of the output cotangent with the other operand
  (contracting the other operand's free dims, keeping the batch dims), transposed back to the operand's layout.
- ``conv_general`` (lhs (N, C, *S), rhs (O, C/G, *K), G = feature_group_count):
  * lhs: a convolution of the cotangent with the spatially flipped kernel whose in/out features are swapped
    within each group; the forward strides become ``lhs_dilation``, the forward ``lhs_dilation`` becomes the
    strides, and the padding makes every input position meet the outputs whose window covered it.
  * rhs: a convolution of the input with the cotangent as kernel, the batch N playing the features: input
    (C/G, G*N, *S) (groups folded into the features by a reshape), kernel (O, N, *S'), forward ``rhs_dilation``
    as strides and forward strides as ``rhs_dilation``; the output (C/G, O, *K) is transposed to (O, C/G, *K).
With ``preferred_element_type`` the other operand is widened to the output dtype, and the result is converted
back to the operand's dtype. Integer operands get no gradient.
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.autodiff.rules.window_grads import (b, cast, dilated, full, inverse, reshape, static, transpose,
                                                    transposed_window_padding)
from hornet.api.ops.core import type_of
from hornet.ir.prims import set_rule
from hornet.ir.symbolic import Dim, dim_add, dim_mul, dim_sub, is_symbolic


def _free(ndim: int, *used: Sequence[int]) -> list[int]:
    taken = {a for u in used for a in u}
    return [a for a in range(ndim) if a not in taken]


def _dot_operand_ct(ct: Any, other: Any, ndim: int, mine: tuple[Sequence[int], Sequence[int]],
                    theirs: tuple[Sequence[int], Sequence[int]], their_free_at: int) -> Any:
    """The cotangent of one dot_general operand (``ndim`` dims, (contracting, batch) = ``mine``) given the other
    operand and where the other operand's free dims start in the output."""
    my_contract, my_batch = mine
    their_contract, their_batch = theirs
    my_free = _free(ndim, my_contract, my_batch)
    their_free = _free(type_of(other).ndim, their_contract, their_batch)
    nb = len(my_batch)
    g = b("dot_general", ct, other, lhs_contracting=tuple(range(their_free_at, their_free_at + len(their_free))),
          rhs_contracting=tuple(their_free), lhs_batch=tuple(range(nb)), rhs_batch=tuple(their_batch),
          preferred_element_type=None)
    # result dims: batch, my free dims, then the other operand's contracting dims in ascending order
    order = sorted(range(len(their_contract)), key=lambda i: their_contract[i])
    axes = list(my_batch) + my_free + [my_contract[i] for i in order]
    return transpose(g, inverse(axes))


def dot_general_vjp(ct: Any, lhs: Any, rhs: Any, *, outputs: Any, lhs_contracting: Sequence[int],
                    rhs_contracting: Sequence[int], lhs_batch: Sequence[int], rhs_batch: Sequence[int],
                    preferred_element_type: Any) -> tuple[Any, Any]:
    lt, rt, ctt = type_of(lhs), type_of(rhs), type_of(ct)
    if not lt.dtype.is_floating:
        return (None, None)
    nb = len(lhs_batch)
    lhs_free_count = len(_free(lt.ndim, lhs_contracting, lhs_batch))
    lhs_ct = _dot_operand_ct(ct, cast(rhs, ctt.dtype), lt.ndim, (lhs_contracting, lhs_batch),
                             (rhs_contracting, rhs_batch), nb + lhs_free_count)
    rhs_ct = _dot_operand_ct(ct, cast(lhs, ctt.dtype), rt.ndim, (rhs_contracting, rhs_batch),
                             (lhs_contracting, lhs_batch), nb)
    return (cast(lhs_ct, lt.dtype), cast(rhs_ct, rt.dtype))


def _conv(lhs: Any, rhs: Any, strides: Sequence[int], padding: Sequence[tuple[int, int]],
          lhs_dilation: Sequence[int], rhs_dilation: Sequence[int], groups: int) -> Any:
    return b("conv_general", lhs, rhs, window_strides=tuple(strides), padding=tuple(padding),
             lhs_dilation=tuple(lhs_dilation), rhs_dilation=tuple(rhs_dilation), feature_group_count=groups,
             preferred_element_type=None)


def _conv_lhs_ct(ct: Any, rhs: Any, lhs_shape: Sequence[Dim], strides: Sequence[int],
                 padding: Sequence[tuple[int, int]], lhs_dilation: Sequence[int], rhs_dilation: Sequence[int],
                 groups: int) -> Any:
    rt, ctt = type_of(rhs), type_of(ct)
    o, cg, *kernel = rt.shape
    n = len(kernel)
    spatial = tuple(range(2, n + 2))
    # (O, C/G, *K) -> (C, O/G, *K): swap in/out features within each group, then flip the window
    if groups == 1:
        swapped = transpose(rhs, (1, 0, *spatial))
    else:
        swapped = reshape(rhs, [groups, o // groups, cg, *kernel])
        swapped = transpose(swapped, (0, 2, 1, *range(3, n + 3)))
        swapped = reshape(swapped, [groups * cg, o // groups, *kernel])
    flipped = b("rev", swapped, dimensions=spatial)
    pads = [transposed_window_padding(d, out, window=k, stride=s, padding=p, base=a, dilation=r)
            for d, out, k, s, p, a, r in zip(lhs_shape[2:], ctt.shape[2:], kernel, strides, padding, lhs_dilation,
                                            rhs_dilation)]
    return _conv(ct, flipped, lhs_dilation, pads, strides, rhs_dilation, groups)


def _unused_tail(size: Dim, out: Dim, *, kernel: int, stride: int, padding: tuple[int, int], base: int,
                 dilation: int) -> int:
    """How many trailing padded positions no forward window reached (the strides left them over)."""
    if stride == 1:
        return 0
    padded = dim_add(dilated(size, base), padding[0] + padding[1])
    used = dim_add(dim_mul(dim_sub(out, 1), stride), (kernel - 1) * dilation + 1)
    return static(dim_sub(padded, used), "the spatial sizes (with strides > 1)")


def _conv_rhs_ct(ct: Any, lhs: Any, rhs_shape: Sequence[Dim], strides: Sequence[int],
                 padding: Sequence[tuple[int, int]], lhs_dilation: Sequence[int], rhs_dilation: Sequence[int],
                 groups: int) -> Any:
    lt, ctt = type_of(lhs), type_of(ct)
    batch, _, *sizes = lt.shape
    n = len(sizes)
    cg = rhs_shape[1]
    rest = tuple(range(2, n + 2))
    # (N, C, *S) -> (C/G, G*N, *S): the batch becomes the features, group-major
    if groups == 1:
        x = transpose(lhs, (1, 0, *rest))
    else:
        x = reshape(lhs, [batch, groups, cg, *sizes])
        x = transpose(x, (2, 1, 0, *range(3, n + 3)))
        x = reshape(x, [cg, dim_mul(batch, groups), *sizes])
    kernel = transpose(ct, (1, 0, *rest))  # (O, N, *S')
    pads = [(lo, hi - _unused_tail(d, out, kernel=k, stride=s, padding=(lo, hi), base=a, dilation=r))
            for d, out, k, s, (lo, hi), a, r in zip(sizes, ctt.shape[2:], rhs_shape[2:], strides, padding,
                                                    lhs_dilation, rhs_dilation)]
    res = _conv(x, kernel, rhs_dilation, pads, lhs_dilation, strides, groups)  # (C/G, O, *K)
    return transpose(res, (1, 0, *rest))


def conv_general_vjp(ct: Any, lhs: Any, rhs: Any, *, outputs: Any, window_strides: Sequence[int],
                     padding: Sequence[tuple[int, int]], lhs_dilation: Sequence[int], rhs_dilation: Sequence[int],
                     feature_group_count: int, preferred_element_type: Any) -> tuple[Any, Any]:
    lt, rt, ctt = type_of(lhs), type_of(rhs), type_of(ct)
    if not lt.dtype.is_floating:
        return (None, None)
    if any(not is_symbolic(d) and d == 0 for d in ctt.shape):  # no outputs: nothing flows back
        return (full(0, lt), full(0, rt))
    attrs = dict(strides=window_strides, padding=padding, lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation,
                 groups=feature_group_count)
    lhs_ct = _conv_lhs_ct(ct, cast(rhs, ctt.dtype), lt.shape, **attrs)
    rhs_ct = _conv_rhs_ct(ct, cast(lhs, ctt.dtype), rt.shape, **attrs)
    return (cast(lhs_ct, lt.dtype), cast(rhs_ct, rt.dtype))


set_rule("dot_general", vjp=dot_general_vjp)
set_rule("conv_general", vjp=conv_general_vjp)
