"""Point-wise image resampling written once with ``hornet.ops``, with the ``keras.ops.image`` names and semantics:

- ``map_coordinates``: sample an N-d array at given fractional coordinates (nearest or linear interpolation, a
  ``fill_mode`` for points outside), as ``scipy.ndimage.map_coordinates`` in JAX's version (Keras 3 on JAX);
- ``perspective_transform``: warp images by the homography that maps four ``end_points`` to ``start_points``;
- ``elastic_transform``: displace every pixel by a Gaussian-smoothed random field.

``sample_images`` is the batched form the layers use: per-image, per-pixel source coordinates. Eager calls run
each resampling as one compiled program (as the random samplers do), not op by op.

>>> map_coordinates(np.arange(4.0), [np.array([0.5, 2.0])], order=1)      # doctest: +SKIP
Array([0.5, 2. ], dtype=float32)
"""
from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.layers.conv_base import standardize_data_format
from hornet.api.random import normal
from hornet.api.random.staging import staged
from hornet.api.random.seed_generator import draw_seed
from hornet.ir.dtypes import dtype as to_dtype

_ORDERS = {"nearest": 0, "bilinear": 1}


def _check_choice(what: str, name: str, value: Any, allowed: Sequence[Any]) -> None:
    if value not in allowed:
        raise ValueError(f"{what}: unknown {name}={value!r}; expected one of {tuple(allowed)}")


def _valid(index: Any, size: int) -> Any:
    return (index >= 0) & (index < size)


def _float_dtype(x: Any) -> str:
    d = to_dtype(x.dtype)
    return d.name if d.is_floating else "float32"


def _pixel_grid(h: int, w: int) -> tuple[Any, Any]:
    """Row and column indices as float32 tensors of shapes ``(1, h, 1)`` and ``(1, 1, w)``."""
    ys = ops.convert_to_tensor(np.arange(h, dtype=np.float32).reshape(1, h, 1))
    return ys, ops.convert_to_tensor(np.arange(w, dtype=np.float32).reshape(1, 1, w))


def _restore(result: Any, dtype: Any) -> Any:
    """Integer inputs come back rounded (halves away from zero) in their own dtype, as JAX's map_coordinates."""
    if not to_dtype(dtype).is_floating:
        result = sampling.round_half_away(result)
    return ops.cast(result, to_dtype(dtype).name)


def map_coordinates(inputs: Any, coordinates: Any, order: int, fill_mode: str = "constant",
                    fill_value: float = 0.0) -> Any:
    """Values of ``inputs`` (rank N, static shape) at ``coordinates`` (N arrays of one shape, or one array of shape
    ``(N, ...)``): ``order`` 0 takes the nearest element (halves rounded away from zero), 1 interpolates linearly
    between the ``2**N`` neighbours. ``fill_mode`` ("constant", "nearest", "wrap", "mirror", "reflect") extends
    the input beyond its edges; "constant" reads ``fill_value`` for every neighbour outside.

    >>> map_coordinates(np.eye(2, dtype="float32"), [[0.5], [0.5]], order=1)   # doctest: +SKIP
    Array([0.5], dtype=float32)
    """
    what = "map_coordinates"
    inputs = ops.convert_to_tensor(inputs)
    if isinstance(coordinates, (list, tuple)):
        coords = [ops.convert_to_tensor(c) for c in coordinates]
    else:
        coordinates = ops.convert_to_tensor(coordinates)
        if len(coordinates.shape) < 2:
            raise ValueError(f"{what}: `coordinates` must have rank >= 2 (one row per input axis), got shape "
                             f"{tuple(coordinates.shape)}")
        coords = [coordinates[i] for i in range(coordinates.shape[0])]
    if len(coords) != len(inputs.shape):
        raise ValueError(f"{what}: `coordinates` must have one entry per axis of `inputs` ({len(inputs.shape)}), "
                         f"got {len(coords)} for inputs of shape {tuple(inputs.shape)}")
    _check_choice(what, "fill_mode", fill_mode, sampling.FILL_MODES)
    _check_choice(what, "order", order, (0, 1))
    if not all(isinstance(d, int) for d in inputs.shape):
        raise ValueError(f"{what}: the shape of `inputs` must be known (static), got {tuple(inputs.shape)}")
    coords = [c if to_dtype(c.dtype).is_floating else ops.cast(c, "float32") for c in coords]
    return staged(_map_coordinates, inputs, *coords, order=order, fill_mode=fill_mode, fill_value=float(fill_value))


