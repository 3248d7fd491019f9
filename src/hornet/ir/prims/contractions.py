"""The contractions prims (see CATALOGUE.md): dot_general and conv_general (tag "contraction").

``preferred_element_type`` is the output (and accumulation) dtype; the operand dtype must promote to it
(``int8 -> int32``, ``bfloat16 -> float32``, ``bool -> int32`` are fine, ``float32 -> float16`` is not).

>>> from hornet.ir.types import TensorType
>>> PRIMITIVES["dot_general"].infer(TensorType("float32", ("batch", 3)), TensorType("float32", (3, 4)),
...                                 lhs_contracting=(1,), rhs_contracting=(0,), lhs_batch=(), rhs_batch=(),
...                                 preferred_element_type=None)
float32[batch,4]
"""
from __future__ import annotations

from typing import Sequence

from hornet.ir.dtypes import DType, promote_types
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.prims.registry import PRIMITIVES, Attr, check, define  # noqa: F401  (PRIMITIVES: doctest)
from hornet.ir.prims.shape_rules import check_axes, require_numeric, same_dtype
from hornet.ir.prims.windows import check_window_attrs, window_output_dim
from hornet.ir.symbolic import Dim, dim_add, dim_div, dim_mul, dim_sub, dims_equal, is_symbolic
from hornet.ir.types import TensorType


def output_dtype(operand: DType, preferred: DType | None) -> DType:
    """The result dtype: ``preferred`` if given (the operand dtype must promote to it), else the operand's."""
    if preferred is None:
        return operand
    check(promote_types(operand, preferred) == preferred,
          f"preferred_element_type {preferred.value} is narrower than the operand dtype {operand.value}", DTypeError)
    return preferred


def _match_dims(lhs: TensorType, rhs: TensorType, lhs_axes: Sequence[int], rhs_axes: Sequence[int],
                kind: str) -> None:
    check(len(lhs_axes) == len(rhs_axes),
          f"lhs_{kind} {tuple(lhs_axes)} and rhs_{kind} {tuple(rhs_axes)} differ in length")
    for a, b in zip(lhs_axes, rhs_axes):
        check(dims_equal(lhs.shape[a], rhs.shape[b]),
              f"{kind} dims differ: lhs dim {a} has size {lhs.shape[a]}, rhs dim {b} has size {rhs.shape[b]}")


def _dot_general(lhs: TensorType, rhs: TensorType, *, lhs_contracting: tuple[int, ...],
                 rhs_contracting: tuple[int, ...], lhs_batch: tuple[int, ...], rhs_batch: tuple[int, ...],
                 preferred_element_type: DType | None) -> TensorType:
    d = same_dtype(lhs, rhs)
    out = output_dtype(d, preferred_element_type)
    check_axes(lhs_batch + lhs_contracting, lhs.ndim, "lhs batch + contracting dims")
    check_axes(rhs_batch + rhs_contracting, rhs.ndim, "rhs batch + contracting dims")
    _match_dims(lhs, rhs, lhs_batch, rhs_batch, "batch")
    _match_dims(lhs, rhs, lhs_contracting, rhs_contracting, "contracting")
    lhs_free = [s for i, s in enumerate(lhs.shape) if i not in lhs_batch + lhs_contracting]
    rhs_free = [s for i, s in enumerate(rhs.shape) if i not in rhs_batch + rhs_contracting]
    return TensorType(out, [lhs.shape[i] for i in lhs_batch] + lhs_free + rhs_free)


