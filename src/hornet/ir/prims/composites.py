"""The composite prims (see CATALOGUE.md): softmax, log_softmax, logsumexp, layer_norm, dot_product_attention,
threefry2x32.

A composite has its own lowering rule where a backend has a fused kernel; its ``decomposition`` into other prims
(attached with ``set_rule(name, decomposition=fn)``) serves every backend without one.

>>> from hornet.ir.types import TensorType
>>> PRIMITIVES["logsumexp"].infer(TensorType("float32", ("batch", 10)), axes=(1,))
float32[batch]
"""
from __future__ import annotations

from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.prims.registry import PRIMITIVES, Attr, check, define  # noqa: F401  (PRIMITIVES: doctest)
from hornet.ir.prims.shape_rules import check_axes, drop_axes, require_float, require_rank, same_dtype
from hornet.ir.symbolic import dim_div, dims_equal, format_shape
from hornet.ir.types import TensorType


def _normalizer(keep_axes: bool):
    def infer(x: TensorType, *, axes: tuple[int, ...], **_: float) -> TensorType:
        require_float(x)
        check(len(axes) >= 1, "axes must name at least one axis")
        check_axes(axes, x.ndim)
        return x if keep_axes else x.with_shape(drop_axes(x.shape, axes))

    return infer


def _broadcastable_to(t: TensorType, target: tuple, what: str) -> None:
    """``t`` broadcasts (NumPy rules, right-aligned) to ``target``."""
    ok = t.ndim <= len(target) and all(
        d == 1 or dims_equal(d, want) for d, want in zip(t.shape, target[len(target) - t.ndim:]))
    check(ok, f"{what} shape {format_shape(t.shape)} does not broadcast to [B,N,T,S] = {format_shape(target)}")


def _attention(q: TensorType, k: TensorType, v: TensorType, *extra: TensorType, scale: float | None,
               is_causal: bool, has_bias: bool, has_mask: bool) -> TensorType:
    check(len(extra) == has_bias + has_mask,
          f"expected {3 + has_bias + has_mask} inputs (q, k, v{', bias' * has_bias}{', mask' * has_mask}), "
          f"got {3 + len(extra)}")
    for t, what in ((q, "query"), (k, "key"), (v, "value")):
        require_rank(t, 4, what)
    same_dtype(q, k, v)
    require_float(q, "query")
    B, T, N, H = q.shape
    Bk, S, K, Hk = k.shape
    check(all(dims_equal(a, b) for a, b in zip(k.shape, v.shape)),
          f"key and value shapes differ: {format_shape(k.shape)} vs {format_shape(v.shape)}")
    check(dims_equal(B, Bk), f"batch sizes differ: query {B} vs key {Bk}")
    check(dims_equal(H, Hk), f"head sizes differ: query {H} vs key {Hk}")
    try:
        dim_div(N, K)
    except ShapeError:
        raise ShapeError(f"query heads ({N}) must be a multiple of key/value heads ({K})") from None
    target = (B, N, T, S)
    rest = list(extra)
    if has_bias:
        bias = rest.pop(0)
        check(bias.dtype == q.dtype, f"bias dtype must be the query dtype {q.dtype.value}, got {bias.dtype.value}",
              DTypeError)
        _broadcastable_to(bias, target, "bias")
    if has_mask:
        mask = rest.pop(0)
        check(mask.dtype.is_bool, f"mask must be bool, got {mask.dtype.value}", DTypeError)
        _broadcastable_to(mask, target, "mask")
    return q


_AXES = {"axes": Attr("ints")}
define("softmax", _normalizer(True), attrs=_AXES, num_inputs=1, tags=("composite",),
       doc="exp(x - max) / sum(exp(x - max)) over axes")
define("log_softmax", _normalizer(True), attrs=_AXES, num_inputs=1, tags=("composite",),
       doc="x - logsumexp(x) over axes (kept)")
define("logsumexp", _normalizer(False), attrs=_AXES, num_inputs=1, tags=("composite",),
       doc="log(sum(exp(x))) over axes (removed); all -inf gives -inf")
define("layer_norm", _normalizer(True), attrs={**_AXES, "epsilon": Attr("float")}, num_inputs=1,
       tags=("composite",), doc="(x - mean) / sqrt(biased var + epsilon) over axes")
define("dot_product_attention", _attention, num_inputs=None, tags=("composite",),
       attrs={"scale": Attr("float", None, optional=True), "is_causal": Attr("bool", False),
              "has_bias": Attr("bool", False), "has_mask": Attr("bool", False)},
       doc="softmax(q k^T * scale + bias, masked) v; q [B,T,N,H], k/v [B,S,K,H], K divides N")



def _threefry(k0: TensorType, k1: TensorType, x1: TensorType, x2: TensorType) -> tuple[TensorType, TensorType]:
    for t, what in ((k0, "key word 0"), (k1, "key word 1"), (x1, "count word 0"), (x2, "count word 1")):
        check(t.dtype.value == "uint32", f"{what} must be uint32, got {t.dtype.value}", DTypeError)
        check(t.ndim == x1.ndim and all(dims_equal(a, b) for a, b in zip(t.shape, x1.shape)),
              f"{what} shape {format_shape(t.shape)} differs from the counts' {format_shape(x1.shape)}")
    return x1, x1


define("threefry2x32", _threefry, num_inputs=4, multiple_results=True, tags=("composite", "nondiff"),
       doc="the Threefry-2x32 block function (20 rounds) of key words (k0, k1) on count words (x1, x2), "
           "elementwise on uint32 arrays of one shape")

COMPOSITE_PRIMS: tuple[str, ...] = ("softmax", "log_softmax", "logsumexp", "layer_norm", "dot_product_attention",
                                    "threefry2x32")