def _map_coordinates(inputs: Any, *coords: Any, order: int, fill_mode: str, fill_value: float) -> Any:
    sizes = list(inputs.shape)
    work = _float_dtype(inputs)
    flat = ops.reshape(inputs, (-1,))
    strides = [int(np.prod(sizes[i + 1:], dtype=np.int64)) for i in range(len(sizes))]
    cval = ops.cast(fill_value, to_dtype(inputs.dtype).name)
    result = None
    for nodes in itertools.product(*[sampling._nodes(c, order) for c in coords]):
        linear = None
        for (index, _), size, stride in zip(nodes, sizes, strides):
            term = sampling._fix_index(index, size, fill_mode) * stride
            linear = term if linear is None else linear + term
        values = ops.take(flat, linear)
        if fill_mode == "constant":
            valid = None
            for (index, _), size in zip(nodes, sizes):
                ok = _valid(index, size)
                valid = ok if valid is None else valid & ok
            values = ops.where(valid, values, cval)
        values = ops.cast(values, work)
        for _, weight in nodes:
            if weight is not None:
                values = ops.cast(weight, work) * values
        result = values if result is None else result + values
    return _restore(result, inputs.dtype)


def sample_images(images: Any, y: Any, x: Any, interpolation: str = "bilinear", fill_mode: str = "constant",
                  fill_value: float = 0.0, what: str = "sample_images") -> Any:
    """Resample ``(batch, h, w, c)`` images at per-pixel source points ``(y, x)`` of shape ``(batch, h, w)`` (or
    broadcastable to it); each channel as ``map_coordinates`` would.

    >>> ys, xs = np.meshgrid(np.arange(4.0), np.arange(4.0), indexing="ij")
    >>> sample_images(np.ones((1, 4, 4, 1), "float32"), ys[None], xs[None] + 0.5).shape   # doctest: +SKIP
    (1, 4, 4, 1)
    """
    _check_choice(what, "interpolation", interpolation, tuple(_ORDERS))
    _check_choice(what, "fill_mode", fill_mode, sampling.FILL_MODES)
    sampling._static_hw(images, what)
    return staged(_sample, images, ops.cast(y, "float32"), ops.cast(x, "float32"), interpolation=interpolation,
                  fill_mode=fill_mode, fill_value=float(fill_value))


def _sample(images: Any, y: Any, x: Any, *, interpolation: str, fill_mode: str, fill_value: float) -> Any:
    h, w = images.shape[1], images.shape[2]
    dtype = to_dtype(images.dtype).name
    work = _float_dtype(images)
    batch = ops.shape(images)[0]
    y, x = ops.broadcast_to(y, (batch, h, w)), ops.broadcast_to(x, (batch, h, w))
    flat = ops.reshape(images, (batch, h * w, -1))
    channels = flat.shape[-1]
    cval = ops.cast(fill_value, dtype)
    result = None
    order = _ORDERS[interpolation]
    for iy, wy in sampling._nodes(y, order):
        for ix, wx in sampling._nodes(x, order):
            linear = sampling._fix_index(iy, h, fill_mode) * w + sampling._fix_index(ix, w, fill_mode)
            values = ops.take_along_axis(flat, ops.reshape(linear, (-1, h * w, 1)), axis=1)
            values = ops.reshape(values, (-1, h, w, channels))
            if fill_mode == "constant":
                valid = _valid(iy, h) & _valid(ix, w)
                values = ops.where(ops.expand_dims(valid, -1), values, cval)
            values = ops.cast(values, work)
            if wy is not None:
                values = ops.expand_dims(ops.cast(wy * wx, work), -1) * values
            result = values if result is None else result + values
    return _restore(result, dtype)


# --- perspective -------------------------------------------------------------------------------------------------


def compute_homography_matrix(start_points: Any, end_points: Any) -> Any:
    """``(batch, 8)`` coefficients ``[a0, a1, a2, b0, b1, b2, c0, c1]`` of the projective maps sending each
    ``end_points`` corner ``(x, y)`` (shape ``(batch, 4, 2)``) to the matching ``start_points`` corner:
    ``x' = (a0 x + a1 y + a2) / (c0 x + c1 y + 1)`` and likewise ``y'`` with ``b``.

    >>> square = np.array([[[0, 0], [1, 0], [0, 1], [1, 1]]], "float32")
    >>> compute_homography_matrix(square, square)                            # doctest: +SKIP
    Array([[1., 0., 0., 0., 1., 0., 0., 0.]], dtype=float32)
    """
    sx, sy = start_points[..., 0], start_points[..., 1]
    ex, ey = end_points[..., 0], end_points[..., 1]
    zeros, ones = ops.zeros_like(ex), ops.ones_like(ex)
    x_rows = ops.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = ops.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    system = ops.concatenate([x_rows, y_rows], axis=-2)
    target = ops.expand_dims(ops.concatenate([sx, sy], axis=-1), -1)
    return ops.squeeze(ops.solve(system, target), -1)


