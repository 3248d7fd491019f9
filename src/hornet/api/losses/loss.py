"""``Loss``: the base class of losses, and ``LossFunctionWrapper`` (a loss function plus fixed keyword arguments).

Subclasses implement ``call(y_true, y_pred)`` returning unreduced per-sample values; ``__call__`` converts the
inputs to the loss dtype, calls ``call`` and weights/reduces with ``reduce_weighted``.

>>> from hornet.api import ops
>>> class MyMSE(Loss):
...     def call(self, y_true, y_pred):
...         return ops.mean(ops.square(y_pred - y_true), axis=-1)
>>> MyMSE()([[0.0, 1.0]], [[1.0, 1.0]])                           # doctest: +SKIP
Array(0.5, dtype=float32)
"""
from __future__ import annotations

import re
from typing import Any, Callable

from hornet.api import ops
from hornet.api.losses.crossentropy import call_with_mask
from hornet.api.losses.reduction import (expand_to_rank, reduce_weighted, squeeze_or_expand_to_same_rank,
                                          standardize_reduction)
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import ShapeError

__all__ = ["Loss", "LossFunctionWrapper", "snake_case"]


def snake_case(name: str) -> str:
    """Keras's ``to_snake_case``: ``"MeanSquaredError"`` -> ``"mean_squared_error"``, ``"AUC"`` -> ``"auc"``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _shape_of(x: Any) -> Any:
    try:
        return tuple(ops.shape(x))
    except Exception:  # noqa: BLE001  (only used to describe an input in an error message)
        return "?"


class Loss:
    """Base class of losses: ``Loss(name=None, reduction="sum_over_batch_size", dtype=None)``.

    ``reduction`` is one of ``"sum_over_batch_size"``, ``"sum"``, ``"mean"``, ``"mean_with_sample_weight"``,
    ``"none"`` or ``None``. ``dtype`` (default float32) is the dtype inputs are converted to.

    >>> class Abs(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.abs(y_pred - y_true), axis=-1)
    >>> Abs(reduction="sum")([[1.0]], [[3.0]])          # doctest: +SKIP
    Array(2., dtype=float32)
    """

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size", dtype: Any = None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = to_dtype(dtype if dtype is not None else "float32").name

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None, *, mask: Any = None) -> Any:
        """The weighted, reduced loss. ``mask`` (hornet's addition) is a float vector over the batch: rows with 0
        (padding) leave the result unchanged."""
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        try:
            values, valid = self._call_with_mask(y_true, y_pred)
        except ShapeError as e:
            raise ShapeError(f"loss {type(self).__name__} (name={self.name!r}) got y_true.shape="
                             f"{_shape_of(y_true)} and y_pred.shape={_shape_of(y_pred)}: {e}") from e
        if valid is not None:
            values = ops.convert_to_tensor(values)
            mask = valid if mask is None else ops.multiply(
                valid, expand_to_rank(ops.cast(ops.convert_to_tensor(mask), ops.dtype(valid)), ops.ndim(valid)))
        return reduce_weighted(values, sample_weight, self.reduction, mask=mask, dtype=self.dtype)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-sample (unreduced) loss values; subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        """``call`` plus a mask of entries to leave out of averages (None unless the loss ignores some labels)."""
        return self.call(y_true, y_pred), None

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A loss from a function ``fn(y_true, y_pred, **kwargs)`` returning per-sample values.

    >>> from hornet.api.losses.functions import huber
    >>> LossFunctionWrapper(huber, delta=2.0)([[0.0]], [[3.0]])    # doctest: +SKIP
    Array(4., dtype=float32)
    """

    def __init__(self, fn: Callable[..., Any], reduction: str | None = "sum_over_batch_size", name: str | None = None,
                 dtype: Any = None, **kwargs: Any):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper: fn must be callable, got {fn!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        return self._call_with_mask(y_true, y_pred)[0]

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return call_with_mask(self.fn, y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        from hornet.api.losses.registry import serialize

        return {**super().get_config(), "fn": serialize(self.fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Loss":
        from hornet.api.losses.registry import deserialize

        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"
