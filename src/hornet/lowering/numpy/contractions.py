"""NumPy reference rules: contractions prims.

Operands are converted to the output dtype before multiplying, and the sums accumulate in it (float64 for any
float output, rounded once at the end), so integer results wrap exactly as XLA's do.

>>> a = np.arange(6, dtype=np.int8).reshape(2, 3)
>>> RULES["dot_general"](a, a, lhs_contracting=(1,), rhs_contracting=(1,), preferred_element_type="int32")
array([[ 5, 14],
       [14, 50]], dtype=int32)
"""
from __future__ import annotations

import string
from math import prod
from typing import Any, Callable

import numpy as np

from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.lowering.numpy.windows import dilate, pad, windows


def _accumulator(operand: Any, preferred: Any) -> tuple[DType, np.dtype]:
    """(output dtype, the NumPy dtype the products and sums are computed in)."""
    out = to_dtype(preferred) if preferred is not None else to_dtype(operand)
    return out, (np.dtype(np.float64) if out.is_floating else out.np)


def dot_general(lhs: np.ndarray, rhs: np.ndarray, *, lhs_contracting: tuple[int, ...],
                rhs_contracting: tuple[int, ...], lhs_batch: tuple[int, ...] = (), rhs_batch: tuple[int, ...] = (),
                preferred_element_type: Any = None) -> np.ndarray:
    """Transpose both operands to (batch, free, contracting) / (batch, contracting, free), flatten, matmul."""
    out, acc = _accumulator(lhs.dtype, preferred_element_type)
    lhs_free = [i for i in range(lhs.ndim) if i not in lhs_batch + lhs_contracting]
    rhs_free = [i for i in range(rhs.ndim) if i not in rhs_batch + rhs_contracting]
    batch = [lhs.shape[i] for i in lhs_batch]
    f = [lhs.shape[i] for i in lhs_free]
    g = [rhs.shape[i] for i in rhs_free]
    k = prod(lhs.shape[i] for i in lhs_contracting)
    a = lhs.astype(acc).transpose(*lhs_batch, *lhs_free, *lhs_contracting).reshape((*batch, prod(f), k))
    b = rhs.astype(acc).transpose(*rhs_batch, *rhs_contracting, *rhs_free).reshape((*batch, k, prod(g)))
    return np.matmul(a, b).reshape((*batch, *f, *g)).astype(out.np)


def conv_general(lhs: np.ndarray, rhs: np.ndarray, *, window_strides: tuple[int, ...],
                 padding: tuple[tuple[int, int], ...], lhs_dilation: tuple[int, ...], rhs_dilation: tuple[int, ...],
                 feature_group_count: int = 1, preferred_element_type: Any = None) -> np.ndarray:
    """Zero-insert (lhs_dilation), zero-pad or crop, take every strided rhs-dilated window, then one einsum per
    group: out[n, g, o, S] = sum_{c, K} window[n, g, c, S, K] * kernel[g, o, c, K]."""
    out, acc = _accumulator(lhs.dtype, preferred_element_type)
    nsp = lhs.ndim - 2
    axes = tuple(range(2, lhs.ndim))
    x = pad(dilate(lhs.astype(acc), axes, lhs_dilation, 0), axes, padding, 0)
    view = windows(x, axes, rhs.shape[2:], window_strides, rhs_dilation)  # (N, C, *S', *K)
    groups = feature_group_count
    n, c = lhs.shape[:2]
    o, kernel = rhs.shape[0], rhs.shape[2:]
    spatial = view.shape[2:2 + nsp]
    view = view.reshape((n, groups, c // groups, *spatial, *kernel))
    w = rhs.astype(acc).reshape((groups, o // groups, c // groups, *kernel))
    letters = iter(string.ascii_letters.replace("n", "").replace("g", "").replace("c", "").replace("o", ""))
    s = "".join(next(letters) for _ in range(nsp))
    k = "".join(next(letters) for _ in range(nsp))
    res = np.einsum(f"ngc{s}{k},goc{k}->ngo{s}", view, w, optimize=True)  # optimize: BLAS for floats
    return res.reshape((n, o, *spatial)).astype(out.np)


RULES: dict[str, Callable[..., Any]] = {
    "dot_general": dot_general,
    "conv_general": conv_general,
}
