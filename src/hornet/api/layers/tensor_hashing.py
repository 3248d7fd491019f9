"""The hashes of ``string_hashing`` on integer tensors, written with ``hornet.ops`` so they trace into a compiled
model: FarmHash / SipHash of each integer's decimal string (what TensorFlow hashes for integer features), and the
hashed cross of integer features. 64-bit unsigned words are int64 tensors holding the same bits: addition and
multiplication wrap alike, and right shifts are made logical.

>>> int_hash_buckets(np.array([1, 22, -3]), 5)             # doctest: +SKIP
Array([..., ..., ...], dtype=int64)
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import string_hashing as sh

_MASK64 = (1 << 64) - 1
_INT64_MIN = -(1 << 63)
_MAX_DIGITS = 19  # of a non-negative int64
_MAX_LENGTH = 20  # "-" and 19 digits


def _signed(value: Any) -> np.ndarray:
    """The int64 with the bits of the (unsigned) integer ``value``."""
    v = int(value) & _MASK64
    return np.asarray(v - (1 << 64) if v >= 1 << 63 else v, np.int64)


class Word:
    """An int64 tensor read as 64-bit unsigned words: the operators the hash kernels use, with wrapping
    arithmetic and a logical ``>>``."""

    __array_ufunc__ = None  # NumPy scalars on the left defer to the reflected operators below

    def __init__(self, t: Any):
        self.t = t

    @staticmethod
    def _of(x: Any) -> Any:
        return x.t if isinstance(x, Word) else _signed(x)

    def __add__(self, o: Any) -> "Word":
        return Word(ops.add(self.t, self._of(o)))

    def __mul__(self, o: Any) -> "Word":
        return Word(ops.multiply(self.t, self._of(o)))

    def __xor__(self, o: Any) -> "Word":
        return Word(ops.bitwise_xor(self.t, self._of(o)))

    def __or__(self, o: Any) -> "Word":
        return Word(ops.bitwise_or(self.t, self._of(o)))

    def __and__(self, o: Any) -> "Word":
        return Word(ops.bitwise_and(self.t, self._of(o)))

    __radd__, __rmul__, __rxor__, __ror__, __rand__ = __add__, __mul__, __xor__, __or__, __and__

    def __lshift__(self, k: Any) -> "Word":
        return Word(ops.left_shift(self.t, np.int64(int(k))))

    def __rshift__(self, k: Any) -> "Word":
        k = int(k)
        if k == 0:
            return self
        shifted = ops.right_shift(self.t, np.int64(k))  # arithmetic: clear the copies of the sign bit
        return Word(ops.bitwise_and(shifted, np.int64((1 << (64 - k)) - 1)))


def unsigned_mod(h: Word, m: int) -> Any:
    """``h mod m`` of the unsigned words ``h`` (int64 in ``[0, m)``), for ``0 < m <= 2**62``."""
    if not 0 < m <= 1 << 62:
        raise ValueError(f"unsigned_mod: the modulus must be in [1, 2**62] on tensors, got {m}")
    half = ops.mod((h >> 1).t, np.int64(m))
    return ops.mod(ops.add(ops.multiply(half, np.int64(2)), (h & 1).t), np.int64(m))


class _DecimalBytes:
    """A byte reader over the decimal strings of ``d`` read as if all were ``n`` bytes long."""

    def __init__(self, d: "_Decimals", n: int):
        self.d, self.n = d, n

    def const(self, value: Any) -> Word:
        return Word(ops.full_like(self.d.x, _signed(value)))

    def u8(self, at: int) -> Word:
        # byte `at` shows the digit of 10**(n-1-at) with or without a sign: a "-" only takes the place of a
        # leading digit that an n-byte string of a negative number doesn't have
        digit = ops.add(self.d.digits[self.n - 1 - at], np.int64(ord("0")))
        if at == 0:
            digit = ops.where(self.d.negative, np.int64(ord("-")), digit)
        return Word(digit)

    def _word(self, at: int, size: int) -> Word:
        word = self.u8(at)
        for i in range(1, size):
            word = word | (self.u8(at + i) << 8 * i)
        return word

    def u32(self, at: int) -> Word:
        return self._word(at, 4)

    def u64(self, at: int) -> Word:
        return self._word(at, 8)


class _Decimals:
    """The decimal strings of an int64 tensor: digits, sign and length per element."""

    def __init__(self, x: Any):
        self.x = x
        self.is_min = ops.equal(x, np.int64(_INT64_MIN))  # its magnitude doesn't fit: hashed on the host
        magnitude = ops.where(self.is_min, np.int64(0), ops.absolute(x))
        self.negative = ops.less(x, np.int64(0))
        self.digits = [ops.mod(ops.floor_divide(magnitude, np.int64(10 ** p)), np.int64(10))
                       for p in range(_MAX_DIGITS)]
        self.digits.append(ops.zeros_like(magnitude))  # a 20-byte string always starts with "-"
        num_digits = ops.add(sum(ops.cast(ops.greater_equal(magnitude, np.int64(10 ** p)), "int64")
                                 for p in range(1, _MAX_DIGITS)), np.int64(1))
        self.length = ops.add(num_digits, ops.cast(self.negative, "int64"))
        self._stacked = ops.stack(self.digits, axis=-1)

    def fix_min(self, h: Any, host_hash: Callable[[bytes], int]) -> Word:
        return Word(ops.where(self.is_min, _signed(host_hash(str(_INT64_MIN).encode())), h))

    def byte(self, k: int) -> Any:
        """Byte ``k`` of each string (0 past its end)."""
        at = ops.clip(ops.subtract(self.length, np.int64(k + 1)), 0, _MAX_DIGITS)
        digit = ops.squeeze(ops.take_along_axis(self._stacked, ops.expand_dims(at, -1), axis=-1), -1)
        b = ops.where(ops.less(np.int64(k), self.length), ops.add(digit, np.int64(ord("0"))), np.int64(0))
        return ops.where(self.negative, np.int64(ord("-")), b) if k == 0 else b


def _farm_decimal(d: _Decimals, host_hash: Callable[[bytes], int]) -> Word:
    """Fingerprint64 of each decimal string: every string length is hashed and the one of each element kept."""
    out = ops.zeros_like(d.x)
    for n in range(1, _MAX_LENGTH + 1):
        h = sh.farm_kernel(_DecimalBytes(d, n), n).t
        out = ops.where(ops.equal(d.length, np.int64(n)), h, out)
    return d.fix_min(out, host_hash)


def _sip_decimal(d: _Decimals, key: Sequence[int], host_hash: Callable[[bytes], int]) -> Word:
    """SipHash of each decimal string: its (at most 3) blocks are compressed in step, each element keeping the
    state after its own last block."""
    def word(at: int) -> Word:
        w = Word(d.byte(at))
        for i in range(1, 8):
            w = w | (Word(d.byte(at + i)) << 8 * i)
        return w

    last_block = ops.floor_divide(d.length, np.int64(8))
    tag = Word(d.length) << 56
    v = list(sh.SipKernel(key).initial(Word(ops.zeros_like(d.x))))
    for j in range(_MAX_LENGTH // 8 + 1):
        m = word(8 * j)
        is_last = ops.equal(last_block, np.int64(j))
        m = Word(ops.where(is_last, (m | tag).t, m.t))
        nv = sh.sip_compress(v, m)
        active = ops.less_equal(np.int64(j), last_block)
        v = [Word(ops.where(active, a.t, b.t)) for a, b in zip(nv, v)]
    return d.fix_min(sh.sip_finish(v).t, host_hash)


def int_hash_buckets(x: Any, num_buckets: int, key: Sequence[int] | None = None) -> Any:
    """Bucket ids (int64) of integer or boolean tensors, as ``string_hashing.hash_buckets`` gives for their
    strings: FarmHash Fingerprint64 of the decimal form modulo ``num_buckets``, or keyed SipHash with ``key``.

    >>> int_hash_buckets(np.array([7]), 3).shape                # doctest: +SKIP
    (1,)
    """
    def host(b: bytes) -> int:
        return int((sh.fingerprint64([b]) if key is None else sh.siphash64([b], key))[0])

    if ops.dtype(x).is_bool:
        true, false = (int(host(b)) % num_buckets for b in (b"true", b"false"))
        return ops.where(x, np.int64(true), np.int64(false))
    d = _Decimals(ops.cast(x, "int64"))
    return unsigned_mod(_farm_decimal(d, host) if key is None else _sip_decimal(d, key, host), num_buckets)


def cross_hash_buckets(features: Sequence[Any], num_buckets: int) -> Any:
    """The hashed cross of integer tensors of one shape (TensorFlow's ``sparse_cross_hashed`` on one feature per
    row): the raw int64 values chained with FingerprintCat64 from the cross seed, modulo ``num_buckets``.

    >>> cross_hash_buckets([np.array([1, 2]), np.array([3, 4])], 10).shape    # doctest: +SKIP
    (2,)
    """
    first = ops.cast(features[0], "int64")
    h = Word(ops.full_like(first, _signed(sh.CROSS_HASH_KEY)))
    for f in features:
        h = sh.cat_kernel(h, Word(ops.cast(f, "int64")))
    return unsigned_mod(h, num_buckets)


__all__ = ["Word", "unsigned_mod", "int_hash_buckets", "cross_hash_buckets"]
