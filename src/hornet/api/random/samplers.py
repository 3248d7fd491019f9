"""Samplers on raw keys, computing what ``jax.random`` computes with the threefry2x32 implementation.

Each public function takes a raw ``uint32[2]`` key first (``threefry.key(seed)``, ``split``, ``fold_in``).
On the JAX backend every result is bit-identical to ``jax.random``. On any backend, integers, booleans,
permutations and ``uniform`` on [0, 1) are bit-identical too; floats that go through a multiply-add (XLA
contracts it into one FMA, NumPy rounds twice) or through erfinv/log (each backend's own rounding) agree to
the dtype's precision.

>>> k = threefry.key(0)                                      # doctest: +SKIP
>>> uniform(k, (2, 3), "float32", 0.0, 1.0)                # == jax.random.uniform(k, (2, 3))
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import ml_dtypes
import numpy as np

from hornet.api.ops import core
from hornet.api.random.staging import staged
from hornet.api.random.threefry import U32, bits32, bits_pair, check_key, normalize_shape, split_keys
from hornet.ir.dtypes import DEFAULT_FLOAT, DType, dtype as to_dtype
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.symbolic import Dim, is_symbolic, shape_size
from hornet.runtime.bind import bind

# float dtype -> (random bits used, mantissa bits, the bit pattern of 1.0, integer type of that width)
_LAYOUT = {
    DType.float16: (16, 10, 0x3C00, DType.int16),
    DType.bfloat16: (8, 7, 0x3F80, DType.int16),  # fewer than 8 mantissa bits: JAX draws 8 bits
    DType.float32: (32, 23, 0x3F800000, DType.uint32),
}
_F64_ONE = 0x3FF0000000000000


def float_dtype(dtype: Any, op: str) -> DType:
    """``dtype`` (None: the default float) checked to be a float type."""
    d = DEFAULT_FLOAT if dtype is None else to_dtype(dtype)
    if not d.is_floating:
        raise DTypeError(f"{op}: dtype must be a float type, got {d}")
    return d


def finfo(d: DType) -> Any:
    return ml_dtypes.finfo(d.np)


def _c(value: Any, d: DType) -> np.ndarray:
    return np.asarray(value, dtype=d.np)


def _arith(prim: str, x: Any, y: Any, d: DType, op: str) -> Any:
    return core.binary(prim, x, y, op, dtype=d)


def _operand(x: Any, d: DType, op: str) -> Any:
    """A tensor argument converted to ``d``; Python numbers become NumPy scalars of ``d``."""
    return core.convert(x, d, op) if core.is_tensor(x) else _c(x, d)


# ----------------------------------------------------------------------------------------------------- uniform


def unit_floats(key: Any, shape: Sequence[Dim], d: DType, op: str) -> Any:
    """Floats in [1, 2): random mantissa bits under the exponent of 1.0 (bit-identical to JAX)."""
    b1, b2 = bits_pair(key, shape, op)
    if d is DType.float64:  # 64 random bits hi:lo; the top 52 become the mantissa
        hi = bind("shift_left", core.convert(b1, DType.int64, op), core.broadcast_to(np.int64(20), shape, op), op=op)
        lo = core.convert(bind("shift_right_logical", b2, core.broadcast_to(np.uint32(12), shape, op), op=op),
                          DType.int64, op)
        mant = bind("or", hi, lo, op=op)
        pattern = bind("or", mant, core.broadcast_to(np.int64(_F64_ONE), shape, op), op=op)
        return bind("bitcast_convert", pattern, new_dtype=d, op=op)
    if d not in _LAYOUT:
        raise DTypeError(f"{op}: unsupported float dtype {d}")
    nrand, nmant, one, int_type = _LAYOUT[d]
    x = bind("xor", b1, b2, op=op)
    if nrand < 32:
        x = bind("and", x, core.broadcast_to(np.uint32(2 ** nrand - 1), shape, op), op=op)
    x = bind("shift_right_logical", x, core.broadcast_to(np.uint32(nrand - nmant), shape, op), op=op)
    x = bind("or", x, core.broadcast_to(np.uint32(one), shape, op), op=op)
    return bind("bitcast_convert", core.convert(x, int_type, op), new_dtype=d, op=op)


def _uniform(key: Any, minval: Any, maxval: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    op = "uniform"
    floats = _arith("sub", unit_floats(key, shape, dtype, op), 1, dtype, op)
    minval, maxval = core.convert(minval, dtype, op), core.convert(maxval, dtype, op)
    scaled = _arith("add", _arith("mul", floats, _arith("sub", maxval, minval, dtype, op), dtype, op),
                    minval, dtype, op)
    return _arith("max", core.broadcast_to(minval, shape, op), scaled, dtype, op)


def uniform(key: Any, shape: Any = (), dtype: Any = None, minval: Any = 0.0, maxval: Any = 1.0) -> Any:
    """Floats in [minval, maxval), as ``jax.random.uniform`` (bit-identical).

    >>> uniform(threefry.key(0), (3,), "float32")         # doctest: +SKIP
    """
    d = float_dtype(dtype, "uniform")
    return staged(_uniform, check_key(key, "uniform"), _operand(minval, d, "uniform"),
                  _operand(maxval, d, "uniform"), shape=normalize_shape(shape, "uniform"), dtype=d)


# ------------------------------------------------------------------------------------------------------ normal


def _normal(key: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    lo = np.nextafter(_c(-1.0, dtype), _c(0.0, dtype))
    u = _uniform(key, lo, _c(1.0, dtype), shape=shape, dtype=dtype)
    return _arith("mul", _c(math.sqrt(2), dtype), bind("erfinv", u, op="normal"), dtype, "normal")


def normal(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Standard normal samples: sqrt(2) erfinv(u) with u uniform in (-1, 1), as ``jax.random.normal``.

    >>> normal(threefry.key(0), (3,))                      # doctest: +SKIP
    """
    d = float_dtype(dtype, "normal")
    return staged(_normal, check_key(key, "normal"), shape=normalize_shape(shape, "normal"), dtype=d)


