"""``TensorOp``: a layer applying one ``hornet.ops`` function by name. Python operators on functional-model
tensors (``x + y``, ``-x``, ``x[:, 0]``) become TensorOp nodes, so such models still save as config + IR.

The name resolves through :func:`operator_table` (the public ops that take tensors, and ``get_item``), never
through attribute lookup, so a config cannot name anything else; ``op_kwargs`` must be parameters the op
declares, with plain constant values.

>>> y = TensorOp("add")(x, 1.0)                      # doctest: +SKIP
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Mapping

from hornet.api.layers.layer import Layer

_TABLE: dict[str, Callable[..., Any]] = {}
_MAX_CONSTANT_ITEMS = 1 << 16


def operator_table() -> Mapping[str, Callable[..., Any]]:
    """Every op name a TensorOp (hence a model file) may carry, mapped to its function."""
    if not _TABLE:
        import hornet.ops as public_ops
        from hornet.ops._functional import _NOT_WRAPPED

        for name in public_ops.__all__:  # hornet's own list of names, never a name from a file
            fn = getattr(public_ops, name)
            if name not in _NOT_WRAPPED and callable(fn) and not inspect.isclass(fn) and not inspect.ismodule(fn):
                _TABLE[name] = fn
    return _TABLE


def is_constant(value: Any, budget: list[int] | None = None) -> bool:
    """Plain JSON constants (None, bool, int, finite float, str, and lists of them), at most 65536 items."""
    budget = budget if budget is not None else [_MAX_CONSTANT_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        return False
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(is_constant(v, budget) for v in value)
    return False


def _declared_parameters(fn: Callable[..., Any]) -> tuple[set[str], bool]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return set(), True
    return ({p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)},
            any(p.kind == p.VAR_KEYWORD for p in params))


class TensorOp(Layer):
    def __init__(self, op: str, swap: bool = False, key: Any = None, op_kwargs: dict[str, Any] | None = None,
                 **kwargs: Any):
        if op != "get_item" and (not isinstance(op, str) or op not in operator_table()):
            raise ValueError(f"TensorOp: {str(op)[:80]!r} is not a hornet.ops function that takes tensors")
        op_kwargs = dict(op_kwargs or {})
        if op != "get_item":
            names, var_keyword = _declared_parameters(operator_table()[op])
            unknown = [k for k in op_kwargs if k not in names and not var_keyword]
            if unknown:
                raise ValueError(f"TensorOp: hornet.ops.{op} has no parameter {unknown[0][:80]!r}")
        bad = [k for k, v in op_kwargs.items() if not is_constant(v)]
        if bad:
            raise ValueError(f"TensorOp {op}: op_kwargs[{bad[0][:80]!r}] must be a plain constant (numbers, strings, "
                             "booleans, None or lists of them)")
        if not isinstance(swap, bool):
            raise ValueError(f"TensorOp {op}: swap must be a boolean, got {str(swap)[:80]}")
        super().__init__(**kwargs)
        self.op = op
        self.swap = swap
        self.key = key
        self.op_kwargs = op_kwargs

    def call(self, *args: Any) -> Any:
        from hornet.api.layers.keras_tensor import decode_key

        if self.op == "get_item":
            return args[0][decode_key(self.key)]
        if self.swap:
            args = tuple(reversed(args))
        return operator_table()[self.op](*args, **self.op_kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op, "swap": self.swap, "key": self.key,
                "op_kwargs": self.op_kwargs}
