"""The two-step augmentation protocol shared by the colour, histogram, tone, filter and policy image layers.

An ``AugmentationLayer`` splits its work as Keras 3's image layers do: ``_draw(images, seed)`` draws the random
parameters of a channels-last batch from a seed generator (None for a deterministic layer) and
``_apply(images, params)`` transforms the batch with them. ``call`` runs both with the layer's own generator;
the policy layers (``AugMix``, ``RandAugment``, ``RandomColorJitter``) run them with *their* generator, so a
seed gives the draws of Keras 3 on JAX in Keras's order. The older random layers (``RandomBrightness``,
``RandomContrast`` and the affine ones, ``RandomShear`` included) expose the same two methods.

>>> layer = RandomInvert(seed=1)                                          # doctest: +SKIP
>>> params = layer._draw(images, layer.generator); layer._apply(images, params)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers.image_preprocessing import BaseImageLayer, RandomImageLayer
from hornet.api.layers.layer import check_rank
from hornet.api.random import SeedGenerator
from hornet.ir.dtypes import dtype as to_dtype


def value_range_arg(layer: str, value_range: Any, sort: bool = True) -> Any:
    """A checked ``(low, high)`` pair: sorted into a list (as most Keras colour layers store it) or kept as given.

    >>> value_range_arg("RandomHue", (255, 0))
    [0, 255]
    """
    ok = isinstance(value_range, (tuple, list)) and len(value_range) == 2 and all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in value_range)
    if not ok:
        raise ValueError(f"{layer}: `value_range` must be a pair of numbers (low, high), got "
                         f"value_range={value_range!r}")
    return sorted(value_range) if sort else value_range


def unit_range(layer: str, name: str, factor: Any, symmetric: bool) -> tuple[float, float]:
    """A factor whose values must all lie in [0, 1]: a pair (sorted), or a number ``f`` giving ``(-f, f)`` when
    ``symmetric`` (``RandomShear``) or ``(0, f)`` (``Solarization``).

    >>> unit_range("RandomShear", "x_factor", 0.2, symmetric=True)
    (-0.2, 0.2)
    """
    values = list(factor) if isinstance(factor, (tuple, list)) else [factor]
    if (isinstance(factor, (tuple, list)) and len(factor) != 2) or any(
            isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1 for v in values):
        raise ValueError(f"{layer}: `{name}` must be a number or a pair of numbers in [0, 1], got {name}={factor!r}")
    if len(values) == 2:
        lower, upper = sorted(values)
        return lower, upper
    return (-abs(factor), abs(factor)) if symmetric else (0, factor)


def transform_value_range(images: Any, original: Sequence[float], target: Sequence[float], dtype: str) -> Any:
    """Map ``images`` linearly from the ``original`` range onto the ``target`` one, in ``dtype`` (unchanged, and
    not cast, when the ranges are equal, as Keras).

    >>> transform_value_range(np.array([0.0, 127.5], "float32"), (0, 255), (0, 1), "float32")   # doctest: +SKIP
    Array([0. , 0.5], dtype=float32)
    """
    if original[0] == target[0] and original[1] == target[1]:
        return images
    np_dtype = to_dtype(dtype).np
    lo, hi = np_dtype.type(original[0]), np_dtype.type(original[1])
    t_lo, t_hi = np_dtype.type(target[0]), np_dtype.type(target[1])
    # Python floats holding the dtype's values: weak constants, so the arithmetic stays in ``dtype``
    unit = (ops.cast(images, dtype) - float(lo)) / float(hi - lo)
    return unit * float(t_hi - t_lo) + float(t_lo)


class AugmentationLayer(BaseImageLayer):
    """An image layer in two steps, ``_draw`` then ``_apply`` on channels-last batches.

    Class flags follow Keras per layer: ``_TRAINING_ONLY`` (identity at inference), ``_INFERENCE_CAST`` (the
    inference identity still casts to the compute dtype) and ``_CAST_INPUTS`` (``_apply`` sees compute-dtype
    images).

    >>> AutoContrast()(np.arange(12, dtype="float32").reshape(2, 2, 3)).shape   # doctest: +SKIP
    (2, 2, 3)
    """

    _TRAINING_ONLY = True
    _INFERENCE_CAST = False
    _CAST_INPUTS = True

    def _draw(self, images: Any, seed: SeedGenerator | None) -> Any:
        return None

    def _apply(self, images: Any, params: Any) -> Any:
        raise NotImplementedError

    def call(self, inputs: Any, training: bool = True) -> Any:
        if self._TRAINING_ONLY and not training:
            check_rank(self, inputs, (3, 4), "image input (height, width, channels) or a batch of them")
            return ops.cast(inputs, self.compute_dtype) if self._INFERENCE_CAST else inputs
        images, single = self._to_batch(ops.cast(inputs, self.compute_dtype) if self._CAST_INPUTS else inputs)
        out = self._apply(images, self._draw(images, getattr(self, "generator", None)))
        return self._from_batch(out, single)


class RandomAugmentationLayer(AugmentationLayer, RandomImageLayer):
    """An ``AugmentationLayer`` with ``RandomImageLayer``'s ``seed`` argument and ``SeedGenerator``.

    >>> RandomInvert(seed=3).generator                                        # doctest: +SKIP
    <SeedGenerator 'seed_generator_4' seed=3>
    """


def batch_size(images: Any) -> Any:
    """The (possibly symbolic) batch size of a batch of images.

    >>> batch_size(np.zeros((4, 2, 2, 3)))                                  # doctest: +SKIP
    4
    """
    return ops.shape(images)[0]


def what(layer: Any) -> str:
    """How error messages name a layer.

    >>> what(AutoContrast(name="ac"))                                       # doctest: +SKIP
    "layer 'ac' (AutoContrast)"
    """
    return f"layer '{layer.name}' ({type(layer).__name__})"


__all__ = ["AugmentationLayer", "RandomAugmentationLayer", "value_range_arg", "unit_range", "transform_value_range",
           "batch_size", "what"]
