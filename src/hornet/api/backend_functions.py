"""The framework-free helpers of ``keras.backend``: dtype names, unique ids, ``is_keras_tensor`` and
``clear_session``.

>>> standardize_dtype("float"), is_float_dtype("bfloat16"), is_int_dtype("uint8")
('float32', True, True)
"""
from __future__ import annotations

import gc
from typing import Any

from hornet.api.layers import naming
from hornet.api.settings import floatx
from hornet.ir.dtypes import dtype as to_dtype, result_type as _result_type

_ALIASES = {"float": "float32", "int": "int32", "double": "float64", "half": "float16", "bool_": "bool"}


def standardize_dtype(dtype: Any = None) -> str:
    """A dtype's canonical name; None is ``floatx()``. Raises ValueError naming an unknown dtype."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, str) and dtype in _ALIASES:
        return _ALIASES[dtype]
    try:
        return to_dtype(dtype).value
    except Exception as e:
        raise ValueError(f"standardize_dtype: invalid dtype {dtype!r}") from e


def is_float_dtype(dtype: Any) -> bool:
    return to_dtype(standardize_dtype(dtype)).is_floating


def is_int_dtype(dtype: Any) -> bool:
    return to_dtype(standardize_dtype(dtype)).is_integer


def result_type(*dtypes: Any) -> str:
    """The dtype binary ops give for these dtypes (hornet's promotion, as Keras's ``result_type``)."""
    if not dtypes:
        return floatx()
    return _result_type(*[standardize_dtype(d) if isinstance(d, str) else d for d in dtypes]).value


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic functional tensor (``hornet.Input`` or a layer's output on one)."""
    from hornet.api.layers.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def get_uid(prefix: str = "") -> int:
    """1, 2, 3, ... per prefix, as default names count (reset by ``clear_session``)."""
    name = naming.unique_name(prefix)
    return 1 if name == prefix else int(name.rsplit("_", 1)[1]) + 1


def clear_session(free_memory: bool = True) -> None:
    """Forget the default-name counters (the next Dense is ``dense`` again) and, with ``free_memory``, collect
    garbage so unreferenced models release their arrays."""
    naming.reset_names()
    if free_memory:
        gc.collect()


__all__ = ["standardize_dtype", "is_float_dtype", "is_int_dtype", "result_type", "is_keras_tensor", "get_uid",
           "clear_session"]
