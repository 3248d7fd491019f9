"""Random affine image augmentations: ``RandomTranslation``, ``RandomRotation``, ``RandomZoom`` (Keras 3
arguments and semantics; also importable from ``image_preprocessing``).

Each draws per-image parameters from its ``SeedGenerator`` in training (``training`` defaults to True when
called directly, as Keras), builds ``(batch, 8)`` affine transforms and resamples with
``image_sampling.affine_transform`` (``interpolation`` "bilinear"/"nearest"; ``fill_mode`` "reflect" (default),
"wrap", "constant" (with ``fill_value``) or "nearest" for points outside the image). At inference the images
pass unchanged (cast to the compute dtype).

>>> RandomRotation(0.1, fill_mode="constant", seed=1)(images, training=True)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.layers.image_preprocessing import RandomImageLayer, factor_range, plain
from hornet.api.random import uniform

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")


def _pair(layer: str, name: str, factor: Any, lowest_open: bool = False) -> tuple[float, float]:
    """A ``(lower, upper)`` range from a number ``f`` (``[-|f|, |f|]``) or a pair, each value in [-1, 1]
    (``(-1, 1]`` when ``lowest_open``)."""
    bounds = "(-1.0, 1.0]" if lowest_open else "[-1.0, 1.0]"

    def check(v: Any) -> None:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v > 1.0 or v < -1.0 or (lowest_open and v == -1):
            raise ValueError(f"{layer}: `{name}` must be a number or a pair of numbers in the range {bounds}, "
                             f"got {name}={factor!r}")

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(f"{layer}: `{name}` must be a number or a pair of numbers, got {name}={factor!r}")
        check(factor[0])
        check(factor[1])
        lower, upper = sorted(factor)
        return lower, upper
    check(factor)
    return -abs(factor), abs(factor)


class _AffineLayer(RandomImageLayer):
    """Shared arguments and the resampling step; subclasses implement ``_transforms(batch, h, w, seed)``."""

    def __init__(self, fill_mode: str = "reflect", interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, data_format: str | None = None, **kwargs: Any):
        name = type(self).__name__
        if fill_mode not in _FILL_MODES:
            raise ValueError(f"{name}: unknown fill_mode={fill_mode!r}; expected one of {_FILL_MODES}")
        if interpolation not in sampling.AFFINE_INTERPOLATIONS:
            raise ValueError(f"{name}: unknown interpolation={interpolation!r}; expected one of "
                             f"{sampling.AFFINE_INTERPOLATIONS}")
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _transforms(self, batch: Any, height: int, width: int, seed: Any) -> Any:
        raise NotImplementedError

    def _draw(self, images: Any, seed: Any) -> Any:
        """The ``(batch, 8)`` transforms of a channels-last batch, drawn from ``seed`` (the augmentation policies
        pass their own generator)."""
        h, w = sampling._static_hw(images, f"layer '{self.name}' ({type(self).__name__})")
        return self._transforms(ops.shape(images)[0], h, w, seed)

    def _apply(self, images: Any, transforms: Any) -> Any:
        return sampling.affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value,
                                         f"layer '{self.name}' ({type(self).__name__})")

    def call(self, inputs: Any, training: bool = True) -> Any:
        images, single = self._to_batch(ops.cast(inputs, self.compute_dtype))
        if training:
            images = self._apply(images, self._draw(images, self.generator))
        return self._from_batch(images, single)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}


def _affine(a0: Any, a2: Any, b1: Any, b2: Any) -> Any:
    """``(batch, 8)`` transforms ``[a0, 0, a2, 0, b1, b2, 0, 0]`` from ``(batch, 1)`` columns."""
    zeros = ops.zeros_like(a0)
    return ops.concatenate([a0, zeros, a2, zeros, b1, b2, zeros, zeros], axis=1)


class RandomTranslation(_AffineLayer):
    """Shift each image by a random fraction of its height and width: ``height_factor=0.2`` shifts by up to
    20% up or down; a pair ``(lower, upper)`` gives the range (negative = up/left).

    >>> RandomTranslation(0.1, 0.1, seed=2)(images, training=True)            # doctest: +SKIP
    """

    def __init__(self, height_factor: Any, width_factor: Any, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any):
        self.height_lower, self.height_upper = _pair("RandomTranslation", "height_factor", height_factor)
        self.width_lower, self.width_upper = _pair("RandomTranslation", "width_factor", width_factor)
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor

    def _transforms(self, batch: Any, height: int, width: int, seed: Any) -> Any:
        dy = uniform((batch, 1), self.height_lower, self.height_upper, seed=seed) * height
        dx = uniform((batch, 1), self.width_lower, self.width_upper, seed=seed) * width
        ones = ops.ones_like(dx)
        return _affine(ones, -dx, ones, -dy)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height_factor": plain(self.height_factor),
                "width_factor": plain(self.width_factor)}


class RandomRotation(_AffineLayer):
    """Rotate each image about its centre by a random angle of ``factor * 360`` degrees: ``factor=0.1`` rotates
    by up to 36 degrees either way; a pair ``(lower, upper)`` gives the range (positive = counter-clockwise).

    >>> RandomRotation((-0.05, 0.05), fill_mode="nearest", seed=0)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, factor: Any, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0, data_format: str | None = None, **kwargs: Any):
        self.factor = factor_range("RandomRotation", "factor", factor, (-1, 1))
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)

    def _transforms(self, batch: Any, height: int, width: int, seed: Any) -> Any:
        angle = uniform((batch,), self.factor[0] * 360.0, self.factor[1] * 360.0, seed=seed)
        return sampling.rotation_matrix(angle, height, width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor)}


class RandomZoom(_AffineLayer):
    """Zoom each image about its centre by a random factor: ``height_factor=0.2`` samples the vertical scale of
    the sampled window in ``[0.8, 1.2]`` (below 1 zooms in, above 1 zooms out); ``width_factor`` likewise, or the
    same draw as the height (keeping the aspect ratio) when None.

    >>> RandomZoom(0.2, seed=5)(images, training=True)                        # doctest: +SKIP
    """

    def __init__(self, height_factor: Any, width_factor: Any = None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any):
        self.height_lower, self.height_upper = _pair("RandomZoom", "height_factor", height_factor, True)
        if width_factor is not None:
            self.width_lower, self.width_upper = _pair("RandomZoom", "width_factor", width_factor, True)
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor

    def _transforms(self, batch: Any, height: int, width: int, seed: Any) -> Any:
        zy = uniform((batch, 1), 1.0 + self.height_lower, 1.0 + self.height_upper, seed=seed)
        zx = zy
        if self.width_factor is not None:
            zx = uniform((batch, 1), 1.0 + self.width_lower, 1.0 + self.width_upper, seed=seed)
        x_offset = np.float32((width - 1.0) / 2.0) * (1.0 - zx)
        y_offset = np.float32((height - 1.0) / 2.0) * (1.0 - zy)
        return _affine(zx, x_offset, zy, y_offset)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height_factor": plain(self.height_factor),
                "width_factor": plain(self.width_factor)}


__all__ = ["RandomTranslation", "RandomRotation", "RandomZoom"]
