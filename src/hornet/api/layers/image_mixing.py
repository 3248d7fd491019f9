"""Patch and mixing augmentations: ``RandomErasing``, ``CutMix``, ``MixUp`` (Keras 3 arguments and semantics).

They take images, a dict ``{"images", "labels", "segmentation_masks"}`` or an ``(images, labels)`` pair; CutMix and
MixUp pair each image with another of the batch (a random permutation) and mix the labels (``(batch, classes)``,
e.g. one-hot) in the same proportion as the pixels. At inference everything passes unchanged.

>>> out = CutMix(seed=0)({"images": images, "labels": one_hot}, training=True)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.layers.image_augment import AugmentationLayer, batch_range, per_sample
from hornet.api.layers.image_preprocessing import _value_range, factor_range, plain
from hornet.api.random import beta, normal, shuffle, uniform
from hornet.ir.dtypes import dtype as to_dtype


def _box_mask(layer: AugmentationLayer, images: Any, side: Any, side_h: Any = None) -> tuple[Any, ...]:
    """A random box per image whose sides are the fractions ``side`` (width) and ``side_h`` (height, default
    ``side``) of the image: ``(mask (batch, h, w, 1), x0, x1, y0, y1)``, the box at a uniform position."""
    h, w = sampling._static_hw(images, f"layer '{layer.name}' ({type(layer).__name__})")
    batch = ops.shape(images)[0]
    bounds = []
    for length, fraction in ((w, side), (h, side if side_h is None else side_h)):
        size = ops.cast(fraction * length, layer.compute_dtype)
        start = uniform((batch,), 0.0, 1.0, dtype=layer.compute_dtype, seed=layer.generator) * (length - size)
        bounds += [start, start + size]
    x0, x1, y0, y1 = (per_sample(b, 4) for b in bounds)
    xs = ops.convert_to_tensor(np.arange(w, dtype=layer.compute_dtype).reshape(1, 1, w, 1))
    ys = ops.convert_to_tensor(np.arange(h, dtype=layer.compute_dtype).reshape(1, h, 1, 1))
    mask = (x0 <= xs) & (x1 > xs) & (y0 <= ys) & (y1 > ys)  # traced operand first: TF tensors don't defer to it
    return mask, x0, x1, y0, y1


def _mix(weight: Any, own: Any, other: Any) -> Any:
    """``weight * own + (1 - weight) * other`` with ``(batch,)`` weights; integer values are mixed as floats."""
    if not to_dtype(own.dtype).is_floating:
        own, other = ops.cast(own, weight.dtype), ops.cast(other, weight.dtype)
    weight = ops.cast(per_sample(weight, len(own.shape)), own.dtype)
    return weight * own + (1.0 - weight) * other


class RandomErasing(AugmentationLayer):
    """Erase a random box of each image (with probability drawn per image from the ``factor`` range; a number
    ``f`` means ``[0, f]``): each side is the square root of a fraction drawn from ``scale`` times the image
    side. The box takes ``fill_value`` (a number, or one per channel), or, when None, normal noise times
    ``value_range[1]``; the fill is clipped to ``value_range``.

    >>> RandomErasing(factor=1.0, scale=(0.1, 0.3), fill_value=0.0, seed=1)(images, training=True)  # doctest: +SKIP
    """

    def __init__(self, factor: Any = 1.0, scale: Any = (0.02, 0.33), fill_value: Any = None,
                 value_range: Sequence[float] = (0, 255), seed: int | None = None, data_format: str | None = None,
                 **kwargs: Any):
        self.factor = factor_range("RandomErasing", "factor", factor, (0, 1))
        self.scale = factor_range("RandomErasing", "scale", scale, (0, 1))
        ok = fill_value is None or (isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool)) or (
            isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)
        if not ok:
            raise ValueError(f"RandomErasing: `fill_value` must be None, a number or a list of three numbers, got "
                             f"fill_value={fill_value!r}")
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.fill_value = plain(fill_value)
        self.value_range = _value_range("RandomErasing", value_range)

    def _fill(self, images: Any, single: bool) -> Any:
        low, high = self.value_range
        if self.fill_value is None:
            shape = tuple(ops.shape(images))
            if self.data_format == "channels_first":  # drawn in the input layout, as the caller sees it
                shape = (shape[0], shape[3], shape[1], shape[2])
            noise = normal(shape[1:] if single else shape, dtype=self.compute_dtype, seed=self.generator)
            if single:
                noise = ops.expand_dims(noise, 0)
            if self.data_format == "channels_first":
                noise = ops.transpose(noise, (0, 2, 3, 1))
            fill = noise * high
        else:
            fill = ops.convert_to_tensor(np.asarray(self.fill_value, dtype=self.compute_dtype))
        return ops.clip(fill, low, high)

    def random_transformation(self, images: Any, single: bool) -> Any:
        batch = ops.shape(images)[0]
        sides = ops.sqrt(uniform((batch, 2), self.scale[0], self.scale[1], dtype=self.compute_dtype,
                                 seed=self.generator))
        mask, *_ = _box_mask(self, images, sides[:, 0], sides[:, 1])
        probability = uniform((batch,), self.factor[0], self.factor[1], seed=self.generator)
        apply = uniform((batch,), 0.0, 1.0, seed=self.generator) < probability
        return {"mask": mask & per_sample(apply, 4), "fill": self._fill(images, single)}

    def augment_images(self, images: Any, transformation: Any) -> Any:
        fill = ops.cast(transformation["fill"], images.dtype)
        return ops.where(transformation["mask"], fill, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "scale": list(self.scale),
                "fill_value": self.fill_value, "value_range": list(self.value_range)}


class CutMix(AugmentationLayer):
    """Paste into each image a random box of its partner image (a random permutation of the batch); the box
    covers a fraction ``1 - lam`` of the area on average, ``lam ~ Beta(a, a)`` with ``a`` drawn from the
    ``factor`` range (a number ``f`` means ``[0, f]``). Labels mix by the pasted area. Single (unbatched) images
    pass unchanged.

    >>> CutMix(factor=1.0, seed=2)({"images": images, "labels": one_hot}, training=True)   # doctest: +SKIP
    """

    def __init__(self, factor: Any = 1.0, seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        self.factor = factor_range("CutMix", "factor", factor, (0, 1))
        super().__init__(seed=seed, data_format=data_format, **kwargs)

    def random_transformation(self, images: Any, single: bool) -> Any:
        if single:
            return None
        h, w = sampling._static_hw(images, f"layer '{self.name}' (CutMix)")
        batch = ops.shape(images)[0]
        a = uniform((), self.factor[0], self.factor[1], dtype=self.compute_dtype, seed=self.generator) + 1e-6
        lam = beta((batch,), a, a, dtype=self.compute_dtype, seed=self.generator)
        mask, x0, x1, y0, y1 = _box_mask(self, images, ops.sqrt(1.0 - lam))
        order = shuffle(batch_range(batch), seed=self.generator)
        weight = ops.reshape(1.0 - (x1 - x0) * (y1 - y0) / (w * h), (-1,))
        return {"order": order, "mask": mask, "weight": weight}

    def augment_images(self, images: Any, transformation: Any) -> Any:
        return ops.where(transformation["mask"], ops.take(images, transformation["order"], axis=0), images)

    def augment_labels(self, labels: Any, transformation: Any) -> Any:
        return _mix(transformation["weight"], labels, ops.take(labels, transformation["order"], axis=0))

    def augment_masks(self, masks: Any, transformation: Any) -> Any:
        return self.augment_images(ops.cast(masks, self.compute_dtype), transformation)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor)}


class MixUp(AugmentationLayer):
    """Blend each image with its partner image (a random permutation of the batch):
    ``lam * image + (1 - lam) * partner`` with ``lam ~ Beta(alpha, alpha)`` per image; labels (and segmentation
    masks) blend with the same ``lam``. At inference the inputs are returned as they are.

    >>> MixUp(alpha=0.2, seed=1)({"images": images, "labels": one_hot}, training=True)   # doctest: +SKIP
    """

    def __init__(self, alpha: float = 0.2, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number, got alpha={alpha!r}")
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.alpha = alpha

    def transform_images(self, images: Any, transformation: Any) -> Any:
        return images if transformation is None else self.augment_images(images, transformation)

    def random_transformation(self, images: Any, single: bool) -> Any:
        batch = ops.shape(images)[0]
        order = shuffle(batch_range(batch), seed=self.generator)
        return {"order": order, "weight": beta((batch,), self.alpha, self.alpha, seed=self.generator)}

    def augment_images(self, images: Any, transformation: Any) -> Any:
        images = ops.cast(images, self.compute_dtype)
        return _mix(transformation["weight"], images, ops.take(images, transformation["order"], axis=0))

    def augment_labels(self, labels: Any, transformation: Any) -> Any:
        return _mix(transformation["weight"], labels, ops.take(labels, transformation["order"], axis=0))

    def augment_masks(self, masks: Any, transformation: Any) -> Any:
        return self.augment_labels(masks, transformation)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


__all__ = ["RandomErasing", "CutMix", "MixUp"]