def _check_points(what: str, name: str, points: Any) -> Any:
    points = ops.convert_to_tensor(points)
    shape = tuple(points.shape)
    if len(shape) not in (2, 3) or shape[-2:] != (4, 2):
        raise ValueError(f"{what}: `{name}` must have shape (4, 2) for one image or (batch, 4, 2), got shape "
                         f"{shape}")
    return ops.cast(points if len(shape) == 3 else ops.expand_dims(points, 0), "float32")


def _batch_images(what: str, images: Any, data_format: str) -> tuple[Any, bool]:
    images = ops.convert_to_tensor(images)
    if len(images.shape) not in (3, 4):
        raise ValueError(f"{what}: `images` must have rank 3 (one image) or 4 (a batch), got shape "
                         f"{tuple(images.shape)}")
    single = len(images.shape) == 3
    if single:
        images = ops.expand_dims(images, 0)
    if data_format == "channels_first":
        images = ops.transpose(images, (0, 2, 3, 1))
    return images, single


def _unbatch_images(images: Any, single: bool, data_format: str) -> Any:
    if data_format == "channels_first":
        images = ops.transpose(images, (0, 3, 1, 2))
    return ops.squeeze(images, 0) if single else images


def warp_perspective(images: Any, start_points: Any, end_points: Any, interpolation: str = "bilinear",
                     fill_value: float = 0.0, what: str = "perspective_transform") -> Any:
    """``perspective_transform`` on channels-last ``(batch, h, w, c)`` images with ``(batch, 4, 2)`` float32
    points (the form the layers use).

    >>> corners = np.array([[[0, 0], [3, 0], [0, 3], [3, 3]]], "float32")
    >>> warp_perspective(np.ones((1, 4, 4, 1), "float32"), corners, corners).shape   # doctest: +SKIP
    (1, 4, 4, 1)
    """
    _check_choice(what, "interpolation", interpolation, tuple(_ORDERS))
    sampling._static_hw(images, what)
    return staged(_perspective, images, ops.cast(start_points, "float32"), ops.cast(end_points, "float32"),
                  interpolation=interpolation, fill_value=float(fill_value))


def _perspective(images: Any, start_points: Any, end_points: Any, *, interpolation: str, fill_value: float) -> Any:
    h, w = images.shape[1], images.shape[2]
    t = compute_homography_matrix(start_points, end_points)
    coef = [ops.reshape(t[:, i], (-1, 1, 1)) for i in range(8)]
    ys, xs = _pixel_grid(h, w)
    denom = coef[6] * xs + coef[7] * ys + 1.0
    x_in = (coef[0] * xs + coef[1] * ys + coef[2]) / denom
    y_in = (coef[3] * xs + coef[4] * ys + coef[5]) / denom
    return _sample(images, y_in, x_in, interpolation=interpolation, fill_mode="constant", fill_value=fill_value)


def perspective_transform(images: Any, start_points: Any, end_points: Any, interpolation: str = "bilinear",
                          fill_value: float = 0, data_format: str | None = None) -> Any:
    """Warp images so that each ``start_points`` corner (4 ``(x, y)`` points, shape ``(4, 2)`` or
    ``(batch, 4, 2)``) moves to the matching ``end_points`` corner; points outside read ``fill_value``.

    >>> start = np.array([[0, 0], [7, 0], [0, 7], [7, 7]], "float32")
    >>> perspective_transform(np.ones((8, 8, 3), "float32"), start, start * 0.9).shape   # doctest: +SKIP
    (8, 8, 3)
    """
    what = "perspective_transform"
    data_format = standardize_data_format(data_format)
    _check_choice(what, "interpolation", interpolation, tuple(_ORDERS))
    batch, single = _batch_images(what, images, data_format)
    start, end = _check_points(what, "start_points", start_points), _check_points(what, "end_points", end_points)
    if tuple(start.shape) != tuple(end.shape):
        raise ValueError(f"{what}: `start_points` and `end_points` must have the same shape, got "
                         f"{tuple(start.shape)} and {tuple(end.shape)}")
    out = warp_perspective(batch, start, end, interpolation, fill_value, what)
    return _unbatch_images(out, single, data_format)


# --- elastic -----------------------------------------------------------------------------------------------------


