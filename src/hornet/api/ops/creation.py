"""Creating tensors: fills, ranges, grids, triangles and window functions, with ``keras.ops`` names.

Ops without a tensor input run eagerly and return backend arrays (default dtype float32, as Keras);
``*_like``, ``tril``/``triu`` and ops given symbolic tensors record nodes and keep symbolic dims.

>>> from hornet import ops
>>> ops.zeros((2, 3)).shape, ops.arange(5).dtype, ops.eye(3, k=1).dtype      # doctest: +SKIP
((2, 3), dtype('int32'), dtype('float32'))
"""
from __future__ import annotations

import builtins
import math as pymath
from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import (as_tensor, binary, bind, constant, convert, convert_to_numpy, convert_to_tensor,
                                 finish, float_dtype, normalize_axis, operands, promoted, type_of)
from hornet.ir.dtypes import DEFAULT_FLOAT, DType, dtype as to_dtype
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, canonical_dim

__all__ = [
    "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like", "empty_like", "arange", "linspace",
    "logspace", "geomspace", "eye", "identity", "tri", "tril", "triu", "meshgrid", "vander", "bartlett",
    "blackman", "hamming", "hanning", "kaiser", "array",
]


def _shape(shape: Any) -> tuple[Dim, ...]:
    if isinstance(shape, (int, str)) or getattr(shape, "ndim", 1) == 0:
        shape = (shape,)
    return tuple(canonical_dim(d if isinstance(d, str) else int(d)) for d in shape)


def _dtype(dtype: Any) -> DType:
    return DEFAULT_FLOAT if dtype is None else to_dtype(dtype)


# --- fills --------------------------------------------------------------------------------------------------------

def zeros(shape: Any, dtype: Any = None) -> Any:
    """A tensor of zeros (float32 unless ``dtype``). ``zeros((2, 3))``."""
    return finish(L.full(0, _shape(shape), _dtype(dtype), "zeros"))


def ones(shape: Any, dtype: Any = None) -> Any:
    """A tensor of ones (float32 unless ``dtype``). ``ones((2, 3), "int32")``."""
    return finish(L.full(1, _shape(shape), _dtype(dtype), "ones"))


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Any:
    """A tensor of ``shape`` filled with ``fill_value`` (a scalar or a tensor broadcast to ``shape``), float32
    unless ``dtype``. ``full((2,), 7, "int32") -> [7, 7]``."""
    return finish(L.full(fill_value, _shape(shape), _dtype(dtype), "full"))


def empty(shape: Any, dtype: Any = None) -> Any:
    """A tensor of ``shape`` (its values are zeros). ``empty((2, 3))``."""
    return finish(L.full(0, _shape(shape), _dtype(dtype), "empty"))


def zeros_like(x: Any, dtype: Any = None) -> Any:
    """Zeros with ``x``'s shape (symbolic dims kept) and dtype unless ``dtype``. ``zeros_like(x)``."""
    return finish(L.full_like(as_tensor(x), 0, "zeros_like", dtype))


def ones_like(x: Any, dtype: Any = None) -> Any:
    """Ones with ``x``'s shape and dtype unless ``dtype``. ``ones_like(x, "int32")``."""
    return finish(L.full_like(as_tensor(x), 1, "ones_like", dtype))


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> Any:
    """``fill_value`` (cast to ``dtype``, default ``x``'s) with ``x``'s shape. ``full_like(x, 0.5)``."""
    return finish(L.full_like(as_tensor(x), fill_value, "full_like", dtype))


def empty_like(x: Any, dtype: Any = None) -> Any:
    """A tensor with ``x``'s shape and dtype unless ``dtype`` (its values are zeros)."""
    return finish(L.full_like(as_tensor(x), 0, "empty_like", dtype))


def array(x: Any, dtype: Any = None) -> Any:
    """A backend tensor of ``x``; Python floats become float32 and ints int32 unless ``dtype``.
    ``array([1., 2.]).dtype -> float32``."""
    return convert_to_tensor(x, dtype)


# --- ranges -------------------------------------------------------------------------------------------------------