def _truncated_normal(key: Any, lower: Any, upper: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    op = "truncated_normal"
    sqrt2 = _c(math.sqrt(2), dtype)
    a = bind("erf", _arith("div", lower, sqrt2, dtype, op), op=op)
    b = bind("erf", _arith("div", upper, sqrt2, dtype, op), op=op)
    u = _uniform(key, a, b, shape=shape, dtype=dtype)
    out = _arith("mul", sqrt2, bind("erfinv", u, op=op), dtype, op)
    # rounding (or u == a) could land on a bound: clamp into the open interval (lower, upper)
    above = bind("nextafter", lower, core.broadcast_to(_c(np.inf, dtype), core.shape(lower), op), op=op)
    below = bind("nextafter", upper, core.broadcast_to(_c(-np.inf, dtype), core.shape(upper), op), op=op)
    return _arith("min", _arith("max", out, above, dtype, op), below, dtype, op)


def truncated_normal(key: Any, lower: Any, upper: Any, shape: Any = None, dtype: Any = None) -> Any:
    """Normal samples restricted to (lower, upper) by inverting the CDF, as ``jax.random.truncated_normal``.

    >>> truncated_normal(threefry.key(0), -2.0, 2.0, (3,))     # doctest: +SKIP
    """
    op = "truncated_normal"
    d = float_dtype(dtype, op)
    lower, upper = _operand(lower, d, op), _operand(upper, d, op)
    if shape is None:
        shape = core.broadcast_shapes(core.shape(lower), core.shape(upper), op=op)
    return staged(_truncated_normal, check_key(key, op), lower, upper, shape=normalize_shape(shape, op), dtype=d)


# ----------------------------------------------------------------------------------------- bernoulli, gumbel


def bernoulli(key: Any, p: Any = 0.5, shape: Any = None) -> Any:
    """Booleans that are True with probability ``p``: ``uniform < p``, as ``jax.random.bernoulli``."""
    op = "bernoulli"
    d = core.type_of(p).dtype if core.is_tensor(p) else DEFAULT_FLOAT
    if not d.is_floating:
        raise DTypeError(f"{op}: the probability must be a float, got {d}")
    p = _operand(p, d, op)
    shape = core.shape(p) if shape is None else normalize_shape(shape, op)
    return staged(_bernoulli, check_key(key, op), p, shape=tuple(shape), dtype=d)


def _bernoulli(key: Any, p: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    u = _uniform(key, _c(0.0, dtype), _c(1.0, dtype), shape=shape, dtype=dtype)
    return bind("lt", *core.operands(u, p, dtype=dtype, op="bernoulli"), op="bernoulli")


def _gumbel(key: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    op = "gumbel"
    u = _uniform(key, _c(finfo(dtype).tiny, dtype), _c(1.0, dtype), shape=shape, dtype=dtype)
    inner = bind("neg", bind("log", u, op=op), op=op)
    return bind("neg", bind("log", inner, op=op), op=op)


def gumbel(key: Any, shape: Any = (), dtype: Any = None) -> Any:
    """Standard Gumbel samples -log(-log(u)), as ``jax.random.gumbel`` (mode "low")."""
    d = float_dtype(dtype, "gumbel")
    return staged(_gumbel, check_key(key, "gumbel"), shape=normalize_shape(shape, "gumbel"), dtype=d)


def _categorical(key: Any, logits: Any, *, axis: int, shape: tuple[Dim, ...]) -> Any:
    op = "categorical"
    t = core.type_of(logits)
    batch = t.shape[:axis] + t.shape[axis + 1:]
    prefix = shape[:len(shape) - len(batch)]
    noise_shape = (*prefix, *shape[len(prefix):][:axis], t.shape[axis], *shape[len(prefix):][axis:])
    expanded = bind("reshape", logits, new_sizes=(1,) * len(prefix) + t.shape, op=op)
    scores = _arith("add", _gumbel(key, shape=noise_shape, dtype=t.dtype), expanded, t.dtype, op)
    return bind("argmax", scores, axis=len(prefix) + axis, index_dtype=DType.int32, op=op)


def categorical(key: Any, logits: Any, axis: int = -1, shape: Any = None) -> Any:
    """Indices drawn from softmax(logits) along ``axis`` by the Gumbel-max trick, as
    ``jax.random.categorical`` (with replacement). int32 indices of shape ``shape`` (default: logits without
    ``axis``); a longer ``shape`` adds leading sample dims.

    >>> categorical(threefry.key(0), np.log([[0.2, 0.8]]), shape=(5, 1))   # doctest: +SKIP
    """
    op = "categorical"
    logits = core.to_float(logits, op)
    t = core.type_of(logits)
    axis = core.normalize_axis(axis, t.ndim, op)
    batch = t.shape[:axis] + t.shape[axis + 1:]
    shape = batch if shape is None else normalize_shape(shape, op)
    if len(shape) < len(batch) or core.broadcast_shapes(shape[len(shape) - len(batch):], batch, op=op) != \
            tuple(shape[len(shape) - len(batch):]):
        raise ShapeError(f"{op}: shape {core.fmt_shape(shape)} must end with a shape the logits' batch shape "
                         f"{core.fmt_shape(batch)} broadcasts to")
    return staged(_categorical, check_key(key, op), logits, axis=axis, shape=tuple(shape))


# ----------------------------------------------------------------------------------------------- permutation


def shuffle_rounds(size: Dim) -> int:
    """Sort rounds with fresh 32-bit keys so that key collisions are unlikely (JAX's heuristic); a symbolic
    size gets the count for 2**31 elements."""
    n = 2 ** 31 if is_symbolic(size) else max(1, int(size))
    return int(np.ceil(3 * np.log(n) / np.log(2 ** 32 - 1)))


def _permutation(key: Any, x: Any, *, axis: int) -> Any:
    t = core.type_of(x)
    for _ in range(shuffle_rounds(shape_size(t.shape))):
        key, sub = split_keys(key, 2, "shuffle")
        _, x = bind("sort", bits32(sub, t.shape, "shuffle"), x, dimension=axis, num_keys=1, descending=False,
                    op="shuffle")
    return x


def permutation(key: Any, x: Any, axis: int = 0) -> Any:
    """``x`` with every 1-D slice along ``axis`` shuffled independently (sorting by random keys), as
    ``jax.random.permutation(key, x, axis, independent=True)``. An int ``x`` shuffles ``arange(x)``."""
    op = "shuffle"
    if isinstance(x, (int, np.integer)):
        x = np.arange(int(x), dtype=np.int32)
    x = core.as_tensor(x)
    nd = core.ndim(x)
    if nd == 0:
        raise ShapeError(f"{op}: x must be an int or have rank >= 1")
    return staged(_permutation, check_key(key, op), x, axis=core.normalize_axis(axis, nd, op))


# ---------------------------------------------------------------------------------------------------- randint


def _int_info(d: DType) -> np.iinfo:
    return np.iinfo(d.np)


def _clip_convert(x: Any, src: DType, d: DType, op: str) -> Any:
    """Integer ``x`` (dtype ``src``) clipped into ``d``'s range, then converted (no wrap-around)."""
    lo = max(_int_info(d).min, _int_info(src).min)
    hi = min(_int_info(d).max, _int_info(src).max)
    shape = core.shape(x)
    x = bind("clamp", core.broadcast_to(_c(lo, src), shape, op), x, core.broadcast_to(_c(hi, src), shape, op), op=op)
    return core.convert(x, d, op)


def _reinterpret(x: Any, d: DType, op: str) -> Any:
    """A 32-bit integer as the other signedness, bits kept."""
    return x if core.type_of(x).dtype is d else bind("bitcast_convert", x, new_dtype=d, op=op)


def _randint(key: Any, minval: Any, maxval: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    op = "randint"
    src = core.type_of(minval).dtype
    too_big = bind("gt", maxval, core.broadcast_to(_c(min(_int_info(dtype).max, _int_info(src).max), src),
                                                   core.shape(maxval), op), op=op)
    lo = core.broadcast_to(_clip_convert(minval, src, dtype, op), shape, op)
    hi = core.broadcast_to(_clip_convert(maxval, src, dtype, op), shape, op)
    too_big = core.broadcast_to(too_big, shape, op)
    k1, k2 = split_keys(key, 2, op)
    higher, lower = bits32(k1, shape, op), bits32(k2, shape, op)  # 64 random bits per value

    def u32(v: int) -> Any:
        return core.broadcast_to(np.uint32(v), shape, op)

    span = _reinterpret(bind("sub", hi, lo, op=op), U32, op)
    empty = bind("le", hi, lo, op=op)
    span = bind("select", empty, u32(1), span, op=op)  # maxval <= minval gives minval
    # maxval beyond the dtype: the span reaches one past the dtype's max (0 after wrapping = whole range)
    widen = bind("and", too_big, bind("not", empty, op=op), op=op)
    span = bind("select", widen, bind("add", span, u32(1), op=op), span, op=op)
    # A span of 0 is the whole 2**32 range; XLA's x % 0 == x then gives `lower`: spelled out, as the prims
    # leave a zero divisor undefined.
    whole = bind("eq", span, u32(0), op=op)
    span = bind("select", whole, u32(1), span, op=op)
    # (hi * 2**32 + lo) mod span from 32-bit pieces: 2**32 mod span = (2**16 mod span)**2 mod span
    mult = bind("rem", u32(2 ** 16), span, op=op)
    mult = bind("rem", bind("mul", mult, mult, op=op), span, op=op)
    offset = bind("add", bind("mul", bind("rem", higher, span, op=op), mult, op=op),
                  bind("rem", lower, span, op=op), op=op)
    offset = bind("select", whole, lower, bind("rem", offset, span, op=op), op=op)
    return bind("add", lo, _reinterpret(offset, dtype, op), op=op)


def randint(key: Any, shape: Any, minval: Any, maxval: Any, dtype: Any = "int32") -> Any:
    """Integers in [minval, maxval), as ``jax.random.randint`` (bit-identical for 8/16/32-bit dtypes; int64 is
    drawn as int32, as JAX does without 64-bit mode). ``maxval <= minval`` gives ``minval``.

    >>> randint(threefry.key(0), (4,), 0, 10)               # doctest: +SKIP
    """
    op = "randint"
    d = to_dtype(dtype)
    if not d.is_integer:
        raise DTypeError(f"{op}: dtype must be an integer type, got {d}")
    bounds = []
    for v in (minval, maxval):
        if core.is_tensor(v) or isinstance(v, np.ndarray):
            v = core.as_tensor(v)
            if not core.type_of(v).dtype.is_integer:
                v = core.convert(v, DType.int64, op)
        else:
            v = np.asarray(int(v), np.int32 if -2 ** 31 <= int(v) < 2 ** 31 else np.int64)
        bounds.append(v)
    # both bounds in one integer type that holds either
    src = DType.int64 if core.type_of(bounds[0]).dtype != core.type_of(bounds[1]).dtype else \
        core.type_of(bounds[0]).dtype
    bounds = [core.convert(v, src, op) for v in bounds]
    sample_dtype = d if d in (DType.int32, DType.uint32) else DType.int32
    if d.bits < 32:  # JAX samples narrow types in int32, with the bounds clipped to the narrow range
        info = _int_info(d)
        narrow = []
        for b, limit in zip(bounds, (info.max, info.max + 1)):
            b = core.convert(b, DType.int32, op)
            lo, hi = (core.broadcast_to(_c(v, DType.int32), core.shape(b), op) for v in (info.min, limit))
            narrow.append(bind("clamp", lo, b, hi, op=op))
        bounds = narrow
    shape = normalize_shape(shape, op)
    out = staged(_randint, check_key(key, op), *bounds, shape=shape, dtype=sample_dtype)
    return out if d is sample_dtype else core.convert(out, d, op)
