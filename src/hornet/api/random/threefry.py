"""Threefry-2x32 (20 rounds) written with integer prims, and the key operations built on it.

Keys are raw ``uint32[2]`` tensors, as ``jax.random.key_data(jax.random.key(seed))``; every function here gives
the same bits as ``jax.random`` with the threefry2x32 implementation (partitionable mode, JAX's default).
The hash is plain uint32 arithmetic (add, xor, shifts), so it runs on every backend and, while tracing, becomes
ordinary graph nodes.

>>> k = key(0)                                   # doctest: +SKIP
>>> a, b = split(k)                              # two independent keys
>>> bits(a, (2, 3))                              # uint32[2, 3], equal to jax.random.bits(a, (2, 3))
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops import core
from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.symbolic import Dim, canonical_dim, is_symbolic, shape_size
from hornet.api.random.staging import staged
from hornet.ir.prims.registry import set_rule
from hornet.ir.prims.threefry_schedule import threefry_rounds
from hornet.runtime.bind import bind

U32 = DType.uint32
_MASK = 0xFFFFFFFF
_OP = "threefry2x32"


def _u32(value: int, shape: Sequence[Dim]) -> Any:
    return core.broadcast_to(np.asarray(value & _MASK, np.uint32), shape, op=_OP)


def _rotl(x: Any, r: int, shape: Sequence[Dim]) -> Any:
    left = bind("shift_left", x, _u32(r, shape), op=_OP)
    return bind("or", left, bind("shift_right_logical", x, _u32(32 - r, shape), op=_OP), op=_OP)


def check_key(key: Any, op: str = "random") -> Any:
    """``key`` as a uint32[2] operand; other integer keys of shape (2,) are converted (bits kept)."""
    key = core.as_tensor(key)
    t = core.type_of(key)
    if t.shape != (2,):
        raise ShapeError(f"{op}: a key is a uint32 tensor of shape (2,), got shape {core.fmt_shape(t.shape)}")
    if t.dtype is not U32:
        if not t.dtype.is_integer:
            raise DTypeError(f"{op}: a key must hold uint32 values, got {t.dtype}")
        key = core.convert(key, U32, op)
    return key


def key_words(key: Any, shape: Sequence[Dim]) -> tuple[Any, Any]:
    """The two words of a key, each broadcast to ``shape``."""
    words = []
    for i in range(2):
        w = bind("slice", key, start_indices=(i,), limit_indices=(i + 1,), strides=None, op=_OP)
        words.append(core.broadcast_to(bind("reshape", w, new_sizes=(), op=_OP), shape, op=_OP))
    return words[0], words[1]


def hash_pair(key: Any, x1: Any, x2: Any) -> tuple[Any, Any]:
    """The Threefry-2x32 block function on two uint32 count arrays of one shape: 20 rounds, key injection
    every 4 rounds. Returns the two output words (same shape as the counts)."""
    key = check_key(key, _OP)
    x1, x2 = core.as_tensor(x1), core.as_tensor(x2)
    t1, t2 = core.type_of(x1), core.type_of(x2)
    if t1.dtype is not U32 or t2.dtype is not U32:
        raise DTypeError(f"{_OP}: counts must be uint32, got {t1.dtype} and {t2.dtype}")
    if not core.same_shape(t1.shape, t2.shape):
        raise ShapeError(f"{_OP}: the two count arrays differ in shape: {t1} vs {t2}")
    k0, k1 = key_words(key, t1.shape)
    y1, y2 = bind("threefry2x32", k0, k1, x1, x2, op=_OP)
    return y1, y2


def _hash_decomposition(k0: Any, k1: Any, x1: Any, x2: Any) -> tuple[Any, Any]:
    """The ``threefry2x32`` prim as add/xor/shift prims, for backends without a rule for it."""
    shape = core.type_of(x1).shape
    return threefry_rounds(k0, k1, x1, x2, add=lambda a, b: bind("add", a, b, op=_OP),
                           xor=lambda a, b: bind("xor", a, b, op=_OP), rotl=lambda x, r: _rotl(x, r, shape),
                           constant=lambda c: _u32(c, shape))


set_rule("threefry2x32", decomposition=_hash_decomposition)


def _static_size(shape: Sequence[Dim], op: str) -> Dim:
    size = shape_size(shape)
    if not is_symbolic(size) and int(size) >= 2 ** 32:
        raise ShapeError(f"{op}: more than 2**32 - 1 random values in one call ({core.fmt_shape(shape)})")
    return size


def normalize_shape(shape: Any, op: str = "random") -> tuple[Dim, ...]:
    """A shape argument (int, tuple, list; symbolic dims allowed) as a tuple of dims."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        dims = tuple(canonical_dim(d if isinstance(d, str) else int(d)) for d in shape)
    except TypeError as e:
        raise ShapeError(f"{op}: shape must be a tuple of ints (or symbolic dims), got {shape!r}") from e
    if any(not is_symbolic(d) and d < 0 for d in dims):
        raise ShapeError(f"{op}: negative dimension in shape {shape!r}")
    return dims


def bits_pair(key: Any, shape: Sequence[Dim], op: str = "random") -> tuple[Any, Any]:
    """Both hash words for the counts 0..size-1 laid out row-major over ``shape`` (a 64-bit counter whose high
    word is 0, since a call draws fewer than 2**32 values)."""
    key = check_key(key, op)
    shape = normalize_shape(shape, op)
    size = _static_size(shape, op)
    flat = bind("iota", dtype=U32, shape=(size,), dimension=0, op=op)
    lo = bind("reshape", flat, new_sizes=shape, op=op)
    return hash_pair(key, _u32(0, shape), lo)


