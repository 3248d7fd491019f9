"""``IntegerLookup`` and ``StringLookup``: map integer or string tokens to contiguous indices through a
vocabulary (given, or learned by ``adapt``), with Keras 3 arguments and semantics. Strings are looked up on the
host; integer lookups also trace into a compiled model (a branch-free binary search over the sorted static
vocabulary).

>>> IntegerLookup(vocabulary=[12, 36])(np.array([12, 7, 36])).tolist()      # doctest: +SKIP
[1, 0, 2]
>>> StringLookup(vocabulary=["a", "b"])(np.array([["a"], ["z"]])).tolist()  # doctest: +SKIP
[[1], [0]]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api import ops
from hornet.api.layers import string_hashing as sh
from hornet.api.layers import tensor_hashing as th
from hornet.api.layers.host_preprocessing import host_array, host_only_error, is_symbolic, string_array
from hornet.api.layers.index_lookup import DROPPED, IndexLookup
from hornet.ir.dtypes import dtype as to_dtype


def _count_at_most(keys: np.ndarray, x: Any) -> Any:
    """How many of the ascending ``keys`` are ``<= x``, per element (a binary search of ``log2(len)`` steps)."""
    n = len(keys)
    pos = ops.zeros_like(x)
    step = 1 << (n.bit_length() - 1)
    while step:
        cand = ops.add(pos, np.int64(step))
        probe = ops.take(keys, ops.minimum(ops.subtract(cand, np.int64(1)), np.int64(n - 1)))
        ok = ops.logical_and(ops.less_equal(cand, np.int64(n)), ops.less_equal(probe, x))
        pos = ops.where(ok, cand, pos)
        step >>= 1
    return pos


class IntegerLookup(IndexLookup):
    """Map integer tokens to indices ``[mask] + [OOV] * num_oov_indices + vocabulary`` (``invert=True``: indices
    back to tokens). Out-of-vocabulary tokens go to the OOV indices (``x mod num_oov_indices``, or by FarmHash /
    SipHash with ``oov_method="farmhash"``); ``output_mode`` "int", "one_hot", "multi_hot", "count" or "tf_idf".

    >>> layer = IntegerLookup(); layer.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))   # doctest: +SKIP
    >>> layer(np.array([[12, 5], [42, 36]])).tolist()  # doctest: +SKIP
    [[5, 0], [1, 4]]
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: int | None = None,
                 oov_token: int = -1, vocabulary: Any = None, vocabulary_dtype: str = "int64",
                 idf_weights: Any = None, invert: bool = False, output_mode: str = "int", sparse: bool = False,
                 pad_to_max_tokens: bool = False, oov_method: str = "floormod", salt: Any = None,
                 name: str | None = None, **kwargs: Any):
        if vocabulary_dtype != "int64":
            raise ValueError("IntegerLookup: only vocabulary_dtype='int64' is supported, got "
                             f"vocabulary_dtype={vocabulary_dtype!r}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token), vocabulary_dtype=vocabulary_dtype,
                         vocabulary=vocabulary, idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, name=name,
                         salt=salt, **kwargs)

    def _tokens_of(self, data: Any) -> np.ndarray:
        arr = host_array(data, self)
        if arr.dtype.kind == "O" and arr.size:
            arr = np.asarray(arr.tolist())
        if arr.size and arr.dtype.kind not in "iub":
            raise ValueError(f"layer '{self.name}' (IntegerLookup) expects integer tokens, got dtype {arr.dtype}")
        return arr.astype(np.int64)

    def _parse_line(self, line: str) -> Any:
        return int(line)

    # --- forward lookup ---------------------------------------------------------------------------------------------

    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        """The vocabulary sorted, and the index of each sorted token."""
        tokens = np.asarray(self._tokens or [], np.int64)
        order = np.argsort(tokens, kind="stable")
        return tokens[order], (order + self._token_start()).astype(np.int64)

    def _mask_id(self) -> int:
        return 0 if self.output_mode == "int" else DROPPED

    def _lookup(self, inputs: Any) -> Any:
        if is_symbolic(inputs):
            return self._traced_lookup(inputs)
        x = self._tokens_of(inputs)
        keys, ids = self._table()
        at = np.clip(np.searchsorted(keys, x), 0, max(len(keys) - 1, 0))
        found = keys[at] == x if len(keys) else np.zeros(x.shape, bool)
        out = np.where(found, ids[at] if len(keys) else 0, self._host_oov(x))
        if self.num_oov_indices == 0 and not found.all():
            missing = ~found if self.mask_token is None else ~found & (x != self.mask_token)
            if missing.any():
                raise self._oov_error(np.unique(x[missing]).tolist())
        if self.mask_token is not None:
            out = np.where(x == self.mask_token, self._mask_id(), out)
        return ops.convert_to_tensor(out.astype(np.int64))

    def _host_oov(self, x: np.ndarray) -> Any:
        n = self.num_oov_indices
        if n <= 1:
            return self._oov_start() if n == 1 else -1
        if self.oov_method == "farmhash":
            return sh.hash_buckets(x, n, self.salt) + self._oov_start()
        return np.mod(x, n) + self._oov_start()

    def _traced_lookup(self, inputs: Any) -> Any:
        if not to_dtype(ops.dtype(inputs)).is_integer:
            raise ValueError(f"layer '{self.name}' (IntegerLookup) expects integer tokens, got dtype "
                             f"{ops.dtype(inputs)}")
        x = ops.cast(inputs, "int64")
        n = self.num_oov_indices
        if n == 0:  # a traced model can't raise on data: out-of-vocabulary tokens give -1
            oov = ops.full_like(x, np.int64(-1))
        elif n == 1:
            oov = ops.full_like(x, np.int64(self._oov_start()))
        elif self.oov_method == "farmhash":
            oov = ops.add(th.int_hash_buckets(x, n, self.salt), np.int64(self._oov_start()))
        else:
            oov = ops.add(ops.mod(x, np.int64(n)), np.int64(self._oov_start()))
        keys, ids = self._table()
        out = oov
        if len(keys):
            at = ops.maximum(ops.subtract(_count_at_most(keys, x), np.int64(1)), np.int64(0))
            found = ops.equal(ops.take(keys, at), x)
            out = ops.where(found, ops.take(ids, at), oov)
        if self.mask_token is not None:
            out = ops.where(ops.equal(x, np.int64(self.mask_token)), np.int64(self._mask_id()), out)
        return out

    # --- inverse lookup ---------------------------------------------------------------------------------------------

    def _invert(self, inputs: Any) -> Any:
        table = np.asarray(self.get_vocabulary(), np.int64)
        oov = np.int64(self.oov_token if self.oov_token is not None else -1)
        if is_symbolic(inputs):
            x = ops.cast(inputs, "int64")
            inside = ops.logical_and(ops.greater_equal(x, np.int64(0)), ops.less(x, np.int64(len(table))))
            at = ops.clip(x, 0, len(table) - 1)
            return ops.where(inside, ops.take(table, at), oov)
        x = self._tokens_of(inputs)
        inside = (x >= 0) & (x < len(table))
        return ops.convert_to_tensor(np.where(inside, table[np.clip(x, 0, len(table) - 1)], oov).astype(np.int64))


