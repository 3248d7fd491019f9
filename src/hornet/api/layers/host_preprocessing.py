"""Shared plumbing of the host-side preprocessing layers (hashing, lookups, text vectorization): hornet's IR has
no string dtype, so these layers compute on NumPy in front of a model. Inputs are NumPy arrays, Python lists or
scalars, or concrete backend tensors; a symbolic tensor (a functional ``Input`` or a traced call) is refused
with an error that says so, except where a layer has a traced path for integer inputs.

>>> host_array([["a"], ["b"]]).shape
(2, 1)
>>> string_array(np.array([b"x"])).tolist()
['x']
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers.layer import Layer
from hornet.ir import pytree
from hornet.ir.errors import TracerError
from hornet.ir.tracer import SymbolicTensor


def is_symbolic(x: Any) -> bool:
    """Whether ``x`` (or any leaf of it) is a symbolic tensor of a trace."""
    return any(isinstance(v, SymbolicTensor) for v in pytree.flatten(x)[0])


def host_only_error(layer: Layer, what: str = "inputs") -> TracerError:
    """The error of a host-side layer called on symbolic tensors."""
    return TracerError(
        f"layer '{layer.name}' ({type(layer).__name__}) is host-side preprocessing: it runs on NumPy arrays, "
        f"Python lists and concrete tensors, not on the symbolic tensors of a traced or functional model (got "
        f"symbolic {what}). Apply it to the data before fit()/predict() or in the input pipeline")


def host_array(x: Any, layer: Layer | None = None) -> np.ndarray:
    """``x`` as a NumPy array: lists, scalars and concrete backend tensors are converted; symbolic tensors are
    refused (naming ``layer``)."""
    if isinstance(x, SymbolicTensor):
        if layer is None:
            raise TracerError("host-side preprocessing needs concrete values, got a symbolic tensor")
        raise host_only_error(layer)
    if isinstance(x, np.ndarray):
        return x
    if ops.is_tensor(x):
        return np.asarray(ops.convert_to_numpy(x))
    if hasattr(x, "numpy") and not isinstance(x, (list, tuple)):  # a tf.Tensor from a tf.data pipeline
        return np.asarray(x.numpy())
    return np.asarray(x)


def string_array(x: Any, encoding: str = "utf-8") -> np.ndarray:
    """An object array of Python ``str`` (bytes decoded with ``encoding``) of the same shape as ``x``."""
    arr = x if isinstance(x, np.ndarray) else np.asarray(x, dtype=object)
    flat = [v.decode(encoding) if isinstance(v, (bytes, np.bytes_)) else str(v) for v in arr.reshape(-1).tolist()]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape)


def is_string_array(arr: np.ndarray) -> bool:
    """Whether a NumPy array holds text (str, bytes, or an object array of them)."""
    if arr.dtype.kind in "US":
        return True
    return arr.dtype.kind == "O" and arr.size > 0 and isinstance(arr.reshape(-1)[0], (str, bytes, np.str_,
                                                                                        np.bytes_))


def encoded_shape(input_shape: Sequence[Any], output_mode: str, depth: int | None) -> tuple[Any, ...]:
    """The shape ``category.encode_categories`` gives for ids of ``input_shape`` in ``output_mode``.

    >>> encoded_shape((None, 1), "one_hot", 4)
    (None, 4)
    """
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if len(input_shape) == 0:
        return (depth,)
    if output_mode == "one_hot" and (len(input_shape) == 1 or input_shape[-1] != 1):
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,)


class HostLayer(Layer):
    """Base of the host-side preprocessing layers: inputs reach ``call`` as given (no conversion to backend
    tensors, which can't hold strings).

    >>> class Upper(HostLayer):                                 # doctest: +SKIP
    ...     def call(self, x):
    ...         return np.char.upper(host_array(x, self))
    """

    def _autocast(self, x: Any) -> Any:
        return x


__all__ = ["HostLayer", "encoded_shape", "host_array", "host_only_error", "is_string_array", "is_symbolic",
           "string_array"]
