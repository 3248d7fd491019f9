"""``pad_images`` and ``crop_images`` with ``keras.ops.image`` names and semantics: zero-pad or crop one image or
a batch to a size given by two of (top, bottom, target height) and two of (left, right, target width).

>>> from hornet.ops import image
>>> image.pad_images(np.ones((4, 4, 1), "float32"), 1, 1, target_height=8, target_width=8).shape   # doctest: +SKIP
(8, 8, 1)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.ops._image import data_format as _data_format, images_tensor, spatial_shape

__all__ = ["pad_images", "crop_images"]


def _prepare(op: str, images: Any, data_format: str | None, names: tuple[str, ...], values: tuple[Any, ...],
             pad: bool) -> tuple[Any, str, tuple[int, int, int], tuple[int, int, int]]:
    """Checks and sizes shared by both ops: ``names`` / ``values`` hold (before, after, target) of the height, then
    of the width, exactly two of each three given. Returns the images tensor, the data format and the completed
    (before, after, target) of each axis, all checked non-negative."""
    fmt = _data_format(data_format, op)
    images = images_tensor(images, op)
    for axis in (slice(0, 3), slice(3, 6)):
        group = list(zip(names[axis], values[axis]))
        if [v for _, v in group].count(None) != 1:
            raise ValueError(f"{op}: give exactly two of {', '.join(n for n, _ in group)}; got "
                             + ", ".join(f"{n}={v}" for n, v in group))
    _non_negative(op, "", **{n: v for n, v in zip(names, values) if v is not None})
    h, w = spatial_shape(images, fmt)
    if not isinstance(h, int) or not isinstance(w, int):
        raise ValueError(f"{op}: the image height and width must be static, got images of shape "
                         f"{ops.shape(images)}")
    rows, cols = _complete(*values[:3], h, pad), _complete(*values[3:], w, pad)
    # cropping: the three add up to the image size, so once all are non-negative the window fits
    _non_negative(op, f" (derived for images of height {h} and width {w})", **dict(zip(names, rows + cols)))
    return images, fmt, rows, cols


def _non_negative(op: str, note: str, **values: Any) -> None:
    for n, v in values.items():
        if v < 0:
            raise ValueError(f"{op}: {n} must be >= 0, got {n}={v}{note}")


def _complete(before: Any, after: Any, target: Any, size: int, pad: bool) -> tuple[int, int, int]:
    """The one missing value of (before, after, target) along an axis of ``size``: padding makes
    ``target = before + size + after``, cropping ``size = before + target + after``."""
    if pad:
        return (target - after - size if before is None else before,
                target - before - size if after is None else after,
                before + size + after if target is None else target)
    return (size - target - after if before is None else before,
            size - target - before if after is None else after,
            size - before - after if target is None else target)


def _spatial_axes(images: Any, fmt: str) -> tuple[int, int]:
    nd = ops.ndim(images)
    return (nd - 3, nd - 2) if fmt == "channels_last" else (nd - 2, nd - 1)


def pad_images(images: Any, top_padding: int | None = None, left_padding: int | None = None,
               bottom_padding: int | None = None, right_padding: int | None = None, target_height: int | None = None,
               target_width: int | None = None, data_format: str | None = None) -> Any:
    """Zero-pad images: the missing one of (top, bottom, target height) follows from the other two and the image
    height, likewise for the width.

    >>> pad_images(np.ones((1, 2, 2, 3)), top_padding=1, bottom_padding=0, left_padding=0,   # doctest: +SKIP
    ...            right_padding=2).shape
    (1, 3, 4, 3)
    """
    op = "pad_images"
    images, fmt, (top, bottom, _), (left, right, _) = _prepare(op, images, data_format, (
        "top_padding", "bottom_padding", "target_height", "left_padding", "right_padding", "target_width"),
        (top_padding, bottom_padding, target_height, left_padding, right_padding, target_width), pad=True)
    rows, cols = _spatial_axes(images, fmt)
    pads = [(0, 0)] * ops.ndim(images)
    pads[rows], pads[cols] = (top, bottom), (left, right)
    return ops.pad(images, pads)


def crop_images(images: Any, top_cropping: int | None = None, left_cropping: int | None = None,
                bottom_cropping: int | None = None, right_cropping: int | None = None,
                target_height: int | None = None, target_width: int | None = None,
                data_format: str | None = None) -> Any:
    """Crop images: the missing one of (top, bottom, target height) follows from the other two and the image
    height, likewise for the width.

    >>> crop_images(np.ones((1, 5, 5, 3)), top_cropping=1, left_cropping=1, target_height=2,   # doctest: +SKIP
    ...             target_width=3).shape
    (1, 2, 3, 3)
    """
    op = "crop_images"
    images, fmt, (top, _, height), (left, _, width) = _prepare(op, images, data_format, (
        "top_cropping", "bottom_cropping", "target_height", "left_cropping", "right_cropping", "target_width"),
        (top_cropping, bottom_cropping, target_height, left_cropping, right_cropping, target_width), pad=False)
    rows, cols = _spatial_axes(images, fmt)
    index = [slice(None)] * ops.ndim(images)
    index[rows] = slice(top, top + height)
    index[cols] = slice(left, left + width)
    return images[tuple(index)]
