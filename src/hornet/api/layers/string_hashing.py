"""Stable 64-bit string hashes, bit-exact with TensorFlow's string ops (which Keras's hashing layers use):
``fingerprint64`` (FarmHash Fingerprint64, behind ``to_hash_bucket_fast``), ``siphash64`` (SipHash-2-4
keyed by two 64-bit words, behind ``to_hash_bucket_strong``) and ``fingerprint_cat64`` (how ``sparse_cross_hashed``
chains feature hashes). The hashes run in NumPy ``uint64`` arithmetic (which wraps modulo 2**64, like C),
vectorized over all the strings of one byte length at a time. The kernels only use word operators
(``+ * ^ | & << >>``, logical right shift) and a byte reader (``u8``/``u32``/``u64``/``const``), so the same code
also runs on int64 tensors of a traced model (``tensor_hashing``).

>>> int(fingerprint64([b"a"])[0]) % 10
9
>>> hash_buckets(np.array(["A", "B"]), 3).tolist()
[1, 0]
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

U64 = np.uint64
_K0, _K1, _K2 = U64(0xC3A5C85C97CB3127), U64(0xB492B66FBE98F273), U64(0x9AE16A3B2F90404F)
_KMUL = U64(0x9DDFEA08EB382D69)
_CAT_MUL = U64(0xC6A4A7935BD1E995)
CROSS_HASH_KEY = 0xDECAFCAFFE  # the seed TensorFlow's hashed feature crosses start from


def _rot(v: Any, shift: int) -> Any:
    return v if shift == 0 else (v >> U64(shift)) | (v << U64(64 - shift))


def _shift_mix(v: Any) -> Any:
    return v ^ (v >> U64(47))


class _Bytes:
    """``n`` strings of one byte length as an ``(n, length)`` uint8 matrix with little-endian word reads."""

    def __init__(self, rows: np.ndarray):
        self.rows = rows

    def const(self, value: Any) -> np.ndarray:
        return np.full(self.rows.shape[0], U64(value), U64)

    def u64(self, at: int) -> np.ndarray:
        return np.ascontiguousarray(self.rows[:, at:at + 8]).view("<u8")[:, 0].astype(U64)

    def u32(self, at: int) -> np.ndarray:
        return np.ascontiguousarray(self.rows[:, at:at + 4]).view("<u4")[:, 0].astype(U64)

    def u8(self, at: int) -> np.ndarray:
        return self.rows[:, at].astype(U64)


# --- FarmHash Fingerprint64 (farmhashna::Hash64) --------------------------------------------------------------------


def _hash16(u: Any, v: Any, mul: Any = _KMUL) -> Any:
    a = _shift_mix((u ^ v) * mul)
    b = _shift_mix((v ^ a) * mul)
    return b * mul


def _len0to16(s: Any, n: int) -> Any:
    if n >= 8:
        mul = _K2 + U64(n * 2)
        a = s.u64(0) + _K2
        b = s.u64(n - 8)
        c = _rot(b, 37) * mul + a
        d = (_rot(a, 25) + b) * mul
        return _hash16(c, d, mul)
    if n >= 4:
        mul = _K2 + U64(n * 2)
        return _hash16((s.u32(0) << U64(3)) + U64(n), s.u32(n - 4), mul)
    if n > 0:  # the bytes are below 2**8: the C code's 32-bit sums can't overflow
        y = s.u8(0) + (s.u8(n >> 1) << U64(8))
        z = (s.u8(n - 1) << U64(2)) + U64(n)
        return _shift_mix(y * _K2 ^ z * _K0) * _K2
    return s.const(_K2)


def _len17to32(s: Any, n: int) -> Any:
    mul = _K2 + U64(n * 2)
    a = s.u64(0) * _K1
    b = s.u64(8)
    c = s.u64(n - 8) * mul
    d = s.u64(n - 16) * _K2
    return _hash16(_rot(a + b, 43) + _rot(c, 30) + d, a + _rot(b + _K2, 18) + c, mul)


def _len33to64(s: Any, n: int) -> Any:
    mul = _K2 + U64(n * 2)
    a = s.u64(0) * _K2
    b = s.u64(8)
    c = s.u64(n - 8) * mul
    d = s.u64(n - 16) * _K2
    y = _rot(a + b, 43) + _rot(c, 30) + d
    z = _hash16(y, a + _rot(b + _K2, 18) + c, mul)
    e = s.u64(16) * mul
    f = s.u64(24)
    g = (y + s.u64(n - 32)) * mul
    h = (z + s.u64(n - 24)) * mul
    return _hash16(_rot(e + f, 43) + _rot(g, 30) + h, e + _rot(f + a, 18) + g, mul)


def _weak32(s: Any, at: int, a: Any, b: Any) -> tuple[Any, Any]:
    w, x, y, z = s.u64(at), s.u64(at + 8), s.u64(at + 16), s.u64(at + 24)
    a = a + w
    b = _rot(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rot(a, 44)
    return a + z, b + c


def _len_over64(s: Any, n: int) -> Any:
    x = s.const(81)
    y = x * _K1 + U64(113)
    z = _shift_mix(y * _K2 + U64(113)) * _K2
    v0 = v1 = w0 = w1 = s.const(0)
    x = x * _K2 + s.u64(0)
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    for at in range(0, end, 64):
        x = _rot(x + y + v0 + s.u64(at + 8), 37) * _K1
        y = _rot(y + v1 + s.u64(at + 48), 42) * _K1
        x = x ^ w1
        y = y + v0 + s.u64(at + 40)
        z = _rot(z + w0, 33) * _K1
        v0, v1 = _weak32(s, at, v1 * _K1, x + w0)
        w0, w1 = _weak32(s, at + 32, z + w1, y + s.u64(at + 16))
        z, x = x, z
    mul = ((z & U64(0xFF)) << U64(1)) + _K1
    at = last64
    w0 = w0 + U64((n - 1) & 63)
    v0 = v0 + w0
    w0 = w0 + v0
    x = _rot(x + y + v0 + s.u64(at + 8), 37) * mul
    y = _rot(y + v1 + s.u64(at + 48), 42) * mul
    x = x ^ (w1 * U64(9))
    y = y + v0 * U64(9) + s.u64(at + 40)
    z = _rot(z + w0, 33) * mul
    v0, v1 = _weak32(s, at, v1 * mul, x + w0)
    w0, w1 = _weak32(s, at + 32, z + w1, y + s.u64(at + 16))
    z, x = x, z
    return _hash16(_hash16(v0, w0, mul) + _shift_mix(y) * _K0 + z, _hash16(v1, w1, mul) + x, mul)


def farm_kernel(s: Any, n: int) -> Any:
    """Fingerprint64 of the ``n``-byte strings that the byte reader ``s`` serves."""
    if n <= 16:
        return _len0to16(s, n)
    if n <= 32:
        return _len17to32(s, n)
    if n <= 64:
        return _len33to64(s, n)
    return _len_over64(s, n)


# --- SipHash-2-4 -----------------------------------------------------------------------------------------------------


def _sip_round(v0: Any, v1: Any, v2: Any, v3: Any) -> tuple[Any, ...]:
    v0 = v0 + v1
    v1 = _rot(v1, 64 - 13) ^ v0  # rotate left by 13
    v0 = _rot(v0, 32)
    v2 = v2 + v3
    v3 = _rot(v3, 64 - 16) ^ v2
    v0 = v0 + v3
    v3 = _rot(v3, 64 - 21) ^ v0
    v2 = v2 + v1
    v1 = _rot(v1, 64 - 17) ^ v2
    v2 = _rot(v2, 32)
    return v0, v1, v2, v3


def sip_compress(v: Sequence[Any], m: Any) -> list[Any]:
    """The state ``v = [v0, v1, v2, v3]`` after one 8-byte block ``m`` (two rounds)."""
    v0, v1, v2, v3 = v
    v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3 ^ m))
    return [v0 ^ m, v1, v2, v3]


def sip_finish(v: Sequence[Any]) -> Any:
    """The hash of the state after the last block (four rounds)."""
    v0, v1, v2, v3 = v
    v2 = v2 ^ U64(0xFF)
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


class SipKernel:
    """SipHash-2-4 keyed by ``key``, as a kernel over the ``n``-byte strings that a byte reader serves."""

    def __init__(self, key: Sequence[int]):
        self.k0, self.k1 = U64(int(key[0]) % 2 ** 64), U64(int(key[1]) % 2 ** 64)

    def initial(self, zero: Any) -> tuple[Any, ...]:
        """The initial state, as words like ``zero``."""
        return (zero ^ (self.k0 ^ U64(0x736F6D6570736575)), zero ^ (self.k1 ^ U64(0x646F72616E646F6D)),
                zero ^ (self.k0 ^ U64(0x6C7967656E657261)), zero ^ (self.k1 ^ U64(0x7465646279746573)))

    def __call__(self, s: Any, n: int) -> Any:
        full = n - n % 8
        last = s.const((n & 0xFF) << 56)  # the last block: the remaining bytes and the length in the top byte
        for i in range(n - full):
            last = last | (s.u8(full + i) << U64(8 * i))
        v = list(self.initial(s.const(0)))
        for m in [s.u64(at) for at in range(0, full, 8)] + [last]:
            v = sip_compress(v, m)
        return sip_finish(v)


# --- vectorized drivers ----------------------------------------------------------------------------------------------


def _by_length(strings: Sequence[bytes], kernel: Callable[[Any, int], Any]) -> np.ndarray:
    """``kernel`` applied to each group of equal-length byte strings; results in input order."""
    out = np.zeros(len(strings), U64)
    lengths = np.fromiter((len(b) for b in strings), np.int64, len(strings))
    with np.errstate(over="ignore"):
        for n in np.unique(lengths).tolist():
            where = np.flatnonzero(lengths == n)
            rows = np.frombuffer(b"".join(strings[i] for i in where), np.uint8).reshape(len(where), n)
            out[where] = kernel(_Bytes(rows), n)
    return out


def fingerprint64(strings: Sequence[bytes]) -> np.ndarray:
    """FarmHash Fingerprint64 of each byte string, as ``uint64`` (TensorFlow's ``Fingerprint64``).

    >>> hex(int(fingerprint64([b""])[0]))
    '0x9ae16a3b2f90404f'
    """
    return _by_length(list(strings), farm_kernel)


def siphash64(strings: Sequence[bytes], key: Sequence[int]) -> np.ndarray:
    """SipHash-2-4 of each byte string keyed by ``key = (k0, k1)`` (two 64-bit words), as ``uint64``.

    >>> hex(int(siphash64([b""], (0x0706050403020100, 0x0F0E0D0C0B0A0908))[0]))
    '0x726fdb47dd0e0e31'
    """
    if len(key) != 2:
        raise ValueError(f"siphash64: `key` must be two integers, got key={key!r}")
    return _by_length(list(strings), SipKernel(key))


def cat_kernel(fp1: Any, fp2: Any) -> Any:
    """TensorFlow's ``FingerprintCat64`` of two fingerprint words."""
    result = (fp1 ^ _CAT_MUL) ^ (_shift_mix(fp2 * _CAT_MUL) * _CAT_MUL)
    return _shift_mix(_shift_mix(result * _CAT_MUL) * _CAT_MUL)


def fingerprint_cat64(fp1: np.ndarray, fp2: np.ndarray) -> np.ndarray:
    """Combine two ``uint64`` fingerprints (TensorFlow's ``FingerprintCat64``, used by hashed feature crosses).

    >>> fingerprint_cat64(np.array([1], np.uint64), np.array([2], np.uint64)).dtype
    dtype('uint64')
    """
    with np.errstate(over="ignore"):
        return cat_kernel(np.asarray(fp1, U64), np.asarray(fp2, U64))


def as_hash_strings(values: np.ndarray) -> np.ndarray:
    """The strings TensorFlow hashes for ``values``: str as UTF-8, bytes as is, integers in decimal, floats
    truncated to integers first (as Keras's Hashing casts them to int64); an object array of bytes."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        values = values.astype(np.int64)
    if values.dtype.kind == "b":  # TensorFlow writes booleans as "true" / "false"
        return np.array([b"true" if v else b"false" for v in values.reshape(-1)] or [], object).reshape(values.shape)
    if values.dtype.kind in "iu":
        return np.array([str(int(v)).encode() for v in values.reshape(-1)] or [], object).reshape(values.shape)
    if values.dtype.kind == "S":
        return values.astype(object)
    flat = [v.encode("utf-8") if isinstance(v, str) else bytes(v) if isinstance(v, (bytes, bytearray))
            else str(v).encode("utf-8") for v in values.reshape(-1).tolist()]
    return np.array(flat or [], object).reshape(values.shape)


def hash_buckets(values: Any, num_buckets: int, key: Sequence[int] | None = None) -> np.ndarray:
    """Bucket ids in ``[0, num_buckets)`` (int64, same shape) of strings or integers: FarmHash Fingerprint64
    modulo ``num_buckets`` (TensorFlow's ``to_hash_bucket_fast``), or keyed SipHash when ``key`` is given
    (``to_hash_bucket_strong``). Each distinct value is hashed once.

    >>> hash_buckets(np.array([["A"], ["B"]]), 3).shape
    (2, 1)
    """
    strings = as_hash_strings(values)
    if strings.size == 0:
        return np.zeros(strings.shape, np.int64)
    uniq, inverse = np.unique(strings.reshape(-1), return_inverse=True)
    hashes = fingerprint64(uniq.tolist()) if key is None else siphash64(uniq.tolist(), key)
    return (hashes % U64(num_buckets)).astype(np.int64)[inverse.reshape(-1)].reshape(strings.shape)


__all__ = ["fingerprint64", "siphash64", "fingerprint_cat64", "as_hash_strings", "hash_buckets", "farm_kernel",
           "SipKernel", "sip_compress", "sip_finish", "cat_kernel", "CROSS_HASH_KEY"]
