"""Random filtering augmentations (Keras 3 arguments, defaults and semantics): ``RandomSharpness`` and
``RandomGaussianBlur``. Both draw from their ``SeedGenerator`` in training (a ``seed`` gives the numbers of
Keras 3 on JAX) and return the images in the compute dtype, unchanged otherwise, at inference.

>>> RandomGaussianBlur(factor=0.5, kernel_size=5, sigma=(0.5, 1.0), seed=0)(images, training=True)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import image_augmentation as aug
from hornet.api.layers.image_augmentation import RandomAugmentationLayer, value_range_arg
from hornet.api.layers.image_preprocessing import factor_range, plain
from hornet.api.ops.image_color import gaussian_blur
from hornet.api.random import SeedGenerator, uniform

# the smoothing kernel of PIL's ImageFilter.SMOOTH (centre weight 5, neighbours 1), as Keras
_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], np.float64) / 13.0


class RandomSharpness(RandomAugmentationLayer):
    """Blend each image with its smoothed version: ``image + (1 - 2u) * (smooth - image)``, ``u`` uniform in the
    ``factor`` range (``f`` gives ``[0, f]``; ``u = 0.5`` keeps the image, 0 fully smooths it, 1 sharpens), then
    clip to ``value_range``.

    >>> RandomSharpness((0.6, 0.9), seed=2)(images, training=True)            # doctest: +SKIP
    """

    _INFERENCE_CAST = True

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255), data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range("RandomSharpness", "factor", factor, (0, 1))
        self.value_range = value_range_arg("RandomSharpness", value_range)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        return uniform((aug.batch_size(images),), self.factor[0], self.factor[1], seed=seed)

    def _apply(self, images: Any, factor: Any) -> Any:
        dtype = self.compute_dtype
        sharpness = ops.reshape(ops.cast(factor * 2.0, dtype), (-1, 1, 1, 1))
        channels = images.shape[-1]
        kernel = np.tile(_SMOOTH[:, :, None, None], (1, 1, channels, 1))
        smooth = ops.cast(ops.depthwise_conv(images, ops.cast(kernel, dtype), strides=1, padding="same",
                                             data_format="channels_last"), dtype)
        out = images + (1.0 - sharpness) * (smooth - images)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


def _odd_sizes(kernel_size: Any) -> tuple[int, int]:
    message = f"RandomGaussianBlur: `kernel_size` must be an odd integer or a pair of them, got " \
              f"kernel_size={kernel_size!r}"
    sizes = list(kernel_size) if isinstance(kernel_size, (tuple, list)) else [kernel_size, kernel_size]
    if len(sizes) != 2:
        raise ValueError(message)
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 or s % 2 == 0:
            raise ValueError(message)
    return int(sizes[0]), int(sizes[1])


class RandomGaussianBlur(RandomAugmentationLayer):
    """Blur each image, with a random probability drawn from the ``factor`` range (``f`` gives ``[0, f]``), by a
    Gaussian of ``kernel_size`` (odd; a pair applies its first entry along the width, as Keras) whose two
    standard deviations are drawn once per batch from the ``sigma`` range (``s`` gives ``[0, s]``, within
    [0, 1]); then clip to ``value_range``.

    >>> RandomGaussianBlur(kernel_size=(3, 5), sigma=0.8, seed=1)(images, training=True)   # doctest: +SKIP
    """

    _INFERENCE_CAST = True

    def __init__(self, factor: Any = 1.0, kernel_size: Any = 3, sigma: Any = 1.0,
                 value_range: Sequence[float] = (0, 255), data_format: str | None = None, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range("RandomGaussianBlur", "factor", factor, (0, 1))
        self.kernel_size = _odd_sizes(kernel_size)
        self.sigma = factor_range("RandomGaussianBlur", "sigma", sigma, (0, 1))
        self.value_range = value_range_arg("RandomGaussianBlur", value_range, sort=False)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        n = aug.batch_size(images)
        probability = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        blur = ops.less(uniform((n,), 0.0, 1.0, seed=seed), probability)
        sigma = uniform((2,), self.sigma[0], self.sigma[1], dtype=self.compute_dtype, seed=seed) + 1e-6
        return blur, sigma

    def _apply(self, images: Any, params: Any) -> Any:
        blur, sigma = params
        blurred = gaussian_blur(images, self.kernel_size, sigma, data_format="channels_last")
        out = ops.where(ops.reshape(blur, (-1, 1, 1, 1)), blurred, images)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "kernel_size": list(self.kernel_size),
                "sigma": list(self.sigma), "value_range": plain(self.value_range)}


__all__ = ["RandomSharpness", "RandomGaussianBlur"]
