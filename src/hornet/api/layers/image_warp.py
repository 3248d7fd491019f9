"""Random non-affine warps: ``RandomPerspective`` and ``RandomElasticTransform`` (Keras 3 arguments and
semantics). In training each image is warped with probability ``p`` drawn per image from the ``factor`` range
(a number ``f`` means ``[0, f]``, so the default ``factor=1.0`` warps about half of the images); at inference
the images pass unchanged (cast to the compute dtype). Segmentation masks get the same warp with nearest
interpolation; labels pass through.

>>> RandomPerspective(scale=0.3, seed=1)(images, training=True)             # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.layers import image_transforms as transforms
from hornet.api.layers.image_augment import AugmentationLayer, per_sample
from hornet.api.layers.image_preprocessing import _value_range, factor_range, plain
from hornet.api.random import uniform
from hornet.api.random.seed_generator import draw_seed
from hornet.ir.dtypes import dtype as to_dtype

_INTERPOLATIONS = ("nearest", "bilinear")


def _check_interpolation(layer: str, interpolation: str) -> None:
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{layer}: unknown interpolation={interpolation!r}; expected one of {_INTERPOLATIONS}")


class _WarpLayer(AugmentationLayer):
    """Shared draw of which images to warp, and the per-image choice between warped and original."""

    def _apply_mask(self, images: Any) -> Any:
        batch = ops.shape(images)[0]
        probability = uniform((batch,), self.factor[0], self.factor[1], seed=self.generator)
        return uniform((batch,), 0.0, 1.0, seed=self.generator) < probability

    def _warp(self, images: Any, transformation: Any, interpolation: str) -> Any:
        raise NotImplementedError

    def augment_images(self, images: Any, transformation: Any) -> Any:
        return self._warp(images, transformation, self.interpolation)

    def augment_masks(self, masks: Any, transformation: Any) -> Any:
        return self._warp(masks, transformation, "nearest")

    def _choose(self, transformation: Any, warped: Any, images: Any) -> Any:
        return ops.where(per_sample(transformation["apply"], 4), warped, images)


class RandomPerspective(_WarpLayer):
    """Shift each image's four corners by random fractions (uniform in ``[-scale/2, scale/2]`` of their
    coordinates) and warp the image by the matching perspective transform; points from outside the image read
    ``fill_value``. ``interpolation``: "bilinear" or "nearest".

    >>> RandomPerspective(factor=1.0, scale=0.5, seed=3)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, factor: Any = 1.0, scale: float = 1.0, interpolation: str = "bilinear",
                 fill_value: float = 0.0, seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        self.factor = factor_range("RandomPerspective", "factor", factor, (0, 1))
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.0 <= scale <= 1.0:
            raise ValueError(f"RandomPerspective: `scale` must be a number in the range [0, 1], got scale={scale!r}")
        _check_interpolation("RandomPerspective", interpolation)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value

    def random_transformation(self, images: Any, single: bool) -> Any:
        h, w = sampling._static_hw(images, f"layer '{self.name}' (RandomPerspective)")
        apply = self._apply_mask(images)
        shift = uniform((ops.shape(images)[0], 4, 2), -0.5 * self.scale, 0.5 * self.scale, dtype=self.compute_dtype,
                        seed=self.generator)
        corners = np.array([[0.0, 0.0], [w - 1, 0.0], [0.0, h - 1], [w - 1, h - 1]], dtype=self.compute_dtype)
        start = ops.broadcast_to(corners, ops.shape(shift))
        return {"apply": apply, "start": start, "end": start + start * shift}

    def _warp(self, images: Any, transformation: Any, interpolation: str) -> Any:
        start, end = ops.cast(transformation["start"], "float32"), ops.cast(transformation["end"], "float32")
        warped = transforms.warp_perspective(images, start, end, interpolation, self.fill_value,
                                             f"layer '{self.name}' (RandomPerspective)")
        return self._choose(transformation, warped, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


class RandomElasticTransform(_WarpLayer):
    """Displace each image's pixels by a smooth random field: a distortion ``d`` is drawn per batch from the
    ``scale`` range (a number ``s`` means ``[0, s]``), giving ``alpha = 0.1 d max(h, w)`` and
    ``sigma = 0.05 d min(h, w)`` for ``elastic_transform``; the result is clipped to ``value_range``.
    ``fill_mode`` ("reflect" by default, "constant", "nearest", "wrap", "mirror") handles points outside.

    >>> RandomElasticTransform(scale=0.5, value_range=(0, 1), seed=2)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, factor: Any = 1.0, scale: Any = 1.0, interpolation: str = "bilinear",
                 fill_mode: str = "reflect", fill_value: float = 0.0, value_range: Sequence[float] = (0, 255),
                 seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        name = "RandomElasticTransform"
        self.factor = factor_range(name, "factor", factor, (0, 1))
        self.scale = factor_range(name, "scale", scale, (0, 1))
        _check_interpolation(name, interpolation)
        if fill_mode not in sampling.FILL_MODES:
            raise ValueError(f"{name}: unknown fill_mode={fill_mode!r}; expected one of {sampling.FILL_MODES}")
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = _value_range(name, value_range)

    def random_transformation(self, images: Any, single: bool) -> Any:
        if self.scale[1] == 0 or self.factor[1] == 0:
            return None
        apply = self._apply_mask(images)
        distortion = uniform((), self.scale[0], self.scale[1], dtype=self.compute_dtype, seed=self.generator)
        # one key for the displacement field, shared with the segmentation masks so they stay aligned
        return {"apply": apply, "distortion": distortion, "key": draw_seed(self.generator)}

    def _warp(self, images: Any, transformation: Any, interpolation: str) -> Any:
        what = f"layer '{self.name}' (RandomElasticTransform)"
        h, w = sampling._static_hw(images, what)
        distortion = transformation["distortion"]
        alpha = max(h, w) * (0.1 * distortion)
        sigma = min(h, w) * (0.05 * distortion)
        max_sigma = min(h, w) * 0.05 * self.scale[1] * (1 + 1e-5)  # float32 draws may round up past the bound
        dtype = images.dtype
        work = images if to_dtype(dtype).is_floating else ops.cast(images, "float32")  # integer masks
        warped = transforms.elastic_displace(work, alpha, sigma, max_sigma, transformation["key"], interpolation,
                                             self.fill_mode, self.fill_value, what)
        out = ops.clip(self._choose(transformation, warped, work), self.value_range[0], self.value_range[1])
        return ops.cast(out, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "scale": list(self.scale),
                "interpolation": self.interpolation, "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "value_range": plain(self.value_range)}


__all__ = ["RandomPerspective", "RandomElasticTransform"]
