"""``hornet.Input`` and ``InputLayer``: the entry points of functional and Sequential models.

>>> x = hornet.Input(shape=(28, 28, 1), name="image")       # doctest: +SKIP
>>> x.shape
(None, 28, 28, 1)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.layers.keras_tensor import KerasTensor, Node
from hornet.api.layers.layer import Layer
from hornet.ir.errors import ShapeError


class InputLayer(Layer):
    def __init__(self, shape: Sequence[int | None] | None = None, batch_size: int | None = None, dtype: Any = None,
                 sparse: bool | None = None, batch_shape: Sequence[int | None] | None = None,
                 input_tensor: Any = None, optional: bool = False, name: str | None = None, **kwargs: Any):
        if "input_shape" in kwargs:  # Keras 2 spelling
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if sparse:
            raise NotImplementedError("hornet has no sparse tensors; pass dense inputs")
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input needs `shape` (without the batch dim) or `batch_shape`")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        if any(d is not None and d < 0 for d in self.batch_shape):
            raise ShapeError(f"Input {self.name!r}: dimensions must be >= 0 or None, got "
                             f"shape {self.batch_shape}")
        self._input_dtype = dtype or "float32"
        self.optional = optional
        self.built = True
        out = KerasTensor(self.batch_shape, self._input_dtype, name=self.name, history=(self, 0, 0))
        self._inbound_nodes.append(Node(self, (), {}, [out]))
        self.output = out

    @property
    def dtype(self) -> str:
        return KerasTensor((), self._input_dtype).dtype

    def call(self, x: Any) -> Any:
        return x

    def get_config(self) -> dict[str, Any]:
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "sparse": False, "name": self.name,
                "optional": self.optional}


def Input(shape: Sequence[int | None] | None = None, batch_size: int | None = None, dtype: Any = None,
          sparse: bool | None = None, batch_shape: Sequence[int | None] | None = None, name: str | None = None,
          tensor: Any = None, optional: bool = False) -> KerasTensor:
    """A symbolic input of a functional model (shape without the batch dim).

    >>> inputs = hornet.Input((784,)); outputs = layers.Dense(10)(inputs)      # doctest: +SKIP
    >>> model = hornet.Model(inputs, outputs)
    """
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                      name=name, optional=optional).output


__all__ = ["Input", "InputLayer"]
