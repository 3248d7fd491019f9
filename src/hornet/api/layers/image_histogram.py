"""Histogram equalization of images (Keras 3 arguments, defaults and semantics): ``Equalization`` (one
histogram per channel, in training only) and ``ContrastLimitedAdaptiveHistogramEqualization`` (CLAHE: one
clipped histogram per tile and channel, bilinearly blended between tiles, in training and at inference).

The histograms are counted with hornet ops (``segment_sum``, ``one_hot``), so both layers trace into a
compiled model like any other layer.

>>> Equalization(value_range=(0, 1))(images, training=True)                # doctest: +SKIP
>>> ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(4, 4))(images)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.layers.image_augmentation import AugmentationLayer, transform_value_range, value_range_arg, what
from hornet.api.layers.image_preprocessing import plain
from hornet.api.ops.core import type_of

_LEVELS = 256  # 8-bit intensity levels


class Equalization(AugmentationLayer):
    """Equalize the histogram of each channel: values (``value_range`` mapped onto [0, 255]) fall into ``bins``
    bins and are remapped through the normalized cumulative histogram. As Keras, a batch is equalized with one
    histogram per channel counted over the whole batch, channels with a single occupied bin are left as they are,
    and the layer is the identity at inference.

    >>> Equalization(bins=128)(images, training=True)                         # doctest: +SKIP
    """

    def __init__(self, value_range: Sequence[float] = (0, 255), bins: int = 256, data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
            raise ValueError(f"Equalization: `bins` must be an integer of at least 2, got bins={bins!r}")
        self.bins = int(bins)
        self.value_range = value_range_arg("Equalization", value_range)

    def _histograms(self, values: Any) -> Any:
        """``(channels, bins)`` int32 counts of float32 values in [0, 255] over batch, height and width."""
        bins = self.bins
        channels = values.shape[-1]
        index = ops.clip(ops.cast((values - 0.0) * float(bins - 1) / 255.0, "int32"), 0, bins - 1)
        ids = ops.reshape(ops.add(index, np.arange(channels, dtype=np.int32) * bins), (-1,))
        counts = ops.segment_sum(ops.ones_like(ids), ids, num_segments=channels * bins)
        return ops.reshape(counts, (channels, bins))

    def _apply(self, images: Any, params: Any) -> Any:
        bins = self.bins
        values = ops.cast(transform_value_range(images, self.value_range, (0, 255), "float32"), "float32")
        channels = values.shape[-1]
        hist = self._histograms(values)
        cdf = ops.cumsum(hist, axis=-1)
        total = cdf[:, -1:]
        first = ops.min(ops.where(ops.greater(cdf, 0), cdf, total), axis=-1, keepdims=True)  # first nonzero
        spread = total - first
        spread = ops.where(ops.equal(spread, 0), ops.ones_like(spread), spread)
        table = ops.cast((cdf - first) * 255, "float32") / ops.cast(spread, "float32")
        table = ops.reshape(ops.clip(ops.round(table), 0.0, 255.0), (-1,))
        index = ops.cast(ops.clip((values / 255.0) * float(bins - 1), 0.0, float(bins - 1)), "int32")
        equalized = ops.take(table, ops.add(index, np.arange(channels, dtype=np.int32) * bins))
        flat = ops.less_equal(ops.count_nonzero(hist, axis=-1), 1)  # (channels,): nothing to spread
        out = ops.where(flat, values, equalized)
        return ops.cast(transform_value_range(out, (0, 255), self.value_range, "float32"), self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "bins": self.bins, "value_range": list(self.value_range)}


def _grid_axis(size: int, tiles: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per padded pixel along one axis: the two neighbouring tile centres (in the edge-padded grid of
    ``tiles + 2`` entries) and the weight of the second; float32 host math as Keras's."""
    tile = size // tiles
    grid = (np.arange(size, dtype=np.float32) - np.float32(tile / 2.0)) / np.float32(tile) + np.float32(1.0)
    low = np.floor(grid)
    weight = grid - low
    high = np.clip(low + 1.0, 0, tiles + 1).astype(np.int32)
    return np.clip(low, 0, tiles + 1).astype(np.int32), high, weight.astype(np.float32)


