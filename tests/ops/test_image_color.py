"""Colour conversions and Gaussian blur against keras.ops.image (on JAX): eager, traced and on each lowering,
both data formats, single images, integer grayscale; clear errors for bad ranks, channels, dtypes and sizes."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import check_op  # noqa: E402
import hornet  # noqa: E402
from hornet.api.ops import image_color as ic  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-6)


def images(shape, seed=0):
    x = np.random.default_rng(seed).uniform(0, 1, shape).astype("float32")
    x.reshape(-1, x.shape[-1])[:3] = [[0.5, 0.5, 0.5], [0.2, 0.7, 0.7], [0.0, 0.0, 0.0]][:3]  # gray, ties, black
    return x


@pytest.mark.parametrize("name,data_format", [("rgb_to_hsv", "channels_last"), ("hsv_to_rgb", "channels_last"),
                                              ("rgb_to_grayscale", "channels_last"), ("rgb_to_hsv", "channels_first")])
def test_conversions_match_keras(name, data_format):
    x = images((2, 4, 5, 3))
    if data_format == "channels_first":
        x = x.transpose(0, 3, 1, 2).copy()
    want = np.asarray(getattr(keras.ops.image, name)(x, data_format=data_format))
    check_op(lambda t: getattr(ic, name)(t, data_format=data_format), x, expected=want, **TOL)


def test_grayscale_integer_images_keep_dtype():
    x = (images((2, 4, 5, 3), 2) * 255).astype("uint8")
    got = np.asarray(ic.rgb_to_grayscale(x))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.asarray(keras.ops.image.rgb_to_grayscale(x)))
    gray = x[..., :1]
    np.testing.assert_array_equal(np.asarray(ic.rgb_to_grayscale(gray)), gray)  # one channel passes unchanged


@pytest.mark.parametrize("kernel_size,sigma,data_format", [((3, 5), (0.7, 1.3), "channels_last"),
                                                           ((5, 3), (1.5, 0.4), "channels_first")])
def test_gaussian_blur_matches_keras(kernel_size, sigma, data_format):
    x = images((2, 4, 5, 3), 3)
    if data_format == "channels_first":
        x = x.transpose(0, 3, 1, 2).copy()
    want = np.asarray(keras.ops.image.gaussian_blur(x, kernel_size, sigma, data_format=data_format))
    check_op(lambda t: ic.gaussian_blur(t, kernel_size, sigma, data_format), x, expected=want, rtol=1e-5,
             atol=1e-5)


def test_gaussian_blur_traced_sigma_and_single_image():
    x = images((4, 5, 3), 4)  # a single image
    sigma = np.array([0.6, 1.2], "float32")
    want = np.asarray(keras.ops.image.gaussian_blur(x, (3, 5), sigma, data_format="channels_last"))
    check_op(lambda t, s: ic.gaussian_blur(t, (3, 5), s), x, sigma, expected=want, rtol=1e-5, atol=1e-5)
    graph = hornet.trace(lambda t: ic.gaussian_blur(t), hornet.TensorSpec((None, 4, 5, 3)))
    assert str(graph.output_types[0]) == "float32[batch,4,5,3]"


def test_errors():
    with pytest.raises(ShapeError, match=r"rgb_to_hsv: `images` must be rank 3.*\(4, 3\)"):
        ic.rgb_to_hsv(np.zeros((4, 3), "float32"))
    with pytest.raises(ShapeError, match=r"hsv_to_rgb: `images` must have 3 channels.*\(2, 2, 4\)"):
        ic.hsv_to_rgb(np.zeros((2, 2, 4), "float32"))
    with pytest.raises(ValueError, match="rgb_to_hsv: `images` must have a float dtype, got images.dtype=uint8"):
        ic.rgb_to_hsv(np.zeros((2, 2, 3), "uint8"))
    with pytest.raises(ShapeError, match="rgb_to_grayscale: `images` must have 3 .* or 1"):
        ic.rgb_to_grayscale(np.zeros((2, 2, 2), "float32"))
    with pytest.raises(ValueError, match=r"gaussian_blur: `kernel_size` must be two positive integers"):
        ic.gaussian_blur(np.zeros((4, 4, 3), "float32"), (0, 3))
    with pytest.raises(ValueError, match="gaussian_blur: `sigma` must be a pair"):
        ic.gaussian_blur(np.zeros((4, 4, 3), "float32"), (3, 3), 1.0)
    with pytest.raises(ValueError, match="data_format='nhwc'"):
        ic.rgb_to_grayscale(np.zeros((4, 4, 3), "float32"), data_format="nhwc")
