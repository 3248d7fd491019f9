"""``TernaryDense``: a dense layer trained with weights ternarized to ``{-1, 0, +1}`` on every forward pass and
a straight-through estimator for the gradients (Keras 3.16's ``keras.layers.TernaryDense``, the BitNet b1.58
rule).

>>> layer = TernaryDense(16)                                       # doctest: +SKIP
>>> layer(np.ones((4, 8), "float32")).shape
(4, 16)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import activations, constraints, initializers, ops, regularizers
from hornet.api.layers.conv_base import read
from hornet.api.layers.input_spec import InputSpec
from hornet.api.layers.layer import Layer
from hornet.api.layers.layer_objects import set_objects
from hornet.ir.errors import ShapeError


class TernaryDense(Layer):
    """``activation(beta * (inputs @ ternary(kernel)) + bias)`` with ``ternary(k) = sign(k) * (|k| > t)``.

    ``threshold=None`` (default) uses ``t = 0.5 * mean(|kernel|)`` and ``beta = mean(|kernel|)``, recomputed
    each call; a fixed non-negative ``threshold`` uses ``t = threshold`` and ``beta = 1``. The float kernel
    stays the trainable weight: the gradient passes through the ternarization as if it were the identity
    (and through ``beta``). Weights as ``Dense``: ``kernel (input_dim, units)`` and ``bias (units,)``.

    >>> layer = TernaryDense(3, threshold=0.0)      # every weight becomes +1 or -1   # doctest: +SKIP
    >>> layer.ternary_kernel()                                          # doctest: +SKIP
    """

    def __init__(self, units: int, threshold: float | None = None, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"TernaryDense: `units` must be a positive integer, got units={units!r}")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                      or threshold < 0):
            raise ValueError(f"TernaryDense: `threshold` must be a non-negative float or None, got "
                             f"threshold={threshold!r}")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.threshold = threshold
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_objects(self, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                    kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                    kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: Sequence[Any]) -> None:
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ShapeError(f"layer '{self.name}' (TernaryDense) expects an input of rank >= 2 with a known last "
                             f"dim, got shape {tuple(input_shape)}")
        input_dim = int(input_shape[-1])
        self.kernel = self.add_weight(shape=(input_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def ternary_kernel(self) -> Any:
        """The kernel as used by ``call``: values in ``{-1, 0, +1}``, gradients passed straight through.

        >>> np.unique(np.asarray(layer.ternary_kernel()))              # doctest: +SKIP
        array([-1., 0., 1.], dtype=float32)
        """
        k = read(self, self.kernel)
        magnitude = ops.abs(k)
        t = 0.5 * ops.mean(magnitude) if self.threshold is None else self.threshold
        hard = ops.sign(k) * ops.cast(ops.greater(magnitude, t), ops.dtype(k))
        return k + ops.stop_gradient(hard - k)

    def call(self, inputs: Any) -> Any:
        k = read(self, self.kernel)
        x = ops.matmul(inputs, self.ternary_kernel())
        if self.threshold is None:
            x = ops.multiply(x, ops.mean(ops.abs(k)))
        if self.bias is not None:
            x = ops.add(x, read(self, self.bias))
        return self.activation(x) if self.activation is not None else x

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, "threshold": self.threshold,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


__all__ = ["TernaryDense"]
