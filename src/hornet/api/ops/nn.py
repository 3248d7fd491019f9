"""Neural-network activations, softmax, one-hot encodings and PSNR, with ``keras.ops`` names and semantics.

Every op is a composition of prims (see ``_lax``); ``softmax`` and ``log_softmax`` bind their composite
prims, whose decompositions (registered on import of ``decompositions``) serve backends without a fused rule.

>>> from hornet import ops
>>> ops.relu([-1.0, 2.0])          # doctest: +SKIP
Array([0., 2.], dtype=float32)
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from hornet.api.ops import _lax as L
from hornet.api.ops import decompositions  # noqa: F401  (registers the composites' decompositions)
from hornet.api.ops.core import (as_tensor, binary, bind, convert, fmt_shape, normalize_axes, normalize_axis, to_float,
                                 type_of, unary)
from hornet.ir.dtypes import DEFAULT_FLOAT, DType, dtype as to_dtype
from hornet.ir.errors import HornetError, ShapeError
from hornet.ir.symbolic import is_symbolic

__all__ = ["relu", "relu6", "elu", "selu", "gelu", "celu", "glu", "silu", "swish", "sigmoid", "hard_sigmoid",
           "hard_silu", "hard_swish", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink", "threshold",
           "leaky_relu", "log_sigmoid", "softplus", "softsign", "squareplus", "sparse_plus", "sparse_sigmoid",
           "sparsemax", "softmax", "log_softmax", "one_hot", "multi_hot", "psnr"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# ---- piecewise-linear activations (integer inputs keep their dtype for relu / relu6) -----------------------

def relu(x: Any) -> Any:
    """``max(x, 0)``.

    >>> relu([-1.0, 2.0])   # doctest: +SKIP
    [0., 2.]
    """
    return L.maximum(x, 0, "relu")


def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``."""
    return L.clip(x, 0, 6, "relu6")


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """``x`` where ``x >= 0``, else ``negative_slope * x``."""
    x = to_float(x, "leaky_relu")
    return L.where(binary("ge", x, 0, "leaky_relu"), x, L.mul(x, negative_slope, "leaky_relu"), "leaky_relu")


def hard_tanh(x: Any) -> Any:
    """``clip(x, -1, 1)``."""
    return L.clip(to_float(x, "hard_tanh"), -1, 1, "hard_tanh")


def hard_sigmoid(x: Any) -> Any:
    """``relu6(x + 3) / 6``: 0 below -3, 1 above 3, linear between."""
    x = to_float(x, "hard_sigmoid")
    return L.true_divide(L.clip(L.add(x, 3, "hard_sigmoid"), 0, 6, "hard_sigmoid"), 6, "hard_sigmoid")


def hard_silu(x: Any) -> Any:
    """``x * hard_sigmoid(x)``."""
    x = to_float(x, "hard_silu")
    return L.mul(x, hard_sigmoid(x), "hard_silu")


hard_swish = hard_silu


def sparse_sigmoid(x: Any) -> Any:
    """``clip((x + 1) / 2, 0, 1)``."""
    x = to_float(x, "sparse_sigmoid")
    return L.clip(L.mul(L.add(x, 1, "sparse_sigmoid"), 0.5, "sparse_sigmoid"), 0, 1, "sparse_sigmoid")