def bits(key: Any, shape: Any = (), dtype: Any = "uint32") -> Any:
    """Uniform random bits as unsigned integers (``uint32`` or ``uint8``), as ``jax.random.bits``.

    >>> bits(key(0), (4,))                          # doctest: +SKIP
    """
    d = to_dtype(dtype)
    if d not in (DType.uint32, DType.uint8):
        raise DTypeError(f"bits: dtype must be uint32 or uint8, got {d}")
    return staged(_bits, check_key(key, "bits"), shape=normalize_shape(shape, "bits"), dtype=d)


def _bits(key: Any, *, shape: tuple[Dim, ...], dtype: DType) -> Any:
    out = bits32(key, shape)
    return out if dtype is U32 else bind("convert", out, new_dtype=dtype, op="bits")


def bits32(key: Any, shape: Sequence[Dim], op: str = "bits") -> Any:
    """uint32 random bits of ``shape`` (JAX's 32-bit ``random_bits``: the xor of the two hash words)."""
    return bind("xor", *bits_pair(key, shape, op), op=op)


def key(seed: int) -> np.ndarray:
    """The raw key of an integer seed, as ``jax.random.key_data(jax.random.key(seed))``: [high word, low word].

    >>> key(42)
    array([ 0, 42], dtype=uint32)
    """
    seed = int(seed)
    if not -(2 ** 63) <= seed < 2 ** 64:
        raise ValueError(f"key: seed {seed} does not fit in 64 bits")
    return np.array([(seed >> 32) & _MASK, seed & _MASK], dtype=np.uint32)


def _stack_words(w1: Any, w2: Any, shape: tuple[Dim, ...]) -> Any:
    cols = [bind("reshape", w, new_sizes=(*shape, 1), op="split") for w in (w1, w2)]
    return bind("concatenate", *cols, dimension=len(shape), op="split")


def split(key: Any, num: int | Sequence[int] = 2) -> Any:
    """``num`` new keys (shape ``(num, 2)``, or ``(*num, 2)`` for a tuple), as ``jax.random.split``.

    >>> k1, k2 = split(key(0))                      # doctest: +SKIP
    """
    return staged(_split, check_key(key, "split"), shape=normalize_shape(num, "split"))


def _split(key: Any, *, shape: tuple[Dim, ...]) -> Any:
    return _stack_words(*bits_pair(key, shape, "split"), shape)


def split_keys(key: Any, num: int, op: str = "split") -> list[Any]:
    """``split(key, num)`` as a list of ``num`` separate uint32[2] keys (for use inside a sampler)."""
    keys = _split(key, shape=(num,))
    return [bind("reshape", bind("slice", keys, start_indices=(i, 0), limit_indices=(i + 1, 2), strides=None,
                                 op=op), new_sizes=(2,), op=op) for i in range(num)]


def fold_in(key: Any, data: Any) -> Any:
    """A new key mixing a 32-bit integer into ``key``, as ``jax.random.fold_in``.

    >>> fold_in(key(0), 7)                          # doctest: +SKIP
    """
    key = check_key(key, "fold_in")
    if core.is_tensor(data):
        if core.ndim(data) != 0:
            raise ShapeError(f"fold_in: data must be a scalar, got shape {core.fmt_shape(core.shape(data))}")
        data = core.convert(data, U32, "fold_in")
    else:
        data = np.asarray(int(data) & _MASK, np.uint32)
    return staged(_fold_in, key, data)


def _fold_in(key: Any, data: Any) -> Any:
    return _stack_words(*hash_pair(key, _u32(0, ()), data), ())


def threefry2x32(key: Any, counts: Any) -> Any:
    """The Threefry-2x32 hash of a uint32 array of counts (static size), as JAX's ``threefry_2x32``: the
    flattened counts (zero-padded to even length) are split in halves that form the two words of each block.

    >>> threefry2x32(key(0), np.arange(4, dtype=np.uint32))   # doctest: +SKIP
    """
    return staged(_threefry2x32, check_key(key, _OP), core.as_tensor(counts))


def _threefry2x32(key: Any, counts: Any) -> Any:
    t = core.type_of(counts)
    if t.dtype is not U32:
        raise DTypeError(f"{_OP}: counts must be uint32, got {t.dtype}")
    n = shape_size(t.shape)
    if is_symbolic(n):
        raise ShapeError(f"{_OP}: counts need a static shape, got {t}")
    flat = bind("reshape", counts, new_sizes=(n,), op=_OP)
    if n % 2:
        flat = bind("concatenate", flat, np.zeros(1, np.uint32), dimension=0, op=_OP)
    half = (n + 1) // 2
    x1 = bind("slice", flat, start_indices=(0,), limit_indices=(half,), strides=None, op=_OP)
    x2 = bind("slice", flat, start_indices=(half,), limit_indices=(2 * half,), strides=None, op=_OP)
    out = bind("concatenate", *hash_pair(key, x1, x2), dimension=0, op=_OP)
    if n % 2:
        out = bind("slice", out, start_indices=(0,), limit_indices=(n,), strides=None, op=_OP)
    return bind("reshape", out, new_sizes=t.shape, op=_OP)


__all__ = ["key", "split", "fold_in", "bits", "threefry2x32", "hash_pair", "bits_pair", "bits32", "split_keys",
           "check_key", "normalize_shape"]
