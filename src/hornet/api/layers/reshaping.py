"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
UpSampling1D/2D/3D (Keras 3 semantics). The batch dim stays symbolic: reshapes use -1 or the traced batch size.

>>> Reshape((2, -1)).compute_output_shape((None, 6))
(None, 2, 3)
>>> ZeroPadding2D(1).compute_output_shape((None, 4, 4, 3))
(None, 6, 6, 3)
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers.layer import Layer, check_rank
from hornet.ir.errors import ShapeError


def _data_format(data_format: Any) -> str:
    fmt = "channels_last" if data_format is None else str(data_format).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of ('channels_last', 'channels_first'), received "
                         f"data_format={data_format!r}")
    return fmt


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _ints(value: Any, n: int, name: str, minimum: int = 0) -> tuple[int, ...]:
    """An int or ``n`` ints as a tuple of ``n`` ints >= ``minimum``."""
    values = (value,) * n if _is_int(value) else tuple(value) if isinstance(value, (tuple, list)) else None
    if values is None or len(values) != n or not all(_is_int(v) and v >= minimum for v in values):
        raise ValueError(f"`{name}` should be an int or a tuple of {n} ints >= {minimum}. Received: {name}={value!r}")
    return tuple(int(v) for v in values)


def _pairs(value: Any, n: int, name: str) -> tuple[tuple[int, int], ...]:
    """An int, ``n`` ints (symmetric), or ``n`` pairs, as ``n`` (before, after) pairs of ints >= 0."""
    if _is_int(value):
        value = (value,) * n
    if not isinstance(value, (tuple, list)) or len(value) != n:
        raise ValueError(f"`{name}` should be an int, a tuple of {n} ints or a tuple of {n} tuples of 2 ints. "
                         f"Received: {name}={value!r}")
    out = []
    for v in value:
        pair = (v, v) if _is_int(v) else tuple(v) if isinstance(v, (tuple, list)) else ()
        if len(pair) != 2 or not all(_is_int(p) and p >= 0 for p in pair):
            raise ValueError(f"`{name}` should be an int, a tuple of {n} ints or a tuple of {n} tuples of 2 "
                             f"non-negative ints. Received: {name}={value!r}")
        out.append((int(pair[0]), int(pair[1])))
    return tuple(out)


def _spatial_axes(rank: int, data_format: str) -> tuple[int, ...]:
    return tuple(range(1, rank + 1)) if data_format == "channels_last" else tuple(range(2, rank + 2))


class Flatten(Layer):
    """Flattens every dim but the batch: ``(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)``; with
    ``data_format="channels_first"`` the channels move last first, as Keras does."""

    def __init__(self, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.built = True

    def call(self, inputs: Any) -> Any:
        nd = len(inputs.shape)
        if self.data_format == "channels_first" and nd > 2:
            inputs = ops.transpose(inputs, (0, *range(2, nd), 1))
        rest = inputs.shape[1:]
        if all(_is_int(d) for d in rest):
            return ops.reshape(inputs, (ops.shape(inputs)[0], math.prod(rest)))
        return ops.reshape(inputs, (ops.shape(inputs)[0], -1))

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        rest = input_shape[1:]
        return (input_shape[0], math.prod(rest) if all(d is not None for d in rest) else None)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes the non-batch dims to ``target_shape`` (one entry may be -1).

    >>> Reshape((3, 4)).compute_output_shape((None, 12))
    (None, 3, 4)
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        target = tuple(target_shape)
        if not all(_is_int(d) and (d > 0 or d == -1) for d in target) or target.count(-1) > 1:
            raise ValueError("`target_shape` must be a tuple of positive ints with at most one -1. "
                             f"Received: target_shape={target_shape!r}")
        self.target_shape = tuple(int(d) for d in target)
        self.built = True

    def _resolve(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        target = self.target_shape
        if -1 not in target:
            known = [d for d in input_shape[1:] if d is not None]
            if len(known) == len(input_shape) - 1 and math.prod(known) != math.prod(target):
                raise ShapeError(f"layer '{self.name}' (Reshape): total size of the input shape "
                                 f"{tuple(input_shape)} ({math.prod(known)} per sample) differs from the "
                                 f"target_shape {target} ({math.prod(target)})")
            return target
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in target)
        known = math.prod(d for d in target if d != -1)
        size = math.prod(rest)
        if known == 0 or size % known:
            raise ShapeError(f"layer '{self.name}' (Reshape): the input shape {tuple(input_shape)} ({size} values per "
                             f"sample) can't be reshaped to target_shape {target}")
        return tuple(size // known if d == -1 else d for d in target)

    def call(self, inputs: Any) -> Any:
        target = self._resolve(tuple(d if _is_int(d) else None for d in inputs.shape))
        target = tuple(-1 if d is None else d for d in target)
        return ops.reshape(inputs, (ops.shape(inputs)[0], *target))

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return (input_shape[0], *self._resolve(input_shape))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch dims; ``dims`` is 1-indexed, e.g. ``(2, 1)`` swaps the first two."""

    def __init__(self, dims: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` "
                             f"must be consecutive and start from 1. Received dims={dims!r}")
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, len(self.dims) + 1)
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``."""

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        if not _is_int(n):
            raise TypeError(f"Expected an integer value for `n`, got {type(n).__name__}.")
        self.n = int(n)
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, 2)
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}


