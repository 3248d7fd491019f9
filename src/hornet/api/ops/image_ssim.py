"""``ssim`` with the ``keras.ops.image`` name and semantics: the structural similarity index of two images (or
batches), from Gaussian-weighted local means, variances and covariance ("valid" windows), averaged over space and
channels.

>>> from hornet.ops import image
>>> x = np.random.default_rng(0).random((16, 16, 3)).astype("float32")
>>> float(image.ssim(x, x)) > 0.99                                        # doctest: +SKIP
True
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.ops._eager import compiled_when_eager
from hornet.api.ops._image import data_format as _data_format, images_tensor, to_batched_last
from hornet.api.ops.core import fmt_shape
from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.errors import ShapeError

__all__ = ["ssim"]


def _gaussian(size: int, sigma: float, dtype: Any) -> Any:
    x = ops.arange(size, dtype=dtype) - (size - 1) / 2.0
    g = ops.exp(-(x * x) / (2.0 * sigma ** 2))
    g = g / ops.sum(g)
    return ops.reshape(ops.outer(g, g), (size, size, 1, 1))


@compiled_when_eager("image1", "image2")
def ssim(image1: Any, image2: Any, max_val: float = 1.0, filter_size: int = 11, filter_sigma: float = 1.5,
         k1: float = 0.01, k2: float = 0.03, data_format: str | None = None) -> Any:
    """SSIM in [-1, 1] (1: identical): a scalar for two images, one value per pair for batches. Computed in
    floating point, returned in ``image1``'s dtype. ``max_val`` is the dynamic range (1.0, or 255.0 for 8-bit
    pixels); the window is a ``filter_size`` Gaussian of ``filter_sigma``.

    >>> ssim(np.zeros((2, 12, 12, 1), "float32"), np.zeros((2, 12, 12, 1), "float32")).shape   # doctest: +SKIP
    (2,)
    """
    op = "ssim"
    fmt = _data_format(data_format, op)
    a = images_tensor(image1, op, name="image1")
    b = images_tensor(image2, op, name="image2")
    if ops.shape(a) != ops.shape(b):
        raise ShapeError(f"{op}: image1 and image2 must have the same shape, got {fmt_shape(ops.shape(a))} and "
                         f"{fmt_shape(ops.shape(b))}")
    if not isinstance(filter_size, int) or filter_size < 1:
        raise ValueError(f"{op}: filter_size must be a positive int, got filter_size={filter_size!r}")
    original = to_dtype(ops.dtype(a))
    compute = original if original.is_floating else DType.float32
    x, single = to_batched_last(ops.cast(a, compute), fmt)
    y, _ = to_batched_last(ops.cast(b, compute), fmt)
    _, h, w, channels = ops.shape(x)
    if isinstance(h, int) and isinstance(w, int) and (h < filter_size or w < filter_size):
        raise ShapeError(f"{op}: images of height {h} and width {w} are smaller than filter_size={filter_size}")
    kernel = _gaussian(filter_size, filter_sigma, compute)

    def planes(t: Any) -> Any:  # (batch, h, w, c) -> (batch * c, h, w, 1): one channel per item
        return ops.reshape(ops.transpose(t, (0, 3, 1, 2)), (-1, h, w, 1))

    def blur(t: Any) -> Any:
        return ops.conv(t, kernel, strides=1, padding="valid", data_format="channels_last")

    x, y = planes(x), planes(y)
    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x * mu_x
    var_y = blur(y * y) - mu_y * mu_y
    cov = blur(x * y) - mu_x * mu_y
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    index = ((2.0 * mu_x * mu_y + c1) * (2.0 * cov + c2)) / ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2))
    per_plane = ops.mean(index, axis=(1, 2, 3))
    per_image = ops.mean(ops.reshape(per_plane, (-1, channels)), axis=-1)
    out = per_image[0] if single else per_image
    return ops.cast(out, original)
