"""Random colour augmentations of RGB images (Keras 3 arguments, defaults and semantics):
``RandomColorDegeneration``, ``RandomGrayscale``, ``RandomHue``, ``RandomSaturation`` and ``RandomColorJitter``
(brightness, contrast, saturation and hue in turn).

Each draws per-image parameters from its ``SeedGenerator`` in training (``training`` defaults to True when
called directly, as Keras), so a ``seed`` gives the numbers of Keras 3 on JAX; at inference the input is
returned unchanged. The HSV conversions are ``hornet.api.ops.image_color``'s.

>>> RandomHue(0.2, value_range=(0, 1), seed=1)(images, training=True)      # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.layers import image_augmentation as aug
from hornet.api.layers.image_augmentation import RandomAugmentationLayer, transform_value_range, value_range_arg
from hornet.api.layers.image_preprocessing import RandomBrightness, RandomContrast, factor_range, plain
from hornet.api.ops.image_color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from hornet.api.random import SeedGenerator, uniform

EPSILON = 1e-7  # Keras's backend.epsilon()


class RandomColorDegeneration(RandomAugmentationLayer):
    """Blend each image towards its grayscale version by a random factor from the ``factor`` range (a number
    ``f`` gives ``[-f, f]``; 1 is fully gray, negative factors push colours apart), then clip to ``value_range``.

    >>> RandomColorDegeneration(0.5, seed=2)(images, training=True)           # doctest: +SKIP
    """

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255), data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range("RandomColorDegeneration", "factor", factor, (-1, 1))
        self.value_range = value_range_arg("RandomColorDegeneration", value_range)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        return uniform((aug.batch_size(images), 1, 1, 1), self.factor[0], self.factor[1], seed=seed)

    def _apply(self, images: Any, factor: Any) -> Any:
        factor = ops.cast(factor, self.compute_dtype)
        images = images + factor * (rgb_to_grayscale(images) - images)
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomGrayscale(RandomAugmentationLayer):
    """Replace each image, with probability ``factor``, by its grayscale version repeated over the 3 channels.
    Keeps the input dtype (integer images are converted in floating point and truncated).

    >>> RandomGrayscale(0.5, seed=0)(images, training=True)                   # doctest: +SKIP
    """

    _CAST_INPUTS = False

    def __init__(self, factor: float = 0.5, data_format: str | None = None, seed: int | None = None,
                 **kwargs: Any):
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: `factor` must be a number in [0, 1], got factor={factor!r}")
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        values = uniform((aug.batch_size(images),), 0.0, 1.0, seed=seed)
        return ops.reshape(ops.less(values, float(self.factor)), (-1, 1, 1, 1))

    def _apply(self, images: Any, gray: Any) -> Any:
        return ops.where(gray, rgb_to_grayscale(images), images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor}


class RandomHue(RandomAugmentationLayer):
    """Rotate each image's hue by a random ``± u / 2`` turn, ``u`` uniform in the ``factor`` range (``f`` gives
    ``[0, f]``; the sign is a fair coin), through HSV with ``value_range`` mapped onto ``[0, 1]``.

    >>> RandomHue(0.5, seed=3)(images, training=True)                         # doctest: +SKIP
    """

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255), data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range("RandomHue", "factor", factor, (0, 1))
        self.value_range = value_range_arg("RandomHue", value_range, sort=False)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        n = aug.batch_size(images)
        coin = uniform((n,), seed=seed)
        sign = ops.where(ops.greater(coin, 0.5), -1.0, 1.0)
        return sign * uniform((n,), self.factor[0], self.factor[1], seed=seed) * 0.5

    def _apply(self, images: Any, shift: Any) -> Any:
        dtype = self.compute_dtype
        hsv = rgb_to_hsv(transform_value_range(images, self.value_range, (0, 1), dtype))
        hue = hsv[..., 0] + ops.reshape(ops.cast(shift, dtype), (-1, 1, 1))
        hue = ops.where(ops.greater(hue, 1.0), hue - 1.0, hue)
        hue = ops.where(ops.less(hue, 0.0), hue + 1.0, hue)
        rgb = hsv_to_rgb(ops.stack([hue, hsv[..., 1], hsv[..., 2]], axis=-1))
        return transform_value_range(ops.clip(rgb, 0.0, 1.0), (0, 1), self.value_range, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": plain(self.value_range)}


class RandomSaturation(RandomAugmentationLayer):
    """Scale each image's HSV saturation by ``u / (1 - u)``, ``u`` uniform in the ``factor`` range (``f`` gives
    ``[-f, f]``, as Keras's base rule; ``u = 0.5`` keeps the image, 0 makes it gray, near 1 fully saturated).
    As Keras, the images go to HSV as they are (no value-range mapping) and the scaled saturation is clipped to
    ``value_range``.

    >>> RandomSaturation((0.3, 0.7), seed=4)(images, training=True)           # doctest: +SKIP
    """

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255), data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range("RandomSaturation", "factor", factor, (-1, 1))
        self.value_range = value_range_arg("RandomSaturation", value_range)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        u = uniform((aug.batch_size(images),), self.factor[0], self.factor[1], seed=seed)
        return u / (1.0 - u + EPSILON)

    def _apply(self, images: Any, factor: Any) -> Any:
        hsv = rgb_to_hsv(images)
        saturation = hsv[..., 1] * ops.reshape(ops.cast(factor, self.compute_dtype), (-1, 1, 1))
        saturation = ops.clip(saturation, self.value_range[0], self.value_range[1])
        return hsv_to_rgb(ops.stack([hsv[..., 0], saturation, hsv[..., 2]], axis=-1))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomColorJitter(RandomAugmentationLayer):
    """Apply, in this order, ``RandomBrightness``, ``RandomContrast``, ``RandomSaturation`` and ``RandomHue``
    with the given factors (a None factor skips that step), all drawing from this layer's seed generator.

    >>> RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=5)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, value_range: Sequence[float] = (0, 255), brightness_factor: Any = None,
                 contrast_factor: Any = None, saturation_factor: Any = None, hue_factor: Any = None,
                 seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range_arg("RandomColorJitter", value_range, sort=False)
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        common = dict(value_range=value_range, seed=seed, dtype=self.dtype_policy)
        steps = ((RandomBrightness, brightness_factor), (RandomContrast, contrast_factor),
                 (RandomSaturation, saturation_factor), (RandomHue, hue_factor))
        self.random_brightness, self.random_contrast, self.random_saturation, self.random_hue = (
            None if factor is None else cls(factor=factor, **common) for cls, factor in steps)

    def _steps(self) -> list[Any]:
        return [s for s in (self.random_brightness, self.random_contrast, self.random_saturation, self.random_hue)
                if s is not None]

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        return seed  # each step draws in _apply, after the previous step ran (Keras's order)

    def _apply(self, images: Any, seed: SeedGenerator) -> Any:
        for step in self._steps():
            images = ops.cast(step._apply(images, step._draw(images, seed)), self.compute_dtype)
        return images

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": plain(self.value_range),
                "brightness_factor": plain(self.brightness_factor), "contrast_factor": plain(self.contrast_factor),
                "saturation_factor": plain(self.saturation_factor), "hue_factor": plain(self.hue_factor)}


__all__ = ["RandomColorDegeneration", "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomColorJitter"]
