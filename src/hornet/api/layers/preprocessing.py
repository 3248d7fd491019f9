"""Preprocessing layers: Normalization (fixed ``mean``/``variance`` or learned with ``adapt``) and Rescaling,
with Keras 3 semantics.

>>> norm = Normalization()
>>> norm.adapt(np.array([[0.0], [2.0]], "float32"))
>>> np.asarray(norm(np.array([[2.0]], "float32"))).round(4).tolist()
[[1.0]]
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Mapping, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers.layer import Layer
from hornet.ir.dtypes import dtype as to_dtype

EPSILON = 1e-7  # Keras's backend.epsilon(): the smallest standard deviation divided by


def _first(batch: Any) -> Any:
    """The inputs of an ``(x, y)`` or ``(x, y, sample_weight)`` batch."""
    return batch[0] if isinstance(batch, tuple) else batch


def _host(x: Any) -> np.ndarray:
    return np.asarray(ops.convert_to_numpy(x) if ops.is_tensor(x) else x)


class Normalization(Layer):
    """``(inputs - mean) / sqrt(variance)`` per position of the kept ``axis`` (default -1: per feature);
    ``invert=True`` maps back. ``mean``/``variance`` are given, or computed by ``adapt(data)`` into the
    non-trainable weights ``mean``, ``variance`` (and ``count``, kept for Keras weight compatibility).

    >>> Normalization(mean=2.0, variance=4.0)(np.array([[4.0]], "float32")).tolist()    # doctest: +SKIP
    [[1.0]]
    """

    def __init__(self, axis: int | Sequence[int] | None = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape: tuple[Any, ...] | None = None
        if (mean is None) != (variance is None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be set. Received: "
                             f"mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must have the same shape. "
                                 f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"The rank of `mean` must be less than or equal to the number of axes "
                                 f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis {self.axis}")

    def build(self, input_shape: Sequence[Any]) -> None:
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"layer '{self.name}' (Normalization): all `axis` values must be in the range "
                             f"[-ndim, ndim). Received inputs with ndim={ndim}, while axis={self.axis}")
        self._build_input_shape = input_shape
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"layer '{self.name}' (Normalization): all `axis` values to be kept must have a "
                                 f"known shape. Received axis={self.axis}, inputs.shape={input_shape}, with unknown "
                                 f"axis at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._stat_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stat_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stat_shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32", initializer="zeros",
                                         trainable=False)
        else:
            self._fixed = tuple(self._expand(np.asarray(v, np.float64)) for v in (self.input_mean,
                                                                                   self.input_variance))
        self.built = True

    def _expand(self, value: np.ndarray) -> np.ndarray:
        """A given mean/variance broadcast to the kept axes' shape (aligned on the trailing kept axes)."""
        shape = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            shape[self._keep_axis[-i]] = value.shape[-i]
        return np.broadcast_to(value.reshape(shape), self._broadcast_shape)

    def _stats(self) -> tuple[Any, Any]:
        dtype = self.compute_dtype
        if self.input_mean is not None:
            return tuple(v.astype(to_dtype(dtype).np) for v in self._fixed)
        mean = ops.cast(ops.reshape(self.adapt_mean.value, self._broadcast_shape), dtype)
        var = ops.cast(ops.reshape(self.adapt_variance.value, self._broadcast_shape), dtype)
        return mean, var

    def call(self, inputs: Any) -> Any:
        inputs = ops.cast(inputs, self.compute_dtype)
        mean, var = self._stats()
        std = ops.maximum(ops.sqrt(var), EPSILON)
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, std))
        return ops.divide(ops.subtract(inputs, mean), std)

    def adapt(self, data: Any) -> None:
        """Compute the mean and variance over the non-kept axes of ``data``: an array, or an iterable of batches
        (a list or generator of arrays, ``(x, y)`` batches, a ``tf.data.Dataset``, a torch DataLoader)."""
        if self.input_mean is not None:
            raise ValueError(f"layer '{self.name}' (Normalization) was given `mean` and `variance`; it can't adapt()")
        if isinstance(data, np.ndarray) or ops.is_tensor(data):
            batches = [_host(data)]
        else:
            if hasattr(data, "element_spec") and hasattr(data, "batch"):  # a tf.data.Dataset
                spec = data.element_spec
                spec = spec[0] if isinstance(spec, tuple) else spec
                if len(spec.shape) == 1:  # unbatched feature vectors
                    data = data.batch(128)
            if not hasattr(data, "__iter__"):
                raise TypeError(f"Unsupported data type: {type(data).__name__}. `adapt` supports NumPy arrays, "
                                "tensors, and iterables of batches (lists, generators, tf.data, DataLoader).")
            it = iter(data)
            first = next(it, None)
            if first is None:
                raise ValueError("adapt() received an empty iterable (no batches). Pass at least one batch, e.g. "
                                 "layer.adapt([x]).")
            batches = (_host(_first(b)) for b in itertools.chain([first], it))
        self._adapt_batches(batches)

    def _adapt_batches(self, batches: Any) -> None:
        total_mean = total_var = None
        total = 0
        for batch in batches:
            batch = batch.astype(np.float64)
            if not self.built:
                self.build(batch.shape)
            for d in self._keep_axis:
                if batch.ndim != len(self._build_input_shape) or batch.shape[d] != self._build_input_shape[d]:
                    raise ValueError(f"layer '{self.name}' (Normalization) was built with input_shape="
                                     f"{self._build_input_shape}, but adapt() got data of incompatible shape "
                                     f"{batch.shape}")
            mean = batch.mean(axis=self._reduce_axis)
            var = batch.var(axis=self._reduce_axis)
            count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if total_mean is None:
                total_mean, total_var, total = mean, var, count
                continue
            # merge two groups' moments (parallel variance): weights are the groups' shares of all samples
            total += count
            w = count / total
            new_mean = total_mean * (1 - w) + mean * w
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1 - w) + (var + (mean - new_mean) ** 2) * w
            total_mean = new_mean
        self.adapt_mean.assign(total_mean.astype(self.adapt_mean.dtype.np))
        self.adapt_variance.assign(total_var.astype(self.adapt_variance.dtype.np))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            return None if v is None else np.asarray(v).tolist()

        return {**super().get_config(), "axis": self.axis, "invert": self.invert, "mean": plain(self.input_mean),
                "variance": plain(self.input_variance)}


def _from_keras_value(value: Any) -> Any:
    """A scale/offset from a config: plain numbers or lists, or Keras's ``{"class_name": "__numpy__"}`` form."""
    if isinstance(value, Mapping) and value.get("class_name") == "__numpy__":
        cfg = value["config"]
        return np.asarray(cfg["value"], cfg.get("dtype"))
    if isinstance(value, list):
        return np.asarray(value)
    return value


class Rescaling(Layer):
    """``inputs * scale + offset`` (``scale``/``offset``: numbers or arrays broadcast against the inputs),
    computed in the layer's compute dtype.

    >>> Rescaling(1 / 255)(np.array([255], "uint8")).tolist()          # doctest: +SKIP
    [1.0]
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.scale = _from_keras_value(scale)
        self.offset = _from_keras_value(offset)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        dtype = self.compute_dtype
        scale = ops.cast(np.asarray(self.scale), dtype)
        offset = ops.cast(np.asarray(self.offset), dtype)
        return ops.add(ops.multiply(ops.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            return np.asarray(v).tolist() if isinstance(v, (np.ndarray, np.generic)) else v

        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}


__all__ = ["Normalization", "Rescaling"]
