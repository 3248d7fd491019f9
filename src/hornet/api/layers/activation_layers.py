"""Activation layers: ``ReLU``, ``LeakyReLU``, ``PReLU`` (learned slopes), ``ELU`` and ``Softmax`` (with an
optional mask), with Keras 3 arguments, weights and semantics.

>>> ReLU(max_value=6.0)(np.array([-1.0, 3.0, 9.0], "float32")).tolist()        # doctest: +SKIP
[0.0, 3.0, 6.0]
>>> Softmax()(np.array([[1.0, 2.0, 3.0]], "float32"), mask=np.array([[1, 1, 0]], bool))  # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import activations, constraints, initializers, regularizers
from hornet.api import ops
from hornet.api.layers.input_spec import InputSpec
from hornet.api.layers.layer import Layer
from hornet.ir.dtypes import dtype as to_dtype


def _non_negative(layer: str, name: str, value: Any, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{layer}: `{name}` must be a number >= 0{' or None' if allow_none else ''}, got "
                         f"{name}={value!r}")


class _Elementwise(Layer):
    """An activation applied elementwise: output shape = input shape, masks pass through, no weights."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)


class ReLU(_Elementwise):
    """Rectified linear unit: ``x`` in ``[threshold, max_value)``, ``max_value`` above it, and
    ``negative_slope * (x - threshold)`` below ``threshold``.

    >>> ReLU(negative_slope=0.1)(np.array([-10.0, 5.0], "float32")).tolist()      # doctest: +SKIP
    [-1.0, 5.0]
    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any):
        _non_negative("ReLU", "max_value", max_value, allow_none=True)
        _non_negative("ReLU", "negative_slope", negative_slope)
        _non_negative("ReLU", "threshold", threshold)
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs: Any) -> Any:
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(_Elementwise):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise (``alpha`` is the deprecated name of the slope).

    >>> LeakyReLU()(np.array([-10.0, 2.0], "float32")).tolist()                    # doctest: +SKIP
    [-3.0, 2.0]
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        _non_negative("LeakyReLU", "negative_slope", negative_slope)
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs: Any) -> Any:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_Elementwise):
    """Exponential linear unit: ``x`` for ``x >= 0``, ``alpha * (exp(x) - 1)`` otherwise.

    >>> ELU(alpha=0.5)(np.array([-1.0, 1.0], "float32"))                         # doctest: +SKIP
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs: Any) -> Any:
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """Parametric ReLU: ``x`` for ``x >= 0``, ``alpha * x`` otherwise, with a learned ``alpha`` of the input's
    shape without the batch dim (size 1 along ``shared_axes``, e.g. ``[1, 2]`` for one slope per channel of
    ``(batch, height, width, channels)`` images).

    >>> PReLU(shared_axes=[1, 2]).build((None, 8, 8, 3))                          # doctest: +SKIP
    """

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: int | Sequence[int] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if any(isinstance(a, bool) or not isinstance(a, int) or a < 1 for a in axes):
                raise ValueError(f"PReLU: `shared_axes` must be positive axis indices (axis 0 is the batch), got "
                                 f"shared_axes={shared_axes!r}")
            self.shared_axes = axes

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if axis >= rank:
                raise ValueError(f"layer '{self.name}' (PReLU): shared axis {axis} is out of range for inputs of "
                                 f"shape {input_shape}")
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f"layer '{self.name}' (PReLU): the non-shared dims of the input must be known to create "
                             f"`alpha`; got input shape {input_shape} with shared_axes={self.shared_axes}")
        self.alpha = self.add_weight(shape=param_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint,
                                     name="alpha")
        axes = {i: input_shape[i] for i in range(1, rank) if self.shared_axes and i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=rank, axes=axes)
        self.built = True

    def call(self, inputs: Any) -> Any:
        if len(inputs.shape) != len(self.alpha.shape) + 1:
            raise ValueError(f"layer '{self.name}' (PReLU) was built for inputs of rank {len(self.alpha.shape) + 1}, "
                             f"got an input of shape {tuple(inputs.shape)}")
        alpha = ops.cast(self.alpha.value, inputs.dtype)
        return ops.relu(inputs) - alpha * ops.relu(-inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint), "shared_axes": self.shared_axes}


class Softmax(_Elementwise):
    """Softmax along ``axis`` (an int or a list of ints). ``mask`` (broadcastable to the inputs, True/1 = keep)
    excludes positions: they get a large negative logit and a zero output.

    >>> Softmax()(np.array([[1.0, 2.0, 1.0]], "float32"))                       # doctest: +SKIP
    [[0.2119, 0.5761, 0.2119]]
    """

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, tuple) else axis

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            mask = self._broadcastable_mask(inputs, mask)
            big_negative = -3e4 if to_dtype(inputs.dtype).name == "float16" else -1e9
            inputs = ops.where(mask, inputs, ops.cast(big_negative, inputs.dtype))
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            out = ops.exp(inputs - ops.logsumexp(inputs, axis=tuple(self.axis), keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            out = activations.softmax(inputs, axis=axis)
        if mask is not None:
            out = ops.where(mask, out, ops.zeros_like(out))
        return out

    def _broadcastable_mask(self, inputs: Any, mask: Any) -> Any:
        mask = ops.convert_to_tensor(mask)
        in_shape, m_shape = tuple(inputs.shape), tuple(mask.shape)
        bad = len(m_shape) > len(in_shape) or any(
            isinstance(m, int) and isinstance(i, int) and m not in (1, i)
            for m, i in zip(m_shape[::-1], in_shape[::-1]))
        if bad:
            raise ValueError(f"layer '{self.name}' (Softmax): the mask must broadcast to the inputs (each mask dim "
                             f"1 or equal to the input's, and no more dims); got inputs of shape {_fmt(in_shape)} "
                             f"and a mask of shape {_fmt(m_shape)}")
        if to_dtype(mask.dtype).name != "bool":
            mask = ops.greater(mask, ops.cast(0.5, mask.dtype))
        return mask

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def _fmt(shape: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(d if isinstance(d, int) else None for d in shape)


__all__ = ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"]
