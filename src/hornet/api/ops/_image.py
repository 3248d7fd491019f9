"""Helpers shared by the ``hornet.ops.image`` functions (private): the data format, the image rank, and moving
images to and from the batched channels-last layout the implementations work in."""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.ops.core import fmt_shape
from hornet.ir.errors import ShapeError
from hornet.api.settings import image_data_format

DATA_FORMATS = ("channels_last", "channels_first")


def data_format(value: Any, op: str) -> str:
    """``None`` is ``"channels_last"`` (the image data format), else one of the two formats (case-insensitive)."""
    fmt = image_data_format() if value is None else str(value).lower()
    if fmt not in DATA_FORMATS:
        raise ValueError(f"{op}: data_format must be one of {DATA_FORMATS}, got data_format={value!r}")
    return fmt


def images_tensor(images: Any, op: str, ranks: tuple[int, ...] = (3, 4), name: str = "images") -> Any:
    """``images`` as a tensor whose rank is one of ``ranks`` (unbatched or batched), else a ShapeError."""
    images = ops.convert_to_tensor(images)
    if ops.ndim(images) not in ranks:
        raise ShapeError(f"{op}: {name} must be rank {' or '.join(map(str, ranks))} (one image or a batch), got "
                         f"{name}.shape={fmt_shape(ops.shape(images))}")
    return images


def to_batched_last(images: Any, fmt: str, spatial: int = 2) -> tuple[Any, bool]:
    """``(batch, *spatial, channels)`` images and whether a batch axis was added."""
    single = ops.ndim(images) == spatial + 1
    if single:
        images = ops.expand_dims(images, 0)
    if fmt == "channels_first":
        images = ops.moveaxis(images, 1, -1)
    return images, single


def from_batched_last(images: Any, fmt: str, single: bool) -> Any:
    """The inverse of ``to_batched_last`` (for outputs with the same layout)."""
    if fmt == "channels_first":
        images = ops.moveaxis(images, -1, 1)
    return ops.squeeze(images, 0) if single else images


def spatial_shape(images: Any, fmt: str, spatial: int = 2) -> tuple[Any, ...]:
    """The spatial sizes of unbatched or batched images."""
    shape = ops.shape(images)
    return tuple(shape[-spatial - 1:-1]) if fmt == "channels_last" else tuple(shape[-spatial:])
