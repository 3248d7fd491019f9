"""Products with ``keras.ops`` names and NumPy semantics, each lowered to one ``dot_general`` where possible:
matmul, dot, vdot, inner, outer, tensordot, kron, cross, correlate, cdist.

Result dtypes follow promotion (``int8 @ int8`` accumulates to int32, as Keras); bool products are logical.

>>> from hornet import ops
>>> ops.matmul(np.ones((5, 2, 3), "float32"), np.ones((3, 4), "float32")).shape   # doctest: +SKIP
(5, 2, 4)
"""
from __future__ import annotations

from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import (as_tensor, bind, broadcast_shapes, broadcast_to, convert, finish, fmt_shape,
                                 normalize_axis, type_of, unary)
from hornet.ir.dtypes import DType, dtype as to_dtype, result_type
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.symbolic import Dim, dim_add, dim_mul, dim_sub, dims_equal, is_symbolic

__all__ = ["matmul", "dot", "vdot", "inner", "outer", "tensordot", "kron", "cross", "correlate", "cdist"]


def promote(x1: Any, x2: Any, op: str, *, int8_accumulates: bool = False) -> tuple[Any, Any, DType | None]:
    """Both operands in their promoted dtype, and the preferred element type (int32 for int8 @ int8)."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    d1, d2 = type_of(x1).dtype, type_of(x2).dtype
    d = result_type(d1, d2)
    preferred = DType.int32 if int8_accumulates and d1 == d2 == DType.int8 else None
    return convert(x1, d, op), convert(x2, d, op), preferred


def _mismatch(op: str, what1: str, s1: tuple, what2: str, s2: tuple, d1: Dim, d2: Dim) -> ShapeError:
    return ShapeError(f"{op}: {what1} of x1 (shape {fmt_shape(s1)}) is {d1} but {what2} of x2 (shape {fmt_shape(s2)}) "
                      f"is {d2}; they must be equal")


def matmul(x1: Any, x2: Any) -> Any:
    """Matrix product with NumPy semantics: 1-D operands are vectors (the added axis is removed again) and the
    leading (batch) dims broadcast.

    >>> matmul(np.ones((2, 3)), np.ones(3)).shape   # doctest: +SKIP
    (2,)
    """
    op = "matmul"
    x1, x2, preferred = promote(x1, x2, op, int8_accumulates=True)
    s1, s2 = type_of(x1).shape, type_of(x2).shape
    if not s1 or not s2:
        raise ShapeError(f"{op}: operands must be at least 1-D, got shapes {fmt_shape(s1)} and {fmt_shape(s2)}")
    k2_axis = len(s2) - 2 if len(s2) >= 2 else 0
    if not dims_equal(s1[-1], s2[k2_axis]):
        raise _mismatch(op, "the last dim", s1, "the " + ("second-to-last dim" if len(s2) >= 2 else "length"), s2,
                        s1[-1], s2[k2_axis])
    if len(s2) <= 2 or len(s1) == 1:
        # x1's leading dims (or x2's, for a vector x1) come out in matmul's order without batch dims
        return L.dot_general(x1, x2, ((len(s1) - 1,), (k2_axis,)), op, preferred=preferred)
    batch = broadcast_shapes(s1[:-2], s2[:-2], op=op)
    x1 = broadcast_to(x1, batch + s1[-2:], op)
    x2 = broadcast_to(x2, batch + s2[-2:], op)
    nb = len(batch)
    b = tuple(range(nb))
    return L.dot_general(x1, x2, ((nb + 1,), (nb,)), op, batch=(b, b), preferred=preferred)


def _scale(x1: Any, x2: Any, op: str) -> Any:
    """The product when an operand is 0-d: elementwise multiplication."""
    return finish(L.mul(x1, x2, op))


def dot(x1: Any, x2: Any) -> Any:
    """``numpy.dot``: scalars multiply; otherwise the last axis of x1 meets the last (1-D x2) or second-to-last
    axis of x2, and the free dims of both are kept.

    >>> dot(np.ones((2, 3)), np.ones((4, 3, 5))).shape   # doctest: +SKIP
    (2, 4, 5)
    """
    op = "dot"
    x1, x2, _ = promote(x1, x2, op)
    s1, s2 = type_of(x1).shape, type_of(x2).shape
    if not s1 or not s2:
        return _scale(x1, x2, op)
    k2 = 0 if len(s2) == 1 else len(s2) - 2
    if not dims_equal(s1[-1], s2[k2]):
        raise _mismatch(op, "the last dim", s1, "the " + ("length" if len(s2) == 1 else "second-to-last dim"), s2,
                        s1[-1], s2[k2])
    return L.dot_general(x1, x2, ((len(s1) - 1,), (k2,)), op)


def vdot(x1: Any, x2: Any) -> Any:
    """Dot product of the flattened operands (a 0-d result).

    >>> vdot(np.array([[1, 2], [3, 4]]), np.array([[1, 1], [1, 1]]))   # doctest: +SKIP
    Array(10, dtype=int64)
    """
    op = "vdot"
    x1, x2, _ = promote(x1, x2, op)
    n1, n2 = type_of(x1).size, type_of(x2).size
    if not dims_equal(n1, n2):
        raise ShapeError(f"{op}: operands have {n1} and {n2} elements (shapes {fmt_shape(type_of(x1).shape)} and "
                         f"{fmt_shape(type_of(x2).shape)}); they must have the same size")
    return L.dot_general(L.reshape(x1, (n1,), op), L.reshape(x2, (n2,), op), ((0,), (0,)), op)


def inner(x1: Any, x2: Any) -> Any:
    """Sum over the last axes of both operands (scalars multiply); output ``x1.shape[:-1] + x2.shape[:-1]``."""
    op = "inner"
    x1, x2, _ = promote(x1, x2, op)
    s1, s2 = type_of(x1).shape, type_of(x2).shape
    if not s1 or not s2:
        return _scale(x1, x2, op)
    if not dims_equal(s1[-1], s2[-1]):
        raise _mismatch(op, "the last dim", s1, "the last dim", s2, s1[-1], s2[-1])
    return L.dot_general(x1, x2, ((len(s1) - 1,), (len(s2) - 1,)), op)


def outer(x1: Any, x2: Any) -> Any:
    """Outer product of the flattened operands, shape ``(x1.size, x2.size)``.

    >>> outer(np.array([1, 2]), np.array([1, 10, 100])).shape   # doctest: +SKIP
    (2, 3)
    """
    op = "outer"
    x1, x2, _ = promote(x1, x2, op)
    a = L.reshape(x1, (type_of(x1).size,), op)
    b = L.reshape(x2, (type_of(x2).size,), op)
    return L.dot_general(a, b, ((), ()), op)


def _tensordot_axes(axes: Any, n1: int, n2: int, op: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if isinstance(axes, int) or (hasattr(axes, "ndim") and getattr(axes, "ndim") == 0):
        n = int(axes)
        if n < 0 or n > min(n1, n2):
            raise ShapeError(f"{op}: axes={n} must be in [0, {min(n1, n2)}] for operands of rank {n1} and {n2}")
        return tuple(range(n1 - n, n1)), tuple(range(n))
    try:
        a1, a2 = axes
    except (TypeError, ValueError):
        raise ShapeError(f"{op}: axes must be an int or a pair of axis lists, got {axes!r}") from None
    a1 = (a1,) if isinstance(a1, int) else tuple(a1)
    a2 = (a2,) if isinstance(a2, int) else tuple(a2)
    if len(a1) != len(a2):
        raise ShapeError(f"{op}: axes {a1} and {a2} must have the same length")
    return (tuple(normalize_axis(int(a), n1, op) for a in a1), tuple(normalize_axis(int(a), n2, op) for a in a2))


def tensordot(x1: Any, x2: Any, axes: Any = 2) -> Any:
    """Contract ``axes`` (an int N: the last N of x1 with the first N of x2; or two axis lists); the output
    holds x1's free dims then x2's.

    >>> tensordot(np.ones((2, 3, 4)), np.ones((3, 4, 5))).shape   # doctest: +SKIP
    (2, 5)
    """
    op = "tensordot"
    x1, x2, _ = promote(x1, x2, op)
    s1, s2 = type_of(x1).shape, type_of(x2).shape
    c1, c2 = _tensordot_axes(axes, len(s1), len(s2), op)
    for a, b in zip(c1, c2):
        if not dims_equal(s1[a], s2[b]):
            raise _mismatch(op, f"axis {a}", s1, f"axis {b}", s2, s1[a], s2[b])
    return L.dot_general(x1, x2, (c1, c2), op)


def kron(x1: Any, x2: Any) -> Any:
    """Kronecker product: blocks of ``x2`` scaled by each element of ``x1`` (ranks padded with leading 1s).

    >>> kron(np.eye(2), np.ones((2, 2))).shape   # doctest: +SKIP
    (4, 4)
    """
    op = "kron"
    x1, x2, _ = promote(x1, x2, op)
    s1, s2 = type_of(x1).shape, type_of(x2).shape
    n = max(len(s1), len(s2))
    s1, s2 = (1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2
    x1, x2 = L.reshape(x1, s1, op), L.reshape(x2, s2, op)
    prod = L.dot_general(x1, x2, ((), ()), op)  # x1 dims then x2 dims
    interleaved = L.transpose(prod, [j for i in range(n) for j in (i, n + i)], op)
    return L.reshape(interleaved, tuple(dim_mul(a, b) for a, b in zip(s1, s2)), op)


def _components(x: Any, axis: int, op: str) -> tuple[Any, int]:
    """The 2 or 3 components of vectors along ``axis`` (each without that axis), and their count."""
    s = type_of(x).shape
    n = s[axis]
    if n not in (2, 3):
        raise ShapeError(f"cross: vectors must have 2 or 3 components, got {n} along axis {axis} of shape "
                         f"{fmt_shape(s)}")
    rest = s[:axis] + s[axis + 1:]
    parts = [L.reshape(L.slice_axis(x, axis, i, i + 1, op), rest, op) for i in range(n)]
    if n == 2:
        parts.append(L.full(0, rest, type_of(x).dtype, op))
    return tuple(parts), n


def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> Any:
    """Cross product of 2- or 3-component vectors along ``axisa``/``axisb`` (``axis`` sets all three); the
    other dims broadcast. Two 2-D vectors give the z component only.

    >>> cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))   # doctest: +SKIP
    Array([0., 0., 1.])
    """
    op = "cross"
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2, _ = promote(x1, x2, op)
    if type_of(x1).dtype.is_bool:
        raise DTypeError(f"{op}: bool vectors have no cross product; cast them to a number dtype")
    (a0, a1, a2), na = _components(x1, normalize_axis(axisa, type_of(x1).ndim, op), op)
    (b0, b1, b2), nb = _components(x2, normalize_axis(axisb, type_of(x2).ndim, op), op)

    def det2(p: Any, q: Any, r: Any, s: Any) -> Any:
        return L.sub(L.mul(p, q, op), L.mul(r, s, op), op)

    z = det2(a0, b1, a1, b0)
    if na == nb == 2:
        return finish(z)
    comps = [det2(a1, b2, a2, b1), det2(a2, b0, a0, b2), z]
    shape = broadcast_shapes(*(type_of(c).shape for c in comps), op=op)
    stacked = bind("concatenate", *(L.reshape(broadcast_to(c, shape, op), shape + (1,), op) for c in comps),
                   dimension=len(shape), op=op)
    return L.move_axis(stacked, len(shape), normalize_axis(axisc, len(shape) + 1, op), op)


# correlate: result dtype by operand dtype (int64 -> float64; otherwise float32 unless half or double)
_CORRELATE_DTYPE = {DType.int64: DType.float64, DType.float16: DType.float16, DType.bfloat16: DType.bfloat16,
                    DType.float64: DType.float64}


def correlate(x1: Any, x2: Any, mode: str = "valid") -> Any:
    """Cross-correlation of two 1-D sequences, ``c[k] = sum_n x1[n + k] * x2[n]``, with ``mode`` valid, same or
    full (as ``numpy.correlate``). The result is floating point.

    >>> correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]))   # doctest: +SKIP
    Array([3.5])
    """
    op = "correlate"
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"{op}: mode must be 'valid', 'same' or 'full', got {mode!r}")
    x1, x2 = as_tensor(x1), as_tensor(x2)
    s1, s2 = type_of(x1).shape, type_of(x2).shape
    if len(s1) != 1 or len(s2) != 1:
        raise ShapeError(f"{op}: both operands must be 1-D, got shapes {fmt_shape(s1)} and {fmt_shape(s2)}")
    d = to_dtype(result_type(type_of(x1).dtype, type_of(x2).dtype))
    d = _CORRELATE_DTYPE.get(d, DType.float32)
    x1, x2 = convert(x1, d, op), convert(x2, d, op)
    n, m = s1[0], s2[0]
    if is_symbolic(m) or (is_symbolic(n) and mode != "valid"):
        raise ShapeError(f"{op}: mode {mode!r} needs static lengths, got shapes {fmt_shape(s1)} and {fmt_shape(s2)}")
    if not is_symbolic(n) and m > n:
        # numpy swaps the operands and reverses the result
        return bind("rev", _correlate(x2, x1, m, n, mode, op), dimensions=(0,), op=op)
    return _correlate(x1, x2, n, m, mode, op)


def _correlate(x1: Any, x2: Any, n: Dim, m: int, mode: str, op: str) -> Any:
    """Correlation with len(x1) = n >= len(x2) = m, as a 1-channel convolution (conv_general is a correlation)."""
    pad = {"valid": (0, 0), "full": (m - 1, m - 1), "same": (m // 2, m - 1 - m // 2)}[mode]
    out = bind("conv_general", L.reshape(x1, (1, 1, n), op), L.reshape(x2, (1, 1, m), op), window_strides=(1,),
               padding=(pad,), lhs_dilation=(1,), rhs_dilation=(1,), feature_group_count=1,
               preferred_element_type=None, op=op)
    length = dim_add(dim_sub(n, m), 1 + pad[0] + pad[1])
    return L.reshape(out, (length,), op)


def cdist(x: Any, y: Any) -> Any:
    """Pairwise Euclidean distances between the rows of ``x`` (..., m, d) and ``y`` (..., n, d): (..., m, n);
    batch dims broadcast.

    >>> cdist(np.zeros((2, 3)), np.ones((4, 3))).shape   # doctest: +SKIP
    (2, 4)
    """
    op = "cdist"
    x, y = as_tensor(x), as_tensor(y)
    sx, sy = type_of(x).shape, type_of(y).shape
    if len(sx) < 2 or len(sy) < 2:
        raise ShapeError(f"{op}: inputs must have rank >= 2, got shapes {fmt_shape(sx)} and {fmt_shape(sy)}")
    if not dims_equal(sx[-1], sy[-1]):
        raise _mismatch(op, "the last dim", sx, "the last dim", sy, sx[-1], sy[-1])
    d = result_type(type_of(x).dtype, type_of(y).dtype, 1.0)
    x = L.reshape(convert(x, d, op), sx[:-1] + (1, sx[-1]), op)
    y = L.reshape(convert(y, d, op), sy[:-2] + (1,) + sy[-2:], op)
    diff = L.sub(x, y, op, dtype=d)
    sq = L.reduce("reduce_sum", L.mul(diff, diff, op), (len(type_of(diff).shape) - 1,), op)
    return unary("sqrt", sq, op)