def _conv_general(lhs: TensorType, rhs: TensorType, *, window_strides: tuple[int, ...],
                  padding: tuple[tuple[int, int], ...], lhs_dilation: tuple[int, ...], rhs_dilation: tuple[int, ...],
                  feature_group_count: int, preferred_element_type: DType | None) -> TensorType:
    d = same_dtype(lhs, rhs)
    require_numeric(lhs, "operands")
    out = output_dtype(d, preferred_element_type)
    n = lhs.ndim - 2
    check(n >= 1, f"lhs must be (N, C, *spatial) with at least one spatial dim, got {lhs}")
    check(rhs.ndim == lhs.ndim, f"rhs must be (O, I, *kernel) with {n} kernel dims to match lhs {lhs}, got {rhs}")
    check_window_attrs(n, "spatial dim", window_strides=window_strides, padding=padding, lhs_dilation=lhs_dilation,
                       rhs_dilation=rhs_dilation)
    groups = feature_group_count
    check(groups >= 1, f"feature_group_count must be >= 1, got {groups}")
    (o, i), c = rhs.shape[:2], lhs.shape[1]
    check(not is_symbolic(o), f"rhs output features must be static, got {rhs}")
    check(dims_equal(c, dim_mul(i, groups)),
          f"channel mismatch: lhs has {c} input features but rhs expects {i} per group x "
          f"feature_group_count {groups} = {dim_mul(i, groups)}")
    check(o % groups == 0, f"rhs output features {o} are not divisible by feature_group_count {groups}")
    spatial: list[Dim] = [
        _conv_output_dim(s, window=k, stride=st, padding=p, base_dilation=ld, window_dilation=rd,
                         what=f"spatial dim {j}")
        for j, (s, k, st, p, ld, rd) in enumerate(
            zip(lhs.shape[2:], rhs.shape[2:], window_strides, padding, lhs_dilation, rhs_dilation))]
    return TensorType(out, [lhs.shape[0], o, *spatial])


def _conv_output_dim(size: Dim, *, window: Dim, stride: int, padding: tuple[int, int], base_dilation: int,
                     window_dilation: int, what: str) -> Dim:
    """``window_output_dim``, also for a symbolic kernel dim (the kernel gradient convolves with the output
    cotangent) and for symbolic sizes whose padded-minus-window length divides by the stride exactly."""
    if not is_symbolic(size) and not is_symbolic(window):
        return window_output_dim(size, window=int(window), stride=stride, padding=padding,
                                 base_dilation=base_dilation, window_dilation=window_dilation, what=what)
    lo, hi = padding
    dilated = 0 if size == 0 else dim_add(dim_mul(dim_sub(size, 1), base_dilation), 1)
    span = dim_add(dim_mul(dim_sub(window, 1), window_dilation), 1)
    room = dim_sub(dim_add(dilated, lo + hi), span)
    if not is_symbolic(room):
        return 0 if room < 0 else room // stride + 1
    try:
        return dim_add(dim_div(room, stride), 1)
    except ShapeError:
        raise ShapeError(f"{what} has symbolic size {size}; a window stride of {stride} needs a static size "
                         f"(or a padded size minus window that divides by it)") from None


_PREFERRED = Attr("dtype", None, optional=True)

define("dot_general", _dot_general, num_inputs=2, tags=("contraction",),
       attrs={"lhs_contracting": Attr("ints"), "rhs_contracting": Attr("ints"), "lhs_batch": Attr("ints", ()),
              "rhs_batch": Attr("ints", ()), "preferred_element_type": _PREFERRED},
       doc="dot_general(lhs, rhs; lhs_contracting, rhs_contracting, lhs_batch, rhs_batch, preferred_element_type): "
           "output dims are batch, lhs free, rhs free. Bool operands: logical or of ands.")

define("conv_general", _conv_general, num_inputs=2, tags=("contraction",),
       attrs={"window_strides": Attr("ints"), "padding": Attr("pairs"), "lhs_dilation": Attr("ints"),
              "rhs_dilation": Attr("ints"), "feature_group_count": Attr("int", 1), "preferred_element_type": _PREFERRED},
       doc="conv_general(lhs (N, C, *S), rhs (O, C/groups, *K); window_strides, padding, lhs_dilation, rhs_dilation, "
           "feature_group_count, preferred_element_type) -> (N, O, *S'): cross-correlation, as "
           "lax.conv_general_dilated.")
