"""The linalg prims (tag "linalg"): cholesky, triangular_solve, qr, eigh, svd, lu. See CATALOGUE.md.

Operands are float matrices ``[..., m, n]`` batched over the leading dims.

>>> from hornet.ir.prims import PRIMITIVES, infer_types
>>> infer_types(PRIMITIVES["qr"], [TensorType("float32", ("batch", 5, 3))], {"full_matrices": False})
(float32[batch,5,3], float32[batch,3,3])
"""
from __future__ import annotations

from hornet.ir.dtypes import DType
from hornet.ir.errors import ShapeError
from hornet.ir.prims.registry import Attr, check, define
from hornet.ir.prims.shape_rules import require_float, same_dtype
from hornet.ir.symbolic import Dim, dim_sign, dim_sub, dims_equal, format_shape
from hornet.ir.types import TensorType

LINALG = ("linalg",)


def _matrix(x: TensorType, what: str = "operand") -> tuple[tuple[Dim, ...], Dim, Dim]:
    """(batch dims, m, n) of a float matrix operand."""
    require_float(x, what)
    check(x.ndim >= 2, f"{what} must be a matrix [..., m, n], got {x}")
    return x.shape[:-2], x.shape[-2], x.shape[-1]


def _square(x: TensorType, what: str = "operand") -> tuple[tuple[Dim, ...], Dim]:
    batch, m, n = _matrix(x, what)
    check(dims_equal(m, n), f"{what} must be square [..., n, n], got {x}")
    return batch, m


def _min_dim(m: Dim, n: Dim) -> Dim:
    if dims_equal(m, n):
        return m
    sign = dim_sign(dim_sub(n, m))
    if sign is None:
        raise ShapeError(f"min({m}, {n}) is not known statically")
    return m if sign == 1 else n


def _cholesky(x: TensorType) -> TensorType:
    _square(x)
    return x


def _triangular_solve(a: TensorType, b: TensorType, *, left_side, lower, transpose_a, unit_diagonal) -> TensorType:
    batch, m = _square(a, "a")
    b_batch, rows, cols = _matrix(b, "b")
    same_dtype(a, b)
    check(len(b_batch) == len(batch) and all(dims_equal(x, y) for x, y in zip(batch, b_batch)),
          f"batch dims of a {format_shape(batch)} and b {format_shape(b_batch)} differ")
    side, size = ("rows", rows) if left_side else ("columns", cols)
    check(dims_equal(size, m), f"b has {size} {side} but a is {m}x{m} (left_side={left_side})")
    return b


def _qr(x: TensorType, *, full_matrices) -> tuple[TensorType, TensorType]:
    batch, m, n = _matrix(x)
    k = m if full_matrices else _min_dim(m, n)
    return TensorType(x.dtype, batch + (m, k)), TensorType(x.dtype, batch + (k, n))


def _eigh(x: TensorType, *, lower) -> tuple[TensorType, TensorType]:
    batch, n = _square(x)
    return TensorType(x.dtype, batch + (n,)), x


def _svd(x: TensorType, *, full_matrices) -> tuple[TensorType, TensorType, TensorType]:
    batch, m, n = _matrix(x)
    k = _min_dim(m, n)
    u_cols, vh_rows = (m, n) if full_matrices else (k, k)
    return (TensorType(x.dtype, batch + (m, u_cols)), TensorType(x.dtype, batch + (k,)),
            TensorType(x.dtype, batch + (vh_rows, n)))


def _lu(x: TensorType) -> tuple[TensorType, TensorType, TensorType]:
    batch, m, n = _matrix(x)
    k = _min_dim(m, n)
    return x, TensorType(DType.int32, batch + (k,)), TensorType(DType.int32, batch + (m,))


_BOOL_FALSE = Attr("bool", default=False)
define("cholesky", _cholesky, num_inputs=1, tags=LINALG,
       doc="Lower-triangular L with L L^T = x (symmetric positive definite x; NaNs otherwise).")
define("triangular_solve", _triangular_solve, num_inputs=2, tags=LINALG,
       attrs={"left_side": Attr("bool", default=True), "lower": Attr("bool", default=True),
              "transpose_a": _BOOL_FALSE, "unit_diagonal": _BOOL_FALSE},
       doc="Solve op(a) @ x = b (left_side) or x @ op(a) = b, reading one triangle of a.")
define("qr", _qr, num_inputs=1, multiple_results=True, tags=LINALG, attrs={"full_matrices": _BOOL_FALSE},
       doc="(q, r) with q orthonormal columns and r upper triangular, q @ r = x.")
define("eigh", _eigh, num_inputs=1, multiple_results=True, tags=LINALG,
       attrs={"lower": Attr("bool", default=True)},
       doc="(eigenvalues ascending, eigenvectors as columns) of a symmetric matrix read from one triangle.")
define("svd", _svd, num_inputs=1, multiple_results=True, tags=LINALG, attrs={"full_matrices": _BOOL_FALSE},
       doc="(u, s, vh) as numpy.linalg.svd; s descending.")
define("lu", _lu, num_inputs=1, multiple_results=True, tags=LINALG,
       doc="(lu, pivots, permutation) of partial-pivoted LU: x[permutation] = L @ U.")