def _number(x: Any) -> Any:
    return x if isinstance(x, (bool, int, float)) else convert_to_numpy(x).item()


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Any:
    """``start, start + step, ...`` below ``stop``. The dtype follows the arguments (int32 for Python ints,
    float32 if any is a float). ``arange(1, 7, 2) -> [1, 3, 5]``."""
    op = "arange"
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    d = promoted(start, stop, step) if dtype is None else to_dtype(dtype)
    lo, hi, st = _number(start), _number(stop), _number(step)
    if st == 0:
        raise ValueError(f"{op}: step must not be zero")
    n = builtins.max(pymath.ceil((hi - lo) / st), 0)
    c = d if d.is_integer or d in (DType.float32, DType.float64) else DEFAULT_FLOAT
    out = binary("add", binary("mul", L.iota(c, (n,), 0, op), constant(st, c), op=op), constant(lo, c), op=op)
    return convert(out, d, op)


def _linspace(start: Any, stop: Any, num: int, endpoint: bool, axis: int, c: DType, op: str):
    """(values, index along the new axis, a broadcaster to the output shape, step), computed in dtype ``c``."""
    if num < 0:
        raise ValueError(f"{op}: num must be non-negative, got {num}")
    s, e = operands(start, stop, dtype=c, op=op)
    base = type_of(s).shape
    ax = normalize_axis(axis, len(base) + 1, op)
    shape = (*base[:ax], num, *base[ax:])
    dims = tuple(i for i in range(len(shape)) if i != ax)

    def spread(v: Any) -> Any:
        return bind("broadcast_in_dim", v, shape=shape, broadcast_dimensions=dims, op=op)

    idx = L.iota(c, shape, ax, op)
    div = num - 1 if endpoint else num
    delta = bind("sub", e, s, op=op)
    out = bind("add", spread(s), bind("mul", idx, spread(binary("div", delta, builtins.max(div, 1), op=op)), op=op),
               op=op)
    if endpoint and num > 1:
        out = L.where(binary("eq", idx, num - 1, op=op), spread(e), out, op)
    step = binary("div", delta, div if div > 0 else float("nan"), op=op)  # NaN with a single sample, as NumPy
    return out, idx, spread, step


