"""``sobel_edges`` with the ``keras.ops.image`` name and semantics: the vertical and horizontal Sobel responses of
each channel (3x3 cross-correlation, zero "same" padding), stacked as ``[dy, dx]`` on a new last axis.

>>> from hornet.ops import image
>>> image.sobel_edges(np.zeros((1, 8, 8, 1), "float32")).shape           # doctest: +SKIP
(1, 8, 8, 1, 2)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops._image import data_format as _data_format, images_tensor

__all__ = ["sobel_edges"]

_DY = ((-1, -2, -1), (0, 0, 0), (1, 2, 1))
_DX = ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))


@compiled_when_eager("images")
def sobel_edges(images: Any, data_format: str | None = None) -> Any:
    """Sobel edges of a batch ``(batch, height, width, channels)`` (channels first: ``(batch, channels, height,
    width)``), shape ``images.shape + (2,)`` holding ``[dy, dx]``, in the images' dtype.

    >>> step = np.zeros((1, 3, 3, 1), "float32"); step[0, :, 2:] = 1.0
    >>> sobel_edges(step)[0, 1, 1, 0]          # dy, dx at the centre   # doctest: +SKIP
    Array([0., 4.], dtype=float32)
    """
    op = "sobel_edges"
    fmt = _data_format(data_format, op)
    images = images_tensor(images, op, (4,))
    rows = 1 if fmt == "channels_last" else 2
    pads = [(0, 0)] * 4
    pads[rows] = pads[rows + 1] = (1, 1)
    padded = ops.pad(images, pads)
    h, w = ops.shape(images)[rows], ops.shape(images)[rows + 1]

    def window(i: int, j: int) -> Any:
        index = [slice(None)] * 4
        index[rows], index[rows + 1] = slice(i, i + h), slice(j, j + w)
        return padded[tuple(index)]

    def respond(kernel: tuple[tuple[int, ...], ...]) -> Any:
        out = None
        for i in range(3):
            for j in range(3):
                if kernel[i][j]:
                    term = window(i, j) if kernel[i][j] == 1 else ops.multiply(window(i, j), kernel[i][j])
                    out = term if out is None else ops.add(out, term)
        return out

    return ops.stack([respond(_DY), respond(_DX)], axis=-1)
