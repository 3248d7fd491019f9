"""Public ops accept functional-model tensors: ``ops.concatenate([a, b])`` on ``hornet.Input``-derived tensors
records a ``TensorOp`` layer node (as ``keras.ops`` does on KerasTensors) instead of computing."""
from __future__ import annotations

import functools
from typing import Any, Callable

# ops that take functions or return Python values: they never become TensorOp nodes
_NOT_WRAPPED = {"grad", "value_and_grad", "custom_gradient", "cond", "switch", "while_loop", "fori_loop", "scan",
                "map", "associative_scan", "convert_to_numpy", "is_tensor", "shape", "ndim", "dtype", "vectorized_map",
                "jvp", "vectorize"}


_KERAS_TENSOR: list[type] = []  # filled on first use: importing the layers package here would be circular


def _has_keras_tensor(args: tuple) -> bool:
    if not _KERAS_TENSOR:
        from hornet.api.layers.keras_tensor import KerasTensor

        _KERAS_TENSOR.append(KerasTensor)
    kt = _KERAS_TENSOR[0]
    for a in args:
        t = type(a)
        if t is kt or ((t is list or t is tuple) and any(type(b) is kt for b in a)):
            return True
    return False


def functional_aware(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if name in _NOT_WRAPPED or not callable(fn) or isinstance(fn, type):
        return fn

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        if args and _has_keras_tensor(args):
            from hornet.api.layers.tensor_op import TensorOp

            return TensorOp(name, op_kwargs=kwargs)(*args)
        return fn(*args, **kwargs)

    return op


def wrap_all(names: dict[str, Any]) -> dict[str, Any]:
    return {n: functional_aware(n, f) for n, f in names.items()}