def _blur_matrix(size: int, sigma: Any, radius: int, dtype: str) -> Any:
    """``(size, size)`` matrix applying, with zero padding, the normalized Gaussian of ``sigma`` truncated at
    ``floor(floor(6 sigma) / 2)`` pixels each side (Keras's odd kernel size ``int(6 sigma) | 1``); ``radius``
    bounds that half-width statically, so a traced ``sigma`` works."""
    sigma = ops.maximum(ops.cast(sigma, dtype), 1e-12)
    half = ops.floor(ops.floor(6.0 * sigma) / 2.0)
    taps = ops.convert_to_tensor(np.arange(-radius, radius + 1).astype(to_dtype(dtype).np))
    offsets = np.arange(size)[None, :] - np.arange(size)[:, None]
    offsets = ops.convert_to_tensor(offsets.astype(to_dtype(dtype).np))

    def gauss(x: Any) -> Any:
        return ops.where(ops.abs(x) <= half, ops.exp(-0.5 * ops.square(x / sigma)), 0.0)

    return gauss(offsets) / ops.sum(gauss(taps))


def _radius(max_sigma: float) -> int:
    return int(int(6 * float(max_sigma)) // 2)


def elastic_displace(images: Any, alpha: Any, sigma: Any, max_sigma: float, key: Any,
                     interpolation: str = "bilinear", fill_mode: str = "reflect", fill_value: float = 0.0,
                     what: str = "elastic_transform") -> Any:
    """``elastic_transform`` on channels-last ``(batch, h, w, c)`` floating images with a drawn ``key``;
    ``sigma`` may be a tensor not above ``max_sigma`` (a number: the static bound of the blur kernel).

    >>> from hornet.api.random import draw_seed
    >>> elastic_displace(np.ones((1, 8, 8, 1), "float32"), 2.0, 1.0, 1.0, draw_seed(0)).shape   # doctest: +SKIP
    (1, 8, 8, 1)
    """
    sampling._static_hw(images, what)
    dtype = to_dtype(images.dtype)
    if not dtype.is_floating:
        raise ValueError(f"{what}: `images` must be floating point, got dtype {dtype.name}")
    _check_choice(what, "interpolation", interpolation, tuple(_ORDERS))
    _check_choice(what, "fill_mode", fill_mode, sampling.FILL_MODES)
    return staged(_elastic, images, ops.cast(alpha, dtype.name), ops.cast(sigma, dtype.name), key,
                  radius=_radius(max_sigma), interpolation=interpolation, fill_mode=fill_mode,
                  fill_value=float(fill_value))


def _elastic(images: Any, alpha: Any, sigma: Any, key: Any, *, radius: int, interpolation: str, fill_mode: str,
             fill_value: float) -> Any:
    h, w = images.shape[1], images.shape[2]
    dtype = to_dtype(images.dtype)
    batch = ops.shape(images)[0]
    # as Keras on JAX: one key draws both displacement fields, so they are equal
    field = normal((batch, h, w), dtype=dtype.name, seed=key) * sigma
    field = ops.einsum("bhw,hy,wx->byx", field, _blur_matrix(h, sigma, radius, dtype.name),
                       _blur_matrix(w, sigma, radius, dtype.name))
    shift = alpha * field
    ys, xs = _pixel_grid(h, w)
    return _sample(images, shift + ys, shift + xs, interpolation=interpolation, fill_mode=fill_mode,
                   fill_value=fill_value)


def elastic_transform(images: Any, alpha: float = 20.0, sigma: float = 5.0, interpolation: str = "bilinear",
                      fill_mode: str = "reflect", fill_value: float = 0.0, seed: Any = None,
                      data_format: str | None = None) -> Any:
    """Move each pixel by ``alpha`` times a random normal field (scaled by ``sigma``) smoothed by a Gaussian of
    width ``sigma``, then resample (``fill_mode`` for points outside). ``seed``: an int, a ``SeedGenerator`` or a
    key; as Keras on JAX, the horizontal and vertical displacements share one draw.

    >>> elastic_transform(np.ones((2, 16, 16, 3), "float32"), alpha=4.0, sigma=2.0, seed=1).shape   # doctest: +SKIP
    (2, 16, 16, 3)
    """
    what = "elastic_transform"
    data_format = standardize_data_format(data_format)
    _check_choice(what, "interpolation", interpolation, tuple(_ORDERS))
    _check_choice(what, "fill_mode", fill_mode, sampling.FILL_MODES)
    try:
        max_sigma = float(ops.convert_to_numpy(sigma))
    except Exception as e:  # a traced sigma has no value to size the kernel with
        raise ValueError(f"{what}: `sigma` must be a number (it sets the blur kernel size), got sigma={sigma!r}"
                         ) from e
    batch, single = _batch_images(what, images, data_format)
    out = elastic_displace(batch, alpha, sigma, max_sigma, draw_seed(seed), interpolation, fill_mode, fill_value,
                           what)
    return _unbatch_images(out, single, data_format)


__all__ = ["map_coordinates", "perspective_transform", "elastic_transform"]
