"""``extract_patches`` and ``extract_patches_3d`` with ``keras.ops.image`` names and semantics: every
(optionally strided and dilated) window of an image or volume flattened into the channel axis, ordered (window
position row-major, then channel), as Keras's identity-kernel convolution orders them.

Each window offset is one strided slice of the (for "same": zero-padded) input, so values are copied exactly,
for any dtype.

>>> from hornet.ops import image
>>> image.extract_patches(np.zeros((2, 20, 20, 3), "float32"), (5, 5)).shape   # doctest: +SKIP
(2, 4, 4, 75)
"""
from __future__ import annotations

import itertools
from typing import Any

from hornet.api import ops
from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops._image import data_format as _data_format, from_batched_last, images_tensor, to_batched_last
from hornet.api.ops.core import fmt_shape

__all__ = ["extract_patches", "extract_patches_3d"]

PADDINGS = ("valid", "same")


def _tuple(value: Any, n: int, name: str, op: str) -> tuple[int, ...]:
    out = (value,) * n if isinstance(value, int) else tuple(value)
    if len(out) != n or any(not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in out):
        raise ValueError(f"{op}: {name} must be a positive int or a tuple of {n} positive ints, got {name}={value!r}")
    return out


def _patches(x: Any, size: tuple[int, ...], strides: tuple[int, ...], dilation: tuple[int, ...], padding: str,
             op: str) -> Any:
    """Patches of channels-last ``(batch, *spatial, channels)`` ``x``."""
    spatial = ops.shape(x)[1:-1]
    if any(not isinstance(s, int) for s in spatial):
        raise ValueError(f"{op}: the spatial sizes must be static, got shape {fmt_shape(ops.shape(x))}")
    counts, pads = [], []
    for n, k, s, d in zip(spatial, size, strides, dilation):
        span = (k - 1) * d + 1
        if padding == "valid":
            counts.append((n - span) // s + 1 if n >= span else 0)
            pads.append((0, 0))
        else:
            out = -(-n // s)
            total = max((out - 1) * s + span - n, 0)
            counts.append(out)
            pads.append((total // 2, total - total // 2))
    if any(c <= 0 for c in counts):
        raise ValueError(f"{op}: patches of size {size} (dilation {dilation}) do not fit inputs of spatial shape "
                         f"{tuple(spatial)} with padding='valid'")
    if any(p != (0, 0) for p in pads):
        x = ops.pad(x, [(0, 0), *pads, (0, 0)])
    pieces = []
    for offset in itertools.product(*(range(k) for k in size)):
        index = [slice(None)]
        for o, c, s, d in zip(offset, counts, strides, dilation):
            index.append(slice(o * d, o * d + (c - 1) * s + 1, s))
        pieces.append(x[tuple(index) + (slice(None),)])
    return pieces[0] if len(pieces) == 1 else ops.concatenate(pieces, axis=-1)


def _extract(images: Any, size: Any, strides: Any, dilation_rate: Any, padding: str, data_format: Any, dims: int,
             op: str) -> Any:
    fmt = _data_format(data_format, op)
    if str(padding).lower() not in PADDINGS:
        raise ValueError(f"{op}: padding must be one of {PADDINGS}, got padding={padding!r}")
    size_t = _tuple(size, dims, "size", op)
    strides_t = size_t if strides is None else _tuple(strides, dims, "strides", op)
    dilation = _tuple(dilation_rate, dims, "dilation_rate", op)
    images = images_tensor(images, op, (dims + 1, dims + 2))
    x, single = to_batched_last(images, fmt, dims)
    out = _patches(x, size_t, strides_t, dilation, str(padding).lower(), op)
    return from_batched_last(out, fmt, single)


@compiled_when_eager("images")
def extract_patches(images: Any, size: Any, strides: Any = None, dilation_rate: Any = 1, padding: str = "valid",
                    data_format: str | None = None) -> Any:
    """Patches of images (``size`` an int or ``(patch_height, patch_width)``; rank 3 or 4 input) or, with a
    3-tuple ``size``, of volumes (rank 4 or 5). ``strides`` defaults to ``size`` (non-overlapping patches).

    >>> extract_patches(np.zeros((20, 20, 3), "float32"), (3, 3), (1, 1)).shape   # doctest: +SKIP
    (18, 18, 27)
    """
    op = "extract_patches"
    if not isinstance(size, int):
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"{op}: size must be an int or a tuple, got size={size!r}")
        if len(size) not in (2, 3):
            raise ValueError(f"{op}: size must be a tuple of length 2 or 3, got size={size!r}")
        if len(size) == 3:
            return _extract(images, size, strides, dilation_rate, padding, data_format, 3, op)
    return _extract(images, size, strides, dilation_rate, padding, data_format, 2, op)


@compiled_when_eager("volumes")
def extract_patches_3d(volumes: Any, size: Any, strides: Any = None, dilation_rate: Any = 1, padding: str = "valid",
                       data_format: str | None = None) -> Any:
    """Patches of volumes ``(depth, height, width, channels)`` or a batch of them; ``size`` an int or
    ``(patch_depth, patch_height, patch_width)``, ``strides`` defaulting to ``size``.

    >>> extract_patches_3d(np.zeros((2, 10, 10, 10, 3), "float32"), (3, 3, 3)).shape   # doctest: +SKIP
    (2, 3, 3, 3, 81)
    """
    return _extract(volumes, size, strides, dilation_rate, padding, data_format, 3, "extract_patches_3d")
