"""``SpectralNormalization``: a wrapper that divides a layer's kernel by its largest singular value (estimated by
power iteration) in training, as Keras 3's ``keras.layers.SpectralNormalization`` (Miyato et al., 2018).

>>> sn = SpectralNormalization(Dense(8))                           # doctest: +SKIP
>>> y = sn(x, training=True)     # the Dense kernel is rescaled to spectral norm ~1, vector_u updated
"""
from __future__ import annotations

from typing import Any

from hornet.api import initializers, ops
from hornet.api.layers.input_spec import InputSpec
from hornet.api.layers.layer import Layer
from hornet.api.layers.wrapper import Wrapper


class SpectralNormalization(Wrapper):
    """Spectral normalization of the ``kernel`` (or ``embeddings``) of ``layer``.

    Each training call runs ``power_iterations`` steps of power iteration from the non-trainable ``vector_u``
    (``(1, kernel.shape[-1])``, truncated-normal initialized), stores the new ``vector_u``, and assigns
    ``kernel / sigma`` to the wrapped layer's kernel before calling it (as Keras, the kernel variable itself is
    rescaled; an all-zero kernel is left alone). Inference calls use the kernel as it is. Inside a compiled
    training step the kernel assignment only shapes that step's forward pass and gradients (the optimizer then
    updates the kernel variable), as on Keras's JAX backend; ``vector_u`` persists across steps.
    Weights, in Keras's order: the kernel, ``vector_u``, then the layer's other weights.

    >>> sn = SpectralNormalization(Conv2D(2, 3), power_iterations=2)   # doctest: +SKIP
    >>> sn(np.ones((1, 8, 8, 1), "float32"), training=True).shape
    (1, 6, 6, 2)
    """

    def __init__(self, layer: Layer, power_iterations: int = 1, **kwargs: Any):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations <= 0:
            raise ValueError(f"SpectralNormalization: `power_iterations` must be a positive integer, got "
                             f"power_iterations={power_iterations!r}")
        self.power_iterations = power_iterations

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(f"layer '{self.name}' (SpectralNormalization): the wrapped {type(self.layer).__name__} "
                             f"'{self.layer.name}' has neither a `kernel` nor an `embeddings` weight")
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        # Keras tracks the wrapped kernel as the wrapper's own weight, which puts it first in `weights`
        self._trainable_variables.append(kernel)
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
                                        name="vector_u", dtype=kernel.dtype)
        self.built = True

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training:
            new_u, new_kernel = self.normalized_weights()
            self.vector_u.assign(new_u)
            self.kernel.assign(new_kernel)
        return ops.cast(self.layer(inputs), ops.dtype(inputs))

    def normalized_weights(self) -> tuple[Any, Any]:
        """``(vector_u, kernel / sigma)`` after ``power_iterations`` steps of power iteration; both unchanged
        for an all-zero kernel.

        >>> u, w = sn.normalized_weights()                           # doctest: +SKIP
        """
        kernel = self.kernel.value
        w = ops.reshape(kernel, (-1, self.kernel_shape[-1]))
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = ops.normalize(ops.matmul(u, ops.transpose(w)), axis=None)
            u = ops.normalize(ops.matmul(v, w), axis=None)
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, w), ops.transpose(u))
        # an all-zero kernel has sigma 0: dividing by 1 instead keeps it (and its gradients) finite
        zero = ops.all(ops.equal(kernel, 0))
        new_kernel = ops.reshape(ops.divide(kernel, ops.where(zero, ops.ones_like(sigma), sigma)),
                                 self.kernel_shape)
        new_u = ops.where(zero, self.vector_u.value, u)
        return ops.cast(new_u, self.vector_u.dtype), ops.cast(new_kernel, self.kernel.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "power_iterations": self.power_iterations}


__all__ = ["SpectralNormalization"]
