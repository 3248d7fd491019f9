"""Hashing preprocessing layers with Keras 3 arguments and bit-exact Keras bucket ids: ``Hashing`` (strings or
numbers to ``num_bins`` buckets by FarmHash Fingerprint64, or keyed SipHash with a ``salt``) and
``HashedCrossing`` (the hashed cross of two or more categorical features). They run on the host for strings;
on integer tensors they also trace into a compiled model.

>>> Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"]])).tolist()       # doctest: +SKIP
[[1], [0], [1]]
>>> HashedCrossing(num_bins=5)([np.array([1, 2]), np.array(["a", "b"])])  # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import string_hashing as sh
from hornet.api.layers import tensor_hashing as th
from hornet.api.layers.category import encode_categories
from hornet.api.layers.host_preprocessing import HostLayer, encoded_shape, host_array, host_only_error, \
    is_string_array, is_symbolic
from hornet.ir.dtypes import dtype as to_dtype


def _check_sparse(layer: str, sparse: bool) -> None:
    if sparse:
        raise ValueError(f"{layer}: sparse=True is not supported (hornet tensors are dense); use sparse=False")


def _salt_pair(salt: Any) -> list[int] | None:
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(isinstance(s, (int, np.integer)) for s in salt):
        return [int(s) for s in salt]
    if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    raise ValueError(f"Hashing: `salt` must be a single integer or a tuple of 2 integers, got salt={salt!r}")


class Hashing(HostLayer):
    """Hash each element (string, integer, or float truncated to an integer) into ``num_bins`` buckets, as
    Keras: FarmHash Fingerprint64 of its string form modulo the bins, or SipHash-2-4 keyed by ``salt`` (an
    integer, or two). With ``mask_value``, that value maps to bin 0 and the others to ``1..num_bins-1``.
    ``output_mode``: "int" (bin ids) or "one_hot" / "multi_hot" / "count" over ``num_bins``.

    >>> Hashing(num_bins=3, mask_value="")(np.array(["A", "", "C"])).tolist()   # doctest: +SKIP
    [1, 0, 2]
    """

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None, output_mode: str = "int",
                 sparse: bool = False, **kwargs: Any):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else None
        super().__init__(**kwargs)
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) \
                or num_bins <= 0:
            raise ValueError(f"Hashing: `num_bins` must be a positive integer, got num_bins={num_bins!r}")
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(f"Hashing: unknown output_mode={output_mode!r}; expected one of {modes}")
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(f"Hashing: with output_mode='int', `dtype` must be 'int32' or 'int64', got "
                             f"dtype={self.dtype_policy.name!r}")
        if sparse and output_mode == "int":
            raise ValueError("Hashing: `sparse` may only be true with output_mode 'one_hot', 'multi_hot' or "
                             f"'count', got sparse={sparse} and output_mode='int'")
        _check_sparse("Hashing", sparse)
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = _salt_pair(salt)
        self.strong_hash = self.salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    @property
    def _hash_bins(self) -> int:
        return self.num_bins - 1 if self.mask_value is not None and self.num_bins > 1 else self.num_bins

    def _masked(self, ids: Any, mask: Any) -> Any:
        """Ids shifted past the mask bin, and the masked elements in bin 0."""
        if mask is None:
            return ids
        return ops.where(mask, np.int64(0), ops.add(ids, np.int64(1)))

    def call(self, inputs: Any) -> Any:
        if is_symbolic(inputs):
            ids = self._traced_ids(inputs)
        else:
            ids = ops.convert_to_tensor(self._host_ids(host_array(inputs, self)))
        dtype = self.dtype_policy.name if self.output_mode == "int" else self.compute_dtype
        return encode_categories(ids, self.output_mode, self.num_bins, dtype)

    def _host_ids(self, values: np.ndarray) -> np.ndarray:
        mask = None
        if self.mask_value is not None and self.num_bins > 1:
            if is_string_array(values):
                mask = sh.as_hash_strings(values) == sh.as_hash_strings(np.asarray(self.mask_value)).item()
            else:
                mask = values == self._numeric_mask(values.dtype)
        ids = sh.hash_buckets(values, self._hash_bins, self.salt)
        return ids if mask is None else np.where(mask, 0, ids + 1)

    def _numeric_mask(self, dtype: Any) -> Any:
        if isinstance(self.mask_value, (str, bytes)):
            raise ValueError(f"layer '{self.name}' (Hashing): mask_value={self.mask_value!r} is a string but the "
                             f"inputs are numbers ({dtype})")
        return self.mask_value

    def _traced_ids(self, inputs: Any) -> Any:
        x = inputs
        d = to_dtype(ops.dtype(x))
        mask = None
        if self.mask_value is not None and self.num_bins > 1:
            mask = ops.equal(x, np.asarray(self._numeric_mask(d.name), d.np))
        if d.is_floating:
            x = ops.cast(x, "int64")
        return self._masked(th.int_hash_buckets(x, self._hash_bins, self.salt), mask)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return encoded_shape(tuple(input_shape), self.output_mode, self.num_bins)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode, "sparse": self.sparse}


class HashedCrossing(HostLayer):
    """Cross two or more categorical features (integers or strings, each of shape ``()``, ``(batch,)`` or
    ``(batch, 1)``) and hash each combination into ``num_bins`` buckets, bit-exact with Keras (TensorFlow's
    hashed sparse cross). ``output_mode``: "int" or "one_hot".

    >>> HashedCrossing(num_bins=5)([np.array([1, 2]), np.array([3, 4])]).shape    # doctest: +SKIP
    (2,)
    """

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False, name: str | None = None,
                 dtype: Any = None, **kwargs: Any):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) \
                or num_bins <= 0:
            raise ValueError(f"HashedCrossing: `num_bins` must be a positive integer, got num_bins={num_bins!r}")
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"HashedCrossing: unknown output_mode={output_mode!r}; expected 'int' or 'one_hot'")
        _check_sparse("HashedCrossing", sparse)
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def _check_inputs(self, inputs: Any) -> None:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"layer '{self.name}' (HashedCrossing) must be called on a list or tuple of inputs, "
                             f"got {type(inputs).__name__}")
        if len(inputs) < 2:
            raise ValueError(f"layer '{self.name}' (HashedCrossing) must be called on at least two inputs, got "
                             f"{len(inputs)}")

    def _check_shapes(self, shapes: Sequence[tuple]) -> None:
        first = shapes[0]
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1):
            raise ValueError(f"layer '{self.name}' (HashedCrossing): every input must have shape (), (batch,) or "
                             f"(batch, 1), got shape {first}")
        if any(tuple(s) != tuple(first) for s in shapes[1:]):
            raise ValueError(f"layer '{self.name}' (HashedCrossing): all inputs must have the same shape, got "
                             f"shapes {[tuple(s) for s in shapes]}")

    def call(self, inputs: Any) -> Any:
        self._check_inputs(inputs)
        if is_symbolic(inputs):
            ids = self._traced_ids(inputs)
        else:
            ids = ops.convert_to_tensor(self._host_ids([host_array(x, self) for x in inputs]))
        dtype = self.dtype_policy.name if self.output_mode == "int" else self.compute_dtype
        return encode_categories(ids, self.output_mode, self.num_bins, dtype)

    def _feature_words(self, x: np.ndarray) -> np.ndarray:
        if is_string_array(x):
            strings = sh.as_hash_strings(x)
            return sh.fingerprint64(strings.reshape(-1).tolist()).reshape(x.shape)
        if x.dtype.kind not in "iu":
            raise ValueError(f"layer '{self.name}' (HashedCrossing): inputs must be integers or strings, got "
                             f"dtype {x.dtype}")
        return x.astype(np.int64).astype(np.uint64)  # an integer feature enters the cross as its raw 64 bits

    def _host_ids(self, arrays: list[np.ndarray]) -> np.ndarray:
        self._check_shapes([a.shape for a in arrays])
        h = np.full(arrays[0].shape, sh.CROSS_HASH_KEY, np.uint64)
        for a in arrays:
            h = sh.fingerprint_cat64(h, self._feature_words(a))
        return (h % np.uint64(self.num_bins)).astype(np.int64)

    def _traced_ids(self, inputs: Sequence[Any]) -> Any:
        self._check_shapes([tuple(ops.shape(x)) for x in inputs])
        for x in inputs:
            if isinstance(x, np.ndarray) and is_string_array(x):
                raise host_only_error(self, "inputs mixed with string features")
            if not to_dtype(ops.dtype(x)).is_integer:
                raise ValueError(f"layer '{self.name}' (HashedCrossing): inputs must be integers or strings, got "
                                 f"dtype {ops.dtype(x)}")
        return th.cross_hash_buckets(list(inputs), self.num_bins)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [tuple(s) for s in input_shape]
        if len(shapes) < 2:
            raise ValueError(f"layer '{self.name}' (HashedCrossing) expects a list of at least 2 input shapes, got "
                             f"input_shape={input_shape}")
        return encoded_shape(shapes[0], self.output_mode, self.num_bins)

    def get_config(self) -> dict[str, Any]:
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.dtype_policy.name}


__all__ = ["Hashing", "HashedCrossing"]