class _ZeroPadding(Layer):
    rank = 1

    def __init__(self, padding: Any, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.padding = _pairs(padding, self.rank, "padding")
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        width = [(0, 0)] * (self.rank + 2)
        for axis, pair in zip(_spatial_axes(self.rank, self.data_format), self.padding):
            width[axis] = pair
        return ops.pad(inputs, width)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        out = list(input_shape)
        for axis, (a, b) in zip(_spatial_axes(self.rank, self.data_format), self.padding):
            out[axis] = None if out[axis] is None else out[axis] + a + b
        return tuple(out)

    def get_config(self) -> dict[str, Any]:
        padding = self.padding[0] if self.rank == 1 else self.padding
        return {**super().get_config(), "padding": padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Pads axis 1 of ``(batch, steps, features)`` with zeros: ``padding`` is an int or (before, after)."""

    rank = 1

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any):
        super().__init__((padding,) if isinstance(padding, (tuple, list)) else padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads the two spatial axes with zeros: an int, (rows, cols), or ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes with zeros: an int, 3 ints, or 3 (before, after) pairs."""

    rank = 3

    def __init__(self, padding: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(Layer):
    rank = 1

    def __init__(self, cropping: Any, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.cropping = _pairs(cropping, self.rank, "cropping")
        self.built = True

    def _check(self, shape: Sequence[Any]) -> None:
        for axis, (a, b) in zip(_spatial_axes(self.rank, self.data_format), self.cropping):
            if _is_int(shape[axis]) and a + b >= shape[axis]:
                raise ValueError(f"layer '{self.name}' ({type(self).__name__}): `cropping` {self.cropping} must be "
                                 f"smaller than the input shape {tuple(shape)} along axis {axis}")

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        self._check(inputs.shape)
        key: list[Any] = [slice(None)] * (self.rank + 2)
        for axis, (a, b) in zip(_spatial_axes(self.rank, self.data_format), self.cropping):
            key[axis] = slice(a, -b if b else None)
        return ops.get_item(inputs, tuple(key))

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        self._check(input_shape)
        out = list(input_shape)
        for axis, (a, b) in zip(_spatial_axes(self.rank, self.data_format), self.cropping):
            out[axis] = None if out[axis] is None else out[axis] - a - b
        return tuple(out)

    def get_config(self) -> dict[str, Any]:
        if self.rank == 1:
            return {**super().get_config(), "cropping": self.cropping[0]}
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class Cropping1D(_Cropping):
    """Crops axis 1 of ``(batch, steps, features)``: ``cropping`` is an int or (start, end)."""

    rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any):
        super().__init__((cropping,) if isinstance(cropping, (tuple, list)) else cropping, None, **kwargs)


class Cropping2D(_Cropping):
    """Crops the two spatial axes: an int, (rows, cols), or ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes: an int, 3 ints, or 3 (start, end) pairs."""

    rank = 3

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


def _linear_upsample(x: Any, axis: int, size: int, factor: int) -> Any:
    """Bilinear (half-pixel centers, edge-clamped) upsampling of one static axis by an integer factor."""
    pos = np.clip((np.arange(size * factor) + 0.5) / factor - 0.5, 0, size - 1)
    lo = np.floor(pos).astype(np.int32)
    hi = np.minimum(lo + 1, size - 1)
    w = (pos - lo).astype(ops.dtype(x).np)
    shape = [1] * len(x.shape)
    shape[axis] = size * factor
    w = w.reshape(shape)
    return ops.take(x, lo, axis=axis) * (1 - w) + ops.take(x, hi, axis=axis) * w


class _UpSampling(Layer):
    rank = 1

    def __init__(self, size: Any, data_format: str | None = None, interpolation: str = "nearest", **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.size = _ints(size, self.rank, "size", minimum=1)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"{type(self).__name__}: `interpolation` must be 'nearest' or 'bilinear' in hornet. "
                             f"Received: interpolation={interpolation!r}")
        self.interpolation = interpolation
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        x = inputs
        for axis, factor in zip(_spatial_axes(self.rank, self.data_format), self.size):
            if factor == 1:
                continue
            if self.interpolation == "bilinear":
                if not _is_int(x.shape[axis]):
                    raise ShapeError(f"layer '{self.name}': bilinear upsampling needs static spatial dims, got "
                                     f"shape {tuple(inputs.shape)}")
                x = _linear_upsample(x, axis, int(x.shape[axis]), factor)
            else:
                x = ops.repeat(x, factor, axis=axis)
        return x

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        out = list(input_shape)
        for axis, factor in zip(_spatial_axes(self.rank, self.data_format), self.size):
            out[axis] = None if out[axis] is None else out[axis] * factor
        return tuple(out)


class UpSampling1D(_UpSampling):
    """Repeats each step of ``(batch, steps, features)`` ``size`` times."""

    rank = 1

    def __init__(self, size: int = 2, **kwargs: Any):
        super().__init__(size, None, "nearest", **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size[0]}


class UpSampling2D(_UpSampling):
    """Upsamples rows and columns by ``size`` (``interpolation``: "nearest" or "bilinear")."""

    rank = 2

    def __init__(self, size: Any = (2, 2), data_format: str | None = None, interpolation: str = "nearest",
                 **kwargs: Any):
        super().__init__(size, data_format, interpolation, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeats the three spatial dims by ``size`` (nearest neighbour)."""

    rank = 3

    def __init__(self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs: Any):
        super().__init__(size, data_format, "nearest", **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


__all__ = ["Flatten", "Reshape", "Permute", "RepeatVector", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
           "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D"]
