"""The point-wise resampling ops (``keras.ops.image`` names) against Keras 3 on JAX: ``map_coordinates`` on every
fill mode and order, ``perspective_transform`` in both data formats, and ``elastic_transform`` draw for draw
(the same threefry key; the blur is applied as two band matrices, so float32 rounding differs slightly)."""
import numpy as np
import pytest

import hornet
from hornet.api.layers import image_transforms as it

ATOL = 1e-4  # pixel values up to 255 in float32


def close(a, b, atol=ATOL):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=atol)


def images(shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


@pytest.mark.parametrize("fill_mode", ["constant", "reflect"])  # the others share affine_transform's tested code
def test_map_coordinates_matches_keras(keras, fill_mode):
    x = images((5, 6, 3), 1)
    coords = np.random.default_rng(2).uniform(-2, 8, (3, 4, 7)).astype("float32")
    for order in (0, 1):
        close(it.map_coordinates(x, coords, order, fill_mode, 7.0),
              keras.ops.image.map_coordinates(x, coords, order, fill_mode, 7.0))
    ints = np.random.default_rng(3).integers(0, 255, (5, 6)).astype("uint8")
    got = np.asarray(it.map_coordinates(ints, list(coords[:2]), 1, fill_mode))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.asarray(keras.ops.image.map_coordinates(ints, coords[:2], 1, fill_mode)))


def test_perspective_transform_matches_keras(keras):
    """One channels-first image with one set of points (the layer tests cover batches)."""
    x = images((3, 8, 10), 4)
    start = np.array([[0, 0], [9, 0], [0, 7], [9, 7]], "float32")
    end = start + start * np.random.default_rng(5).uniform(-0.3, 0.3, (4, 2)).astype("float32")
    close(it.perspective_transform(x, start, end, "bilinear", 3.0, data_format="channels_first"),
          keras.ops.image.perspective_transform(x, start, end, "bilinear", 3.0, data_format="channels_first"), atol=5e-4)  # float32 solves differ by backend


def test_elastic_transform_matches_keras(keras):
    x = images((3, 8, 10, 3), 6)
    got = it.elastic_transform(x, alpha=3.0, sigma=1.4, fill_mode="constant", seed=3)
    close(got, keras.ops.image.elastic_transform(x, alpha=3.0, sigma=1.4, fill_mode="constant", seed=3), 2e-3)
    assert not np.allclose(np.asarray(got), x)


def test_traced_map_coordinates_matches_eager():
    x = images((2, 6, 8, 2), 7)
    coords = np.random.default_rng(8).uniform(-1, 6, (4, 10)).astype("float32")
    close(hornet.jit(lambda t, c: it.map_coordinates(t, c, 1, "wrap"))(x, coords),
          it.map_coordinates(x, coords, 1, "wrap"))


def test_errors():
    x = images((4, 4, 1))
    with pytest.raises(ValueError, match="one entry per axis"):
        it.map_coordinates(x, [np.zeros(3)], 1)
    with pytest.raises(ValueError, match="order=2"):
        it.map_coordinates(x, np.zeros((3, 2)), 2)
    with pytest.raises(ValueError, match="fill_mode='edge'"):
        it.map_coordinates(x, np.zeros((3, 2)), 1, "edge")
    with pytest.raises(ValueError, match=r"start_points.*\(3, 2\)"):
        it.perspective_transform(x, np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="interpolation='bicubic'"):
        it.elastic_transform(x, interpolation="bicubic")
    with pytest.raises(ValueError, match="rank 3"):
        it.elastic_transform(np.zeros((4, 4), "float32"))