def _compute_dtype(d: DType) -> DType:
    return d if d in (DType.float32, DType.float64) else DEFAULT_FLOAT


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop`` (array endpoints broadcast; the new axis is
    ``axis``). Integer dtypes floor the values. ``linspace(0, 1, 5) -> [0., 0.25, 0.5, 0.75, 1.]``."""
    op = "linspace"
    d = float_dtype(promoted(start, stop)) if dtype is None else to_dtype(dtype)
    c = _compute_dtype(d)
    out, _, _, step = _linspace(start, stop, int(num), endpoint, axis, c, op)
    if d.is_integer:
        out = bind("floor", out, op=op)
    out = convert(out, d, op)
    return (out, step) if retstep else out


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10, dtype: Any = None,
             axis: int = 0) -> Any:
    """``base ** linspace(start, stop, ...)``. ``logspace(0, 2, 3) -> [1., 10., 100.]``."""
    op = "logspace"
    d = float_dtype(promoted(start, stop)) if dtype is None else to_dtype(dtype)
    c = _compute_dtype(d)
    exponents = _linspace(start, stop, int(num), endpoint, axis, c, op)[0]
    return convert(binary("pow", base, exponents, op=op, dtype=c), d, op)


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Any:
    """A geometric progression from ``start`` to ``stop`` (both nonzero, of one sign).
    ``geomspace(1, 1000, 4) -> [1., 10., 100., 1000.]``."""
    op = "geomspace"
    d = float_dtype(promoted(start, stop)) if dtype is None else to_dtype(dtype)
    c = _compute_dtype(d)
    s, e = operands(start, stop, dtype=c, op=op)
    logs = [binary("mul", bind("log", bind("abs", v, op=op), op=op), 1 / pymath.log(10), op=op) for v in (s, e)]
    exponents, idx, spread, _ = _linspace(logs[0], logs[1], int(num), endpoint, axis, c, op)
    s_b, e_b = spread(s), spread(e)
    out = bind("mul", bind("sign", s_b, op=op), binary("pow", 10, exponents, op=op), op=op)
    out = L.where(binary("eq", idx, 0, op=op), s_b, out, op)  # exact endpoints
    if endpoint and num > 1:
        out = L.where(binary("eq", idx, int(num) - 1, op=op), e_b, out, op)
    return convert(out, d, op)


# --- matrices -----------------------------------------------------------------------------------------------------

def _rows_cols(n: Dim, m: Dim, op: str) -> tuple[Any, Any]:
    shape = (n, m)
    return (L.iota(DType.int32, shape, 0, op), L.iota(DType.int32, shape, 1, op))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Any:
    """Ones on the ``k``-th diagonal of an N x M matrix. ``eye(2) -> [[1., 0.], [0., 1.]]``."""
    op = "eye"
    rows, cols = _rows_cols(int(N), int(N if M is None else M), op)
    return convert(bind("eq", cols, binary("add", rows, int(k), op=op), op=op), _dtype(dtype), op)


def identity(n: int, dtype: Any = None) -> Any:
    """The n x n identity matrix. ``identity(3)``."""
    op = "identity"
    rows, cols = _rows_cols(int(n), int(n), op)
    return convert(bind("eq", rows, cols, op=op), _dtype(dtype), op)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Any:
    """Ones at and below the ``k``-th diagonal. ``tri(2) -> [[1., 0.], [1., 1.]]``."""
    op = "tri"
    rows, cols = _rows_cols(int(N), int(N if M is None else M), op)
    return convert(bind("le", cols, binary("add", rows, int(k), op=op), op=op), _dtype(dtype), op)


def _triangle(x: Any, k: int, lower: bool, op: str) -> Any:
    x = as_tensor(x)
    t = type_of(x)
    if t.ndim < 2:
        raise ShapeError(f"{op}: needs a tensor of rank >= 2, got shape {t.shape}")
    rows, cols = _rows_cols(t.shape[-2], t.shape[-1], op)
    keep = bind("le" if lower else "ge", cols, binary("add", rows, int(k), op=op), op=op)
    return L.where(keep, x, constant(0, t.dtype), op)


def tril(x: Any, k: int = 0) -> Any:
    """``x`` with the elements above the ``k``-th diagonal zeroed (last two axes). ``tril(ones((2, 2)))``."""
    return _triangle(x, k, True, "tril")


def triu(x: Any, k: int = 0) -> Any:
    """``x`` with the elements below the ``k``-th diagonal zeroed (last two axes). ``triu(ones((2, 2)))``."""
    return _triangle(x, k, False, "triu")


def meshgrid(*x: Any, indexing: str = "xy") -> list[Any]:
    """Coordinate grids from 1-D tensors; ``indexing="xy"`` swaps the first two output axes (Cartesian),
    ``"ij"`` keeps them (matrix). ``meshgrid([1, 2, 3], [4, 5])[0].shape -> (2, 3)``."""
    op = "meshgrid"
    if indexing not in ("xy", "ij"):
        raise ValueError(f"{op}: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [as_tensor(v) for v in x]
    for i, v in enumerate(xs):
        if type_of(v).ndim != 1:
            raise ShapeError(f"{op}: input {i} must be 1-D, got shape {type_of(v).shape}")
    pos = list(range(len(xs)))
    if indexing == "xy" and len(xs) > 1:
        pos[0], pos[1] = 1, 0
    shape: list[Dim] = [0] * len(xs)
    for p, v in zip(pos, xs):
        shape[p] = type_of(v).shape[0]
    return [bind("broadcast_in_dim", v, shape=tuple(shape), broadcast_dimensions=(p,), op=op)
            for p, v in zip(pos, xs)]


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:
    """The Vandermonde matrix of a 1-D ``x``: columns ``x ** (N-1) ... x ** 0`` (reversed when
    ``increasing``). ``vander([1, 2, 3], 3) -> [[1, 1, 1], [4, 2, 1], [9, 3, 1]]``."""
    from hornet.api.ops.math import power

    op = "vander"
    x = as_tensor(x)
    t = type_of(x)
    if t.ndim != 1:
        raise ShapeError(f"{op}: x must be 1-D, got shape {t.shape}")
    n = t.shape[0]
    cols = n if N is None else int(N)
    shape = (n, cols)
    exponents = L.iota(DType.int32, shape, 1, op)
    if not increasing:
        exponents = bind("rev", exponents, dimensions=(1,), op=op)
    return power(bind("broadcast_in_dim", x, shape=shape, broadcast_dimensions=(0,), op=op), exponents)


# --- window functions (length M, float32) ------------------------------------------------------------------------

def _window(M: Any, op: str, body) -> Any:
    """``body(phase)`` with phase = 2*pi*k/(M-1) for k < M, float32; length 0 or 1 handled as NumPy does."""
    m = int(_number(M))
    if m < 1:
        return finish(L.full(0, (0,), DEFAULT_FLOAT, op))
    if m == 1:
        return finish(L.full(1, (1,), DEFAULT_FLOAT, op))
    k = L.iota(DEFAULT_FLOAT, (m,), 0, op)
    return body(binary("mul", k, 2 * pymath.pi / (m - 1), op=op), k, m)


def _cosine_window(M: Any, op: str, a0: float, a1: float, a2: float = 0.0) -> Any:
    def body(phase: Any, k: Any, m: int) -> Any:
        out = binary("sub", a0, binary("mul", bind("cos", phase, op=op), a1, op=op), op=op)
        if a2:
            out = binary("add", out, binary("mul", bind("cos", binary("mul", phase, 2, op=op), op=op), a2,
                                                op=op), op=op)
        return out

    return _window(M, op, body)


def hanning(x: Any) -> Any:
    """The Hann window of length ``x``. ``hanning(3) -> [0., 1., 0.]``."""
    return _cosine_window(x, "hanning", 0.5, 0.5)


def hamming(x: Any) -> Any:
    """The Hamming window of length ``x``. ``hamming(3) -> [0.08, 1., 0.08]``."""
    return _cosine_window(x, "hamming", 0.54, 0.46)


def blackman(x: Any) -> Any:
    """The Blackman window of length ``x``. ``blackman(3) -> [0., 1., 0.]``."""
    return _cosine_window(x, "blackman", 0.42, 0.5, 0.08)


def bartlett(x: Any) -> Any:
    """The triangular (Bartlett) window of length ``x``. ``bartlett(5) -> [0., 0.5, 1., 0.5, 0.]``."""
    op = "bartlett"

    def body(phase: Any, k: Any, m: int) -> Any:
        centred = binary("sub", binary("mul", k, 2 / (m - 1), op=op), 1, op=op)
        return binary("sub", 1, bind("abs", centred, op=op), op=op)

    return _window(x, op, body)


def kaiser(x: Any, beta: Any) -> Any:
    """The Kaiser window of length ``x`` and shape ``beta``: ``i0(beta * sqrt(1 - r**2)) / i0(beta)``.
    ``kaiser(3, 0.) -> [1., 1., 1.]``."""
    op = "kaiser"
    b = float(_number(beta))

    def body(phase: Any, k: Any, m: int) -> Any:
        r = binary("sub", binary("mul", k, 2 / (m - 1), op=op), 1, op=op)
        arg = binary("mul", bind("sqrt", binary("sub", 1, bind("mul", r, r, op=op), op=op), op=op), b, op=op)
        return binary("div", _i0(arg, b, op), _i0_value(b), op=op)

    return _window(x, op, body)


def _i0_terms(z: float) -> int:
    """How many terms of the series of I0 reach float32 precision for arguments up to |z|."""
    q, term, total, j = (z / 2) ** 2, 1.0, 1.0, 0
    while term > 1e-9 * total and j < 500:
        j += 1
        term *= q / (j * j)
        total += term
    return j + 1


def _i0_value(z: float) -> float:
    q, term, total = (z / 2) ** 2, 1.0, 1.0
    for j in range(1, _i0_terms(z)):
        term *= q / (j * j)
        total += term
    return total


def _i0(x: Any, bound: float, op: str) -> Any:
    """The modified Bessel function I0 of ``x`` (|x| <= bound) by its power series sum(((x/2)^2)^j / (j!)^2)."""
    q = binary("mul", bind("mul", x, x, op=op), 0.25, op=op)
    term = total = L.full_like(x, 1.0, op)
    for j in range(1, _i0_terms(bound)):
        term = bind("mul", term, binary("mul", q, 1.0 / (j * j), op=op), op=op)
        total = bind("add", total, term, op=op)
    return total