class ContrastLimitedAdaptiveHistogramEqualization(AugmentationLayer):
    """CLAHE: split each image (``value_range`` mapped onto [0, 255]) into ``tile_grid_size`` tiles (padded
    symmetrically at the bottom and right to whole tiles), equalize each tile and channel with a histogram
    clipped at ``clip_limit`` times its mean bin count (the excess spread over all bins; ``clip_limit <= 0``
    disables clipping), and blend the four nearest tile mappings bilinearly. Applied in training and at
    inference; outputs keep the input dtype.

    >>> ContrastLimitedAdaptiveHistogramEqualization(clip_limit=2.0, tile_grid_size=(2, 2))(images)   # doctest: +SKIP
    """

    _TRAINING_ONLY = False
    _CAST_INPUTS = False

    def __init__(self, value_range: Sequence[float] = (0, 255), clip_limit: float = 4.0,
                 tile_grid_size: Sequence[int] = (8, 8), data_format: str | None = None, **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        name = "ContrastLimitedAdaptiveHistogramEqualization"
        self.value_range = value_range_arg(name, value_range, sort=False)
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float)):
            raise ValueError(f"{name}: `clip_limit` must be a number, got clip_limit={clip_limit!r}")
        ok = isinstance(tile_grid_size, (tuple, list)) and len(tile_grid_size) == 2 and all(
            isinstance(t, (int, np.integer)) and not isinstance(t, bool) and t > 0 for t in tile_grid_size)
        if not ok:
            raise ValueError(f"{name}: `tile_grid_size` must be a pair of positive integers, got "
                             f"tile_grid_size={tile_grid_size!r}")
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def _tile_mappings(self, images: Any, tile_h: int, tile_w: int) -> Any:
        """``(batch, grid_h + 2, grid_w + 2, channels, 256)`` normalized CDFs, the grid edge-padded by one."""
        grid_h, grid_w = self.tile_grid_size
        channels = images.shape[-1]
        tiles = ops.reshape(images, (-1, grid_h, tile_h, grid_w, tile_w, channels))
        tiles = ops.reshape(ops.transpose(tiles, (0, 1, 3, 5, 2, 4)), (-1, grid_h, grid_w, channels, tile_h * tile_w))
        levels = ops.clip(ops.cast(tiles, "int32"), 0, _LEVELS - 1)
        hist = ops.sum(ops.one_hot(levels, _LEVELS, dtype="float32"), axis=-2)
        count = tile_h * tile_w
        if self.clip_limit > 0:
            clipped = ops.clip(hist, 0.0, float(np.float32(self.clip_limit * count / 256.0)))
            hist = clipped + ops.sum(hist - clipped, axis=-1, keepdims=True) / 256.0
        cdf = ops.cumsum(hist, axis=-1)
        low = ops.min(cdf, axis=-1, keepdims=True)
        spread = float(count) - low
        spread = ops.where(ops.equal(spread, 0.0), ops.ones_like(spread), spread)
        mapping = ops.clip((cdf - low) * 255.0 / spread, 0.0, 255.0)
        mapping = ops.concatenate([mapping[:, :1], mapping, mapping[:, -1:]], axis=1)
        return ops.concatenate([mapping[:, :, :1], mapping, mapping[:, :, -1:]], axis=2)

    def _clahe(self, images: Any) -> Any:
        height, width = sampling._static_hw(images, what(self))
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
        if pad_h or pad_w:
            images = ops.pad(images, [(0, 0), (0, pad_h), (0, pad_w), (0, 0)], mode="symmetric")
        channels = images.shape[-1]
        entries = (grid_h + 2) * (grid_w + 2) * channels * _LEVELS
        mapping = ops.reshape(self._tile_mappings(images, tile_h, tile_w), (-1, entries))
        y0, y1, wy = _grid_axis(tile_h * grid_h, grid_h)
        x0, x1, wx = _grid_axis(tile_w * grid_w, grid_w)
        stride_x = _LEVELS * channels
        stride_y = stride_x * (grid_w + 2)
        shape = (-1, tile_h * grid_h, tile_w * grid_w, channels)
        levels = ops.cast(ops.clip(images, 0.0, 255.0), "int32")
        base = ops.add(levels, np.arange(channels, dtype=np.int32) * _LEVELS)

        def corner(ys: np.ndarray, xs: np.ndarray) -> Any:
            offsets = (ys[:, None, None] * stride_y + xs[None, :, None] * stride_x).astype(np.int32)
            index = ops.reshape(ops.add(base, offsets), (-1, tile_h * grid_h * tile_w * grid_w * channels))
            return ops.reshape(ops.take_along_axis(mapping, index, axis=1), shape)

        wx, wy = wx[None, None, :, None], wy[None, :, None, None]

        def blend(a: Any, b: Any, weight: np.ndarray) -> Any:
            return ops.add(ops.multiply(a, 1.0 - weight), ops.multiply(b, weight))

        out = blend(blend(corner(y0, x0), corner(y0, x1), wx), blend(corner(y1, x0), corner(y1, x1), wx), wy)
        return out[:, :height, :width, :]

    def _apply(self, images: Any, params: Any) -> Any:
        dtype = type_of(images).dtype.name
        scaled = ops.cast(transform_value_range(images, self.value_range, (0, 255), "float32"), "float32")
        out = transform_value_range(self._clahe(scaled), (0, 255), self.value_range, "float32")
        return ops.cast(out, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": plain(self.value_range), "clip_limit": self.clip_limit,
                "tile_grid_size": plain(self.tile_grid_size)}


__all__ = ["Equalization", "ContrastLimitedAdaptiveHistogramEqualization"]
