"""Image preprocessing layers (Keras 3 arguments and semantics) on ``(height, width, channels)`` images or
``(batch, height, width, channels)`` batches (``data_format="channels_first"`` puts channels first):

- deterministic: ``Resizing``, ``CenterCrop``;
- random augmentation, active in training only (``training`` defaults to True when a layer is called directly,
  as in Keras; models pass ``training=False`` for inference, where these layers are the identity):
  ``RandomFlip``, ``RandomCrop``, ``RandomContrast``, ``RandomBrightness`` here, and ``RandomTranslation``,
  ``RandomRotation``, ``RandomZoom`` in ``image_geometric``. Each draws from its own
  ``hornet.random.SeedGenerator``, so a given ``seed`` gives the same numbers as Keras 3 on JAX.

>>> Resizing(4, 4)(np.zeros((2, 8, 8, 3), "float32")).shape                 # doctest: +SKIP
(2, 4, 4, 3)
>>> RandomFlip("horizontal", seed=1)(images, training=True)                 # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.layers.conv_base import standardize_data_format
from hornet.api.layers.layer import Layer, check_rank
from hornet.api.random import SeedGenerator, uniform
from hornet.api.random.seed_generator import make_default_seed
from hornet.ir.dtypes import dtype as to_dtype


def factor_range(layer: str, name: str, factor: Any, bounds: tuple[float, float]) -> tuple[float, float]:
    """Keras's base-layer factor rule: a pair (sorted) overlapping ``bounds``, or a number ``f`` in ``bounds``
    giving ``(max(-|f|, bounds[0]), |f|)``."""
    message = (f"{layer}: `{name}` must be a number or a pair of numbers in the range [{bounds[0]}, {bounds[1]}], "
               f"got {name}={factor!r}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not bounds[0] <= factor <= bounds[1]:
        raise ValueError(message)
    return max(-abs(factor), bounds[0]), abs(factor)


def plain(value: Any) -> Any:
    """Tuples as lists (JSON configs)."""
    return [plain(v) for v in value] if isinstance(value, (tuple, list)) else value


class BaseImageLayer(Layer):
    """Shared input handling: rank 3 or 4, either data format; subclasses work on channels-last batches."""

    def __init__(self, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.built = True

    def _to_batch(self, images: Any) -> tuple[Any, bool]:
        """``(batch, h, w, c)`` view of the input, and whether it was a single image."""
        check_rank(self, images, (3, 4), "image input (height, width, channels) or a batch of them")
        single = len(images.shape) == 3
        if single:
            images = ops.expand_dims(images, 0)
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        return images, single

    def _from_batch(self, images: Any, single: bool) -> Any:
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 3, 1, 2))
        return ops.squeeze(images, 0) if single else images

    def _hw_axes(self, rank: int) -> tuple[int, int]:
        return (-3, -2) if self.data_format == "channels_last" else (rank - 2, rank - 1)

    def _with_hw(self, input_shape: Sequence[Any], height: int, width: int) -> tuple[Any, ...]:
        shape = list(input_shape)
        if len(shape) not in (3, 4):
            raise ValueError(f"layer '{self.name}' ({type(self).__name__}) expects image shapes of rank 3 or 4, got "
                             f"input_shape={tuple(input_shape)}")
        h_axis, w_axis = self._hw_axes(len(shape))
        shape[h_axis], shape[w_axis] = height, width
        return tuple(shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


def _restore_dtype(resized: Any, dtype: Any) -> Any:
    """Integer images come back rounded and saturated to their dtype (as Keras's Resizing)."""
    want = to_dtype(dtype)
    if to_dtype(resized.dtype) == want:
        return resized
    if want.is_floating:
        return ops.cast(resized, want.name)
    info = np.iinfo(want.np)
    return ops.cast(ops.clip(ops.round(resized), float(info.min), float(info.max)), want.name)


class Resizing(BaseImageLayer):
    """Resize images to ``(height, width)`` ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"; half-pixel
    centres). ``crop_to_aspect_ratio`` first takes the largest centred window with the target aspect ratio;
    ``pad_to_aspect_ratio`` instead pads with ``fill_value``. Integer images keep their dtype (rounded).

    >>> Resizing(2, 3, crop_to_aspect_ratio=True)(np.ones((1, 6, 6, 1), "float32")).shape   # doctest: +SKIP
    (1, 2, 3, 1)
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, fill_mode: str = "constant", fill_value: float = 0.0,
                 antialias: bool = False, data_format: str | None = None, **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        for name, value in (("height", height), ("width", width)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"Resizing: `{name}` must be a positive integer, got {name}={value!r}")
        if interpolation not in sampling.INTERPOLATIONS:
            raise ValueError(f"Resizing: unknown interpolation={interpolation!r}; expected one of "
                             f"{sampling.INTERPOLATIONS}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: only fill_mode='constant' is supported, got fill_mode={fill_mode!r}")
        self.height, self.width = height, width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, fill_value
        self.antialias = bool(antialias)

    def call(self, inputs: Any) -> Any:
        images, single = self._to_batch(inputs)
        what = f"layer '{self.name}' (Resizing)"
        if self.crop_to_aspect_ratio:
            images = sampling.crop_to_aspect_ratio(images, self.height, self.width, what)
        elif self.pad_to_aspect_ratio:
            images = sampling.pad_to_aspect_ratio(images, self.height, self.width, self.fill_value, what)
        out = sampling.resize(images, self.height, self.width, self.interpolation, self.antialias, what)
        return self._from_batch(_restore_dtype(out, inputs.dtype), single)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self._with_hw(input_shape, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}


def _center_window(layer: BaseImageLayer, images: Any, height: int, width: int) -> Any:
    """The centred ``(height, width)`` crop, or, for smaller images, the largest centred window with that aspect
    ratio resized (bilinear) to it."""
    what = f"layer '{layer.name}' ({type(layer).__name__})"
    h, w = sampling._static_hw(images, what)
    if h >= height and w >= width:
        top, left = (h - height) // 2, (w - width) // 2
        return images[:, top:top + height, left:left + width, :]
    images = sampling.crop_to_aspect_ratio(images, height, width, what)
    return sampling.resize(images, height, width, "bilinear", False, what)


class CenterCrop(BaseImageLayer):
    """Crop the central ``(height, width)`` window; smaller images are first cropped to the target aspect ratio
    and resized up. Outputs are in the compute dtype.

    >>> CenterCrop(2, 2)(np.arange(16, dtype="float32").reshape(4, 4, 1))[..., 0].tolist()   # doctest: +SKIP
    [[5.0, 6.0], [9.0, 10.0]]
    """

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width

    def call(self, inputs: Any) -> Any:
        images, single = self._to_batch(ops.cast(inputs, self.compute_dtype))
        return self._from_batch(_center_window(self, images, self.height, self.width), single)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self._with_hw(input_shape, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomImageLayer(BaseImageLayer):
    """A random augmentation with its own seed generator (``seed`` None: a random seed)."""

    def __init__(self, seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(RandomImageLayer):
    """Flip each image with probability 1/2 ("horizontal": left-right, "vertical": up-down,
    "horizontal_and_vertical": both at once).

    >>> RandomFlip("horizontal", seed=3)(images, training=True)               # doctest: +SKIP
    """

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        if mode not in _FLIP_MODES:
            raise ValueError(f"RandomFlip: unknown mode={mode!r}; expected one of {_FLIP_MODES}")
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = mode

    def call(self, inputs: Any, training: bool = True) -> Any:
        images, single = self._to_batch(ops.cast(inputs, self.compute_dtype))
        if training:
            flip = ops.less_equal(uniform((ops.shape(images)[0], 1, 1, 1), seed=self.generator), 0.5)
            if self.mode != "vertical":
                images = ops.where(flip, ops.flip(images, axis=2), images)
            if self.mode != "horizontal":
                images = ops.where(flip, ops.flip(images, axis=1), images)
        return self._from_batch(images, single)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode}


class RandomCrop(RandomImageLayer):
    """In training, crop a random ``(height, width)`` window (one offset for the whole batch); at inference, and
    in training for images not larger than the target, take the largest centred window with the target aspect
    ratio, resized to ``(height, width)``, so the output shape is always ``(height, width)``.

    >>> RandomCrop(4, 4, seed=0)(np.zeros((2, 8, 8, 3), "float32")).shape     # doctest: +SKIP
    (2, 4, 4, 3)
    """

    def __init__(self, height: int, width: int, seed: int | None = None, data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.seed = seed if seed is not None else make_default_seed()
        self.height, self.width = height, width

    def call(self, inputs: Any, training: bool = True) -> Any:
        images, single = self._to_batch(ops.cast(inputs, self.compute_dtype))
        h, w = sampling._static_hw(images, f"layer '{self.name}' (RandomCrop)")
        if training and h > self.height and w > self.width:
            top = ops.cast(uniform((), 0, float(h - self.height + 1), seed=self.generator), "int32")
            left = ops.cast(uniform((), 0, float(w - self.width + 1), seed=self.generator), "int32")
            images = ops.take(images, top + np.arange(self.height, dtype=np.int32), axis=1)
            images = ops.take(images, left + np.arange(self.width, dtype=np.int32), axis=2)
        else:
            top, left, ch, cw = sampling.crop_window(h, w, self.height, self.width)
            images = images[:, top:top + ch, left:left + cw, :]
            if (ch, cw) != (self.height, self.width):
                images = ops.cast(sampling.resize(images, self.height, self.width), self.compute_dtype)
        return self._from_batch(images, single)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self._with_hw(input_shape, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width}


def _value_range(layer: str, value_range: Any) -> list[float]:
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{layer}: `value_range` must be a pair of numbers (low, high), got "
                         f"value_range={value_range!r}")
    return sorted(value_range)


class RandomContrast(RandomImageLayer):
    """In training, scale each image's deviation from its per-channel mean by a random factor drawn from
    ``[1 - lower, 1 + upper]`` (``(lower, upper)`` from ``factor`` as Keras 3 normalizes it: a number ``f``
    gives ``(0, f)``), then clip to ``value_range``. At inference the input is returned unchanged.

    >>> RandomContrast(0.5, seed=1)(images, training=True)                    # doctest: +SKIP
    """

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255), seed: int | None = None,
                 **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor_range("RandomContrast", "factor", factor, (0, 1))
        self.value_range = _value_range("RandomContrast", value_range)

    def call(self, inputs: Any, training: bool = True) -> Any:
        if not training:
            check_rank(self, inputs, (3, 4), "image input (height, width, channels) or a batch of them")
            return inputs
        images, single = self._to_batch(ops.cast(inputs, self.compute_dtype))
        return self._from_batch(self._apply(images, self._draw(images, self.generator)), single)

    def _draw(self, images: Any, seed: Any) -> Any:
        """Per-image contrast factors of a channels-last batch (the augmentation policies pass their seed)."""
        return uniform((ops.shape(images)[0], 1, 1, 1), 1.0 - self.factor[0], 1.0 + self.factor[1],
                       dtype=self.compute_dtype, seed=seed)

    def _apply(self, images: Any, factor: Any) -> Any:
        mean = ops.mean(ops.mean(images, axis=1, keepdims=True), axis=2, keepdims=True)
        return ops.clip((images - mean) * factor + mean, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomBrightness(RandomImageLayer):
    """In training, add a random ``delta * (high - low)`` per image (``delta`` uniform in the ``factor`` range,
    a number ``f`` meaning ``[-f, f]``) and clip to ``value_range = (low, high)``; identity at inference.

    >>> RandomBrightness(0.2, value_range=(0, 1), seed=1)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255), seed: int | None = None,
                 **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor_range("RandomBrightness", "factor", factor, (-1, 1))
        self.value_range = _value_range("RandomBrightness", value_range)

    def call(self, inputs: Any, training: bool = True) -> Any:
        if not training:
            check_rank(self, inputs, (3, 4), "image input (height, width, channels) or a batch of them")
            return inputs
        images, single = self._to_batch(ops.cast(inputs, self.compute_dtype))
        return self._from_batch(self._apply(images, self._draw(images, self.generator)), single)

    def _draw(self, images: Any, seed: Any) -> Any:
        """Per-image offsets of a channels-last batch (the augmentation policies pass their seed)."""
        low, high = self.value_range
        delta = uniform((ops.shape(images)[0], 1, 1, 1), self.factor[0], self.factor[1], seed=seed)
        return ops.cast(delta * (high - low), self.compute_dtype)

    def _apply(self, images: Any, delta: Any) -> Any:
        return ops.clip(images + delta, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


_GEOMETRIC = ("RandomTranslation", "RandomRotation", "RandomZoom")


def __getattr__(name: str) -> Any:
    # the affine augmentations live in image_geometric (which imports this module's base classes)
    if name in _GEOMETRIC:
        from hornet.api.layers import image_geometric

        return getattr(image_geometric, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Resizing", "CenterCrop", "RandomFlip", "RandomCrop", "RandomContrast", "RandomBrightness",
           "RandomTranslation", "RandomRotation", "RandomZoom"]
