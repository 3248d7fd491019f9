"""Tone-curve image augmentations (Keras 3 arguments, defaults and semantics): ``RandomInvert``,
``RandomPosterization``, ``Solarization`` (random, in training only) and ``AutoContrast`` (deterministic, in
training and at inference alike).

The random layers draw per-image parameters from their ``SeedGenerator``, so a ``seed`` gives the numbers of
Keras 3 on JAX.

>>> Solarization(threshold_factor=(0.5, 0.5), value_range=(0, 1), seed=0)(images, training=True)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.layers import image_augmentation as aug
from hornet.api.layers.image_augmentation import (AugmentationLayer, RandomAugmentationLayer, transform_value_range,
                                                  unit_range, value_range_arg)
from hornet.api.layers.image_preprocessing import factor_range, plain
from hornet.api.random import SeedGenerator, randint, uniform

_BITS = 8


class RandomInvert(RandomAugmentationLayer):
    """Replace each image by ``value_range[1] - image`` with a random probability drawn from the ``factor``
    range (``f`` gives ``[0, f]``; the default 1.0 gives probabilities uniform in [0, 1]).

    >>> RandomInvert(0.5, value_range=(0, 1), seed=1)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, factor: Any = 1.0, value_range: Sequence[float] = (0, 255), seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range("RandomInvert", "factor", factor, (0, 1))
        self.value_range = value_range_arg("RandomInvert", value_range, sort=False)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        n = aug.batch_size(images)
        probability = uniform((n,), self.factor[0], self.factor[1], seed=seed)
        return ops.less(uniform((n,), 0.0, 1.0, seed=seed), probability)

    def _apply(self, images: Any, invert: Any) -> Any:
        return ops.where(ops.reshape(invert, (-1, 1, 1, 1)), self.value_range[1] - images, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": plain(self.value_range)}


def _bits(factor: Any) -> tuple[int, int]:
    lower, upper = factor_range("RandomPosterization", "factor", factor, (1, _BITS))
    if lower < 1 or upper > _BITS:  # stricter than Keras, which shifts by up to 8 bits for pairs reaching below 1
        raise ValueError(f"RandomPosterization: `factor` must be a number or a pair of numbers in [1, 8], got "
                         f"factor={factor!r}")
    if int(lower) != lower or int(upper) != upper:
        raise ValueError(f"RandomPosterization: `factor` must hold whole numbers of bits, got factor={factor!r}")
    return int(lower), int(upper)


class RandomPosterization(RandomAugmentationLayer):
    """Keep only the ``b`` most significant bits of each 8-bit pixel value (``value_range`` mapped onto [0, 255]
    and back), ``b`` a random integer in ``[lower, upper)`` per image (``factor=f`` gives ``[1, f)``; equal bounds
    fix ``b``).

    >>> RandomPosterization((4, 4), seed=0)(images, training=True)             # doctest: +SKIP
    """

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255), data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _bits(factor)
        self.value_range = value_range_arg("RandomPosterization", value_range)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        n = aug.batch_size(images)
        if self.factor[0] != self.factor[1]:
            bits = randint((n,), self.factor[0], self.factor[1], dtype="uint8", seed=seed)
        else:  # no draw, as Keras (the generator does not move)
            bits = ops.ones((n,), "uint8") * self.factor[0]
        return ops.subtract(_BITS, bits)

    def _apply(self, images: Any, shift: Any) -> Any:
        dtype = self.compute_dtype
        shift = ops.reshape(ops.cast(shift, "uint8"), (-1, 1, 1, 1))
        pixels = ops.cast(transform_value_range(images, self.value_range, (0, 255), dtype), "uint8")
        pixels = ops.bitwise_left_shift(ops.bitwise_right_shift(pixels, shift), shift)
        return transform_value_range(ops.cast(pixels, dtype), (0, 255), self.value_range, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class Solarization(RandomAugmentationLayer):
    """Add a random ``a`` to each image (in the [0, 255] scale of ``value_range``), clip, then invert the pixels
    at or above a random threshold ``t``: ``a`` is uniform in ``[lower, upper * 255]`` of ``addition_factor``, ``t``
    likewise of ``threshold_factor`` (a number ``f`` gives ``(0, f)``; the defaults add nothing and invert every
    pixel). Outputs are in the compute dtype, at inference too.

    >>> Solarization(threshold_factor=(0.5, 0.5), seed=0)(images, training=True)   # doctest: +SKIP
    """

    _INFERENCE_CAST = True

    def __init__(self, addition_factor: Any = 0.0, threshold_factor: Any = 0.0,
                 value_range: Sequence[float] = (0, 255), seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = unit_range("Solarization", "addition_factor", addition_factor, symmetric=False)
        self.threshold_factor = unit_range("Solarization", "threshold_factor", threshold_factor,
                                           symmetric=False)
        self.value_range = value_range_arg("Solarization", value_range)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        shape = (aug.batch_size(images), 1, 1, 1)
        dtype = self.compute_dtype
        additions = uniform(shape, self.addition_factor[0], self.addition_factor[1] * 255, dtype=dtype, seed=seed)
        thresholds = uniform(shape, self.threshold_factor[0], self.threshold_factor[1] * 255, dtype=dtype, seed=seed)
        return additions, thresholds

    def _apply(self, images: Any, params: Any) -> Any:
        additions, thresholds = params
        dtype = self.compute_dtype
        out = ops.clip(transform_value_range(images, self.value_range, (0, 255), dtype) + additions, 0.0, 255.0)
        out = ops.where(ops.less(out, thresholds), out, 255.0 - out)
        return transform_value_range(out, (0, 255), self.value_range, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": list(self.value_range),
                "addition_factor": list(self.addition_factor), "threshold_factor": list(self.threshold_factor)}


class AutoContrast(AugmentationLayer):
    """Stretch each channel of each image so its minimum maps to ``value_range[0]`` and its maximum to
    ``value_range[1]``; constant channels are left as they are. Applied in training and at inference (as Keras).

    >>> AutoContrast(value_range=(0, 1))(np.array([[[0.2], [0.6]]], "float32"))[..., 0].tolist()   # doctest: +SKIP
    [[0.0, 1.0]]
    """

    _TRAINING_ONLY = False

    def __init__(self, value_range: Sequence[float] = (0, 255), **kwargs: Any):
        super().__init__(**kwargs)
        self.value_range = value_range_arg("AutoContrast", value_range)

    def _apply(self, images: Any, params: Any) -> Any:
        dtype = self.compute_dtype
        scaled = ops.cast(transform_value_range(images, self.value_range, (0, 255), dtype), dtype)
        low = ops.min(scaled, axis=(1, 2), keepdims=True)
        high = ops.max(scaled, axis=(1, 2), keepdims=True)
        # a constant channel gives 255 / 0 = inf and then NaN: those pixels keep their input value
        scale = 255.0 / (high - low)
        out = ops.clip(scaled * scale + (-low * scale), 0.0, 255.0)
        out = transform_value_range(out, (0, 255), self.value_range, dtype)
        return ops.where(ops.isnan(out), ops.cast(images, dtype), out)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": list(self.value_range)}


__all__ = ["RandomInvert", "RandomPosterization", "Solarization", "AutoContrast"]
