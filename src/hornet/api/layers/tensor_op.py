"""``TensorOp``: a layer applying one ``hornet.ops`` function by name. Python operators on functional-model
tensors (``x + y``, ``-x``, ``x[:, 0]``) become TensorOp nodes, so such models still save as config + IR.

>>> y = TensorOp("add")(x, 1.0)                      # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

from hornet.api.layers.layer import Layer


class TensorOp(Layer):
    def __init__(self, op: str, swap: bool = False, key: Any = None, op_kwargs: dict[str, Any] | None = None,
                 **kwargs: Any):
        from hornet import ops

        if not hasattr(ops, op) and op != "get_item":
            raise ValueError(f"TensorOp: hornet.ops has no op named {op!r}")
        super().__init__(**kwargs)
        self.op = op
        self.swap = swap
        self.key = key
        self.op_kwargs = dict(op_kwargs or {})

    def call(self, *args: Any) -> Any:
        from hornet import ops
        from hornet.api.layers.keras_tensor import decode_key

        if self.op == "get_item":
            return args[0][decode_key(self.key)]
        if self.swap:
            args = tuple(reversed(args))
        return getattr(ops, self.op)(*args, **self.op_kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op, "swap": self.swap, "key": self.key,
                "op_kwargs": self.op_kwargs}
