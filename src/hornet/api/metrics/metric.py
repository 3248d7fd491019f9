"""``Metric``: the base class of stateful metrics. State lives in non-trainable ``hornet.Variable``s, so an
``update_state`` inside ``hornet.jit`` becomes explicit graph state (read as inputs, written as outputs).

>>> from hornet.api import ops
>>> class Count(Metric):
...     def __init__(self, name="count", dtype=None):
...         super().__init__(name=name, dtype=dtype)
...         self.n = self.add_variable((), initializer="zeros", name="n")
...     def update_state(self, values, sample_weight=None):
...         self.n.assign_add(ops.cast(ops.size(values), self.dtype))
...     def result(self):
...         return self.n.value
>>> Count()([1, 2, 3])                                                 # doctest: +SKIP
Array(3., dtype=float32)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.losses.loss import snake_case
from hornet.ir.dtypes import dtype as to_dtype
from hornet.runtime.variables import Variable

__all__ = ["Metric", "initial_value"]


def initial_value(initializer: Any, shape: Sequence[int], dtype: Any) -> np.ndarray:
    """A NumPy array for a metric variable: ``"zeros"``, ``"ones"``, a callable ``(shape, dtype)`` or a value."""
    d = to_dtype(dtype)
    shape = tuple(int(s) for s in shape)
    if initializer is None or initializer in ("zeros", "Zeros"):
        return np.zeros(shape, d.np)
    if isinstance(initializer, str):
        if initializer in ("ones", "Ones"):
            return np.ones(shape, d.np)
        raise ValueError(f"add_variable: unknown initializer {initializer!r}; use 'zeros', 'ones', a callable "
                         "(shape, dtype) -> array, or a value")
    value = initializer(shape, dtype=d.name) if callable(initializer) else initializer
    return np.broadcast_to(np.asarray(value, dtype=d.np), shape).copy()


class Metric:
    """Base class of metrics: ``Metric(dtype=None, name=None)`` (Keras's argument order).

    Subclasses create state with ``add_variable`` (in ``__init__``, or on the first ``update_state`` when it
    depends on input shapes), and implement ``update_state(...)`` and ``result()``.

    >>> from hornet.api.metrics import Mean
    >>> m = Mean()
    >>> m.update_state([1.0, 3.0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, dtype: Any = None, name: str | None = None):
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_metrics", [])
        self.name = name or snake_case(type(self).__name__)
        self._dtype = to_dtype(dtype if dtype is not None else "float32").name

    def __setattr__(self, name: str, value: Any) -> None:
        tracked = self.__dict__.get("_metrics")
        if tracked is not None and isinstance(value, Metric) and value is not self and \
                all(value is not m for m in tracked):
            tracked.append(value)  # a sub-metric: its variables are part of this metric's state
        object.__setattr__(self, name, value)

    @property
    def dtype(self) -> str:
        return self._dtype

    def add_variable(self, shape: Sequence[int], initializer: Any = "zeros", dtype: Any = None,
                     aggregation: str = "sum", name: str | None = None) -> Variable:
        """A non-trainable Variable of this metric's state (``aggregation`` says how replicas would combine it)."""
        if not hasattr(self, "_variables"):
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() in __init__ before add_variable")
        d = to_dtype(dtype if dtype is not None else self.dtype)
        var = Variable(initial_value(initializer, shape, d), dtype=d, trainable=False,
                       name=f"{self.name}/{name}" if name else None)
        var.aggregation = aggregation
        self._variables.append(var)
        return var

    def add_weight(self, shape: Sequence[int] = (), initializer: Any = None, dtype: Any = None,
                   name: str | None = None) -> Variable:
        return self.add_variable(shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list[Variable]:
        """This metric's variables, then those of the metrics it holds as attributes."""
        out = list(self._variables)
        for m in self._metrics:
            out.extend(m.variables)
        return out

    def reset_state(self) -> None:
        """Set every state variable back to zeros."""
        for v in self.variables:
            v.assign(np.zeros(v.shape, v.dtype.np))

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``update_state(...)`` then ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