class StringLookup(IndexLookup):
    """Map string tokens to indices ``[mask] + [OOV] * num_oov_indices + vocabulary`` (``invert=True``: indices
    back to strings, as a NumPy array of ``str``). Out-of-vocabulary strings go to the OOV indices by FarmHash
    (SipHash with a ``salt``); ``output_mode`` "int", "one_hot", "multi_hot", "count" or "tf_idf". Runs on the
    host: inputs are NumPy arrays or lists of ``str``/``bytes``.

    >>> layer = StringLookup(); layer.adapt([["a", "b", "c"], ["c", "d", "a"], ["a", "e", "e"]])  # doctest: +SKIP
    >>> layer.get_vocabulary()  # doctest: +SKIP
    ['[UNK]', 'a', 'e', 'c', 'd', 'b']
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: str | None = None,
                 oov_token: str = "[UNK]", vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, sparse: bool = False,
                 encoding: str = "utf-8", name: str | None = None, salt: Any = None, **kwargs: Any):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary_dtype="string", vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, name=name, salt=salt, **kwargs)

    def _tokens_of(self, data: Any) -> np.ndarray:
        if is_symbolic(data):
            raise host_only_error(self)
        arr = np.asarray(data, dtype=object) if isinstance(data, (str, bytes)) else host_array(data, self)
        return string_array(arr, self.encoding)

    def _lookup(self, inputs: Any) -> Any:
        x = self._tokens_of(inputs)
        if x.size == 0:
            return ops.convert_to_tensor(np.zeros(x.shape, np.int64))
        index = {t: i for i, t in enumerate(self._tokens or (), self._token_start())}
        uniq, inverse = np.unique(x.reshape(-1), return_inverse=True)
        ids = np.array([index.get(t, -1) for t in uniq.tolist()], np.int64)
        missing = ids < 0
        if self.mask_token is not None:
            is_mask = uniq == self.mask_token
            missing &= ~is_mask
        if missing.any():
            ids[missing] = self._oov_ids(uniq[missing])
        if self.mask_token is not None:
            ids[is_mask] = 0 if self.output_mode == "int" else DROPPED
        return ops.convert_to_tensor(ids[inverse.reshape(-1)].reshape(x.shape))

    def _oov_ids(self, tokens: np.ndarray) -> np.ndarray:
        n = self.num_oov_indices
        if n == 0:
            raise self._oov_error(tokens.tolist())
        if n == 1:
            return np.full(len(tokens), self._oov_start(), np.int64)
        return sh.hash_buckets(tokens, n, self.salt) + self._oov_start()

    def _invert(self, inputs: Any) -> Any:
        if is_symbolic(inputs):
            raise host_only_error(self)
        x = np.asarray(host_array(inputs, self)).astype(np.int64)
        table = np.asarray(self.get_vocabulary(), dtype=object)
        inside = (x >= 0) & (x < len(table))
        out = np.where(inside, table[np.clip(x, 0, len(table) - 1)], self.oov_token)
        return out.astype(str)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["vocabulary_dtype"]  # strings are the only kind
        return {**config, "encoding": self.encoding}


__all__ = ["IntegerLookup", "StringLookup"]