def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` where ``|x| > threshold``, else 0."""
    x = to_float(x, "hard_shrink")
    keep = binary("gt", bind("abs", x, op="hard_shrink"), threshold, "hard_shrink")
    return L.where(keep, x, 0.0, "hard_shrink")


def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    op = "soft_shrink"
    x = to_float(x, op)
    inner = L.where(binary("lt", x, -threshold, op), L.add(x, threshold, op), 0.0, op)
    return L.where(binary("gt", x, threshold, op), L.sub(x, threshold, op), inner, op)


def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = to_float(x, "threshold")
    return L.where(binary("gt", x, threshold, "threshold"), x, default_value, "threshold")


# ---- smooth activations --------------------------------------------------------------------------------------

def sigmoid(x: Any) -> Any:
    """``1 / (1 + exp(-x))``."""
    return unary("logistic", x, "sigmoid", float_only=True)


def softplus(x: Any) -> Any:
    """``log(1 + exp(x))``, computed stably."""
    return L.softplus(to_float(x, "softplus"), "softplus")


def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x)) = -softplus(-x)``."""
    x = to_float(x, "log_sigmoid")
    return unary("neg", L.softplus(unary("neg", x, "log_sigmoid"), "log_sigmoid"), "log_sigmoid")


def softsign(x: Any) -> Any:
    """``x / (|x| + 1)``."""
    x = to_float(x, "softsign")
    return L.true_divide(x, L.add(bind("abs", x, op="softsign"), 1, "softsign"), "softsign")


def silu(x: Any) -> Any:
    """``x * sigmoid(x)`` (a.k.a. swish)."""
    x = to_float(x, "silu")
    return L.mul(x, unary("logistic", x, "silu"), "silu")


swish = silu


def tanh_shrink(x: Any) -> Any:
    """``x - tanh(x)``."""
    x = to_float(x, "tanh_shrink")
    return L.sub(x, unary("tanh", x, "tanh_shrink"), "tanh_shrink")


def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x^2 + b)) / 2``."""
    op = "squareplus"
    x = to_float(x, op)
    return L.mul(L.add(x, unary("sqrt", L.add(L.square(x, op), b, op), op), op), 0.5, op)


def sparse_plus(x: Any) -> Any:
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)^2 / 4`` between."""
    op = "sparse_plus"
    x = to_float(x, op)
    mid = L.mul(L.square(L.add(x, 1, op), op), 0.25, op)
    return L.where(binary("le", x, -1, op), 0.0, L.where(binary("ge", x, 1, op), x, mid, op), op)


def _elu(x: Any, alpha: float, op: str, inner_scale: float = 1.0) -> Any:
    # expm1 only sees non-positive values, so the unused branch never overflows (nor its gradient)
    z = L.minimum(x, 0, op)
    if inner_scale != 1.0:
        z = L.mul(z, inner_scale, op)
    neg_part = unary("expm1", z, op)
    return L.where(binary("gt", x, 0, op), x, L.mul(neg_part, alpha, op), op)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return _elu(to_float(x, "elu"), alpha, "elu")


def selu(x: Any) -> Any:
    """``scale * elu(x, alpha)`` with the self-normalizing constants."""
    return L.mul(_elu(to_float(x, "selu"), _SELU_ALPHA, "selu"), _SELU_SCALE, "selu")


def celu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for ``x > 0``, else ``alpha * (exp(x / alpha) - 1)``."""
    return _elu(to_float(x, "celu"), alpha, "celu", inner_scale=1.0 / alpha)


def gelu(x: Any, approximate: bool = True) -> Any:
    """Gaussian error linear unit; ``approximate`` uses the tanh formula, else the exact erf one."""
    op = "gelu"
    x = to_float(x, op)
    if approximate:
        cube = bind("integer_pow", x, y=3, op=op)
        inner = L.mul(L.add(x, L.mul(cube, 0.044715, op), op), math.sqrt(2.0 / math.pi), op)
        cdf = L.mul(L.add(unary("tanh", inner, op), 1.0, op), 0.5, op)
    else:
        cdf = L.mul(L.add(unary("erf", L.mul(x, 1.0 / math.sqrt(2.0), op), op), 1.0, op), 0.5, op)
    return L.mul(x, cdf, op)


def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: split ``x`` in two halves ``a, b`` along ``axis``; ``a * sigmoid(b)``."""
    op = "glu"
    x = to_float(x, op)
    t = type_of(x)
    ax = normalize_axis(axis, t.ndim, op)
    n = t.shape[ax]
    if is_symbolic(n) or n % 2:
        raise ShapeError(f"{op}: axis {axis} of shape {fmt_shape(t.shape)} must have an even, static size")
    a, b = L.slice_axis(x, ax, 0, n // 2, op), L.slice_axis(x, ax, n // 2, n, op)
    return L.mul(a, unary("logistic", b, op), op)


# ---- softmax family ------------------------------------------------------------------------------------------

def _axes(x: Any, axis: int | Sequence[int], op: str) -> tuple[int, ...]:
    return normalize_axes(axis, type_of(x).ndim, op)


def softmax(x: Any, axis: int | Sequence[int] = -1) -> Any:
    """``exp(x) / sum(exp(x), axis)``, numerically stable.

    >>> softmax([-1.0, 0.0, 1.0])   # doctest: +SKIP
    [0.09, 0.245, 0.665]
    """
    x = to_float(x, "softmax")
    return bind("softmax", x, axes=_axes(x, axis, "softmax"), op="softmax")


def log_softmax(x: Any, axis: int | Sequence[int] = -1) -> Any:
    """``x - logsumexp(x, axis)``."""
    x = to_float(x, "log_softmax")
    return bind("log_softmax", x, axes=_axes(x, axis, "log_softmax"), op="log_softmax")


def sparsemax(x: Any, axis: int = -1) -> Any:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis`` (sparse probabilities):
    ``max(x - tau, 0)`` with ``tau = (sum of the k largest - 1) / k`` for the largest k that keeps them positive.

    >>> sparsemax([0.43, -0.49, 1.21, -1.30])   # doctest: +SKIP
    [0.11, 0., 0.89, 0.]
    """
    op = "sparsemax"
    x = to_float(x, op)
    t = type_of(x)
    ax = normalize_axis(axis, t.ndim, op)
    ranked = bind("sort", x, dimension=ax, descending=True, op=op)[0]
    cums = bind("cumsum", ranked, axis=ax, op=op)
    rank = L.add(L.iota(t.dtype, t.shape, ax, op), 1, op)
    support = binary("gt", L.add(L.mul(rank, ranked, op), 1, op), cums, op)  # 1 + k z_(k) > sum_{j<=k} z_(j)
    k = L.reduce("reduce_sum", convert(support, t.dtype, op), (ax,), op, keepdims=True)
    kept_sum = L.reduce("reduce_sum", L.where(support, ranked, 0.0, op), (ax,), op, keepdims=True)
    tau = L.true_divide(L.sub(kept_sum, 1, op), k, op)
    return L.maximum(L.sub(x, tau, op), 0, op)


# ---- encodings -----------------------------------------------------------------------------------------------

def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Any:
    """A new axis of size ``num_classes`` with 1 at each label; labels outside ``[0, num_classes)`` give zeros.

    >>> one_hot([0, 2], 3)   # doctest: +SKIP
    [[1., 0., 0.], [0., 0., 1.]]
    """
    op = "one_hot"
    if sparse:
        raise HornetError(f"{op}: sparse=True is not supported (hornet tensors are dense)")
    hot = _one_hot_mask(x, num_classes, axis, op)
    return convert(hot, DEFAULT_FLOAT if dtype is None else to_dtype(dtype), op)


def _one_hot_mask(x: Any, num_classes: int, axis: int, op: str) -> Any:
    x = as_tensor(x)
    t = type_of(x)
    ax = normalize_axis(axis, t.ndim + 1, op)
    out_shape = t.shape[:ax] + (int(num_classes),) + t.shape[ax:]
    labels = L.broadcast_in_dim(x, out_shape, [i for i in range(t.ndim + 1) if i != ax], op)
    classes = L.iota(t.dtype, out_shape, ax, op)
    return bind("eq", labels, classes, op=op)


def multi_hot(inputs: Any, num_classes: int | None = None, axis: int = -1, dtype: Any = None,
              sparse: bool = False, **kwargs: Any) -> Any:
    """One-hot encode, then merge the labels of each sample (axis 1 of a batch, axis 0 of a single vector).

    >>> multi_hot([0, 4], num_classes=5)   # doctest: +SKIP
    [1., 0., 0., 0., 1.]
    """
    op = "multi_hot"
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise HornetError(f"{op}: argument num_classes must be specified")
    if sparse:
        raise HornetError(f"{op}: sparse=True is not supported (hornet tensors are dense)")
    x = convert(inputs, DType.int32, op)
    merged_axis = 1 if type_of(x).ndim > 1 else 0
    hot = L.reduce("reduce_or", _one_hot_mask(x, num_classes, axis, op), (merged_axis,), op)
    return convert(hot, DEFAULT_FLOAT if dtype is None else to_dtype(dtype), op)


# ---- metrics -------------------------------------------------------------------------------------------------

def psnr(x1: Any, x2: Any, max_val: Any) -> Any:
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mean((x1 - x2)^2))``; a 0-d tensor."""
    op = "psnr"
    x1, x2 = as_tensor(x1), as_tensor(x2)
    s1, s2 = type_of(x1).shape, type_of(x2).shape
    if s1 != s2:
        raise ShapeError(f"{op}: input shapes {fmt_shape(s1)} and {fmt_shape(s2)} must match")
    diff = L.sub(to_float(x1, op), to_float(x2, op), op)
    mse = L.mean(L.square(diff, op), tuple(range(len(s1))), op)
    d = type_of(diff).dtype
    top = unary("log", as_tensor(max_val, d), op)
    ratio = L.sub(L.mul(top, 20.0, op), L.mul(unary("log", mse, op), 10.0, op), op)
    return L.true_divide(ratio, math.log(10.0), op)
