"""hornet.ops.image (resize, affine_transform, crop/pad, patches, scale_and_translate, sobel_edges, ssim) against
keras.ops.image on JAX: eager, and traced on each lowering against eager; layouts, dtypes and errors."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import check_op, rng  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402
from hornet.ops import image  # noqa: E402

KI = keras.ops.image
R = rng("image_ops")
X = R.random((2, 7, 9, 3)).astype("float32")
X_CF = np.transpose(X, (0, 3, 1, 2))
U8 = (X * 255).astype("uint8")
SHEAR = np.array([[1.2, 0.1, -1.0, 0.05, 0.9, 0.5, 0, 0], [1, 0, -2, 0, 1, 1, 0, 0]], "float32")


def np_(x):
    return np.asarray(x)


def close(got, want, tol=1e-5):
    np.testing.assert_allclose(ops.convert_to_numpy(got), np_(want), rtol=tol, atol=tol / 10)


def test_resize_matches_keras():
    check_op(lambda x: image.resize(x, (4, 5)), X, expected=np_(KI.resize(X, (4, 5))), rtol=1e-5, atol=1e-6)
    # the interpolations themselves are the Resizing layer's (tested there): here the options ops.image adds
    for kw in ({"interpolation": "bicubic", "antialias": True}, {"crop_to_aspect_ratio": True},
               {"pad_to_aspect_ratio": True, "fill_value": 0.5}):
        close(image.resize(X, (4, 5), **kw), KI.resize(X, (4, 5), **kw))


def test_resize_layouts_and_integer_images():
    want = np_(KI.resize(X_CF[0], (4, 5), data_format="channels_first"))
    np.testing.assert_allclose(ops.convert_to_numpy(image.resize(X_CF[0], (4, 5), data_format="channels_first")),
                               want, rtol=1e-5, atol=1e-6)
    got = ops.convert_to_numpy(image.resize(U8, (4, 5)))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np_(KI.resize(U8, (4, 5))))  # rounded half to even, as Keras


def test_resize_errors():
    with pytest.raises(ValueError, match="resize: size must hold two positive ints"):
        image.resize(X, (0, 3))
    with pytest.raises(ValueError, match="only one of pad_to_aspect_ratio and crop_to_aspect_ratio"):
        image.resize(X, (3, 3), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ShapeError, match="resize: images must be rank 3 or 4"):
        image.resize(X[0, 0], (3, 3))


def test_affine_transform_matches_keras():
    check_op(lambda x, t: image.affine_transform(x, t, fill_value=0.3), X, SHEAR,
             expected=np_(KI.affine_transform(X, SHEAR, fill_value=0.3)), rtol=1e-5, atol=1e-6)
    for interpolation, fill_mode in (("nearest", "wrap"), ("bilinear", "mirror"), ("nearest", "nearest")):
        kw = dict(interpolation=interpolation, fill_mode=fill_mode, fill_value=0.3)
        close(image.affine_transform(X, SHEAR, **kw), KI.affine_transform(X, SHEAR, **kw))


def test_affine_transform_single_image_channels_first_and_uint8():
    got = image.affine_transform(X_CF[0], SHEAR[0], data_format="channels_first")
    np.testing.assert_allclose(ops.convert_to_numpy(got),
                               np_(KI.affine_transform(X_CF[0], SHEAR[0], data_format="channels_first")),
                               rtol=1e-5, atol=1e-6)
    got = ops.convert_to_numpy(image.affine_transform(U8, SHEAR))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, np_(KI.affine_transform(U8, SHEAR)))
    with pytest.raises(ShapeError, match="transform must be \\(8,\\) or \\(batch, 8\\)"):
        image.affine_transform(X, SHEAR[:, :6])


def test_pad_and_crop_match_keras():
    check_op(lambda x: image.pad_images(x, 1, 2, target_height=10, target_width=12), X,
             expected=np_(KI.pad_images(X, 1, 2, target_height=10, target_width=12)))
    kw = dict(bottom_cropping=1, left_cropping=2, target_height=4, right_cropping=1)
    check_op(lambda x: image.crop_images(x, **kw), X, expected=np_(KI.crop_images(X, **kw)))
    kw = dict(top_padding=1, bottom_padding=0, left_padding=0, right_padding=3, data_format="channels_first")
    np.testing.assert_array_equal(ops.convert_to_numpy(image.pad_images(X_CF[0], **kw)),
                                  np_(KI.pad_images(X_CF[0], **kw)))
    with pytest.raises(ValueError, match="pad_images: give exactly two of top_padding, bottom_padding"):
        image.pad_images(X, 1, 1, bottom_padding=1, target_height=9, target_width=12)
    with pytest.raises(ValueError, match="crop_images: top_cropping must be >= 0"):
        image.crop_images(X, left_cropping=0, target_width=3, bottom_cropping=0, target_height=8)


def test_extract_patches_matches_keras():
    check_op(lambda x: image.extract_patches(x, 3), X, expected=np_(KI.extract_patches(X, 3)))
    for kw in (dict(size=(2, 3), strides=(1, 2)), dict(size=3, strides=1, dilation_rate=2),
               dict(size=(3, 2), strides=2, padding="same")):
        np.testing.assert_array_equal(ops.convert_to_numpy(image.extract_patches(X, **kw)),
                                      np_(KI.extract_patches(X, **kw)))


def test_extract_patches_layouts_and_3d():
    np.testing.assert_array_equal(ops.convert_to_numpy(image.extract_patches(X_CF, 3, data_format="channels_first")),
                                  np_(KI.extract_patches(X_CF, 3, data_format="channels_first")))
    vol = R.random((2, 5, 6, 4, 2)).astype("float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(image.extract_patches_3d(vol, (2, 3, 2))),
                                  np_(KI.extract_patches_3d(vol, (2, 3, 2))))
    kw = dict(strides=(1, 2, 2), padding="same")
    np.testing.assert_array_equal(ops.convert_to_numpy(image.extract_patches(vol[0], (2, 2, 3), **kw)),
                                  np_(KI.extract_patches(vol[0], (2, 2, 3), **kw)))
    with pytest.raises(ValueError, match="extract_patches: size must be a tuple of length 2 or 3"):
        image.extract_patches(X, (2, 2, 2, 2))


def test_scale_and_translate_matches_keras():
    scale, shift = np.array([0.7, 0.45], "float32"), np.array([0.3, -0.2], "float32")
    want = np_(KI.scale_and_translate(X, (2, 5, 4, 3), scale, shift, (1, 2), "linear", True))
    check_op(lambda x, s, t: image.scale_and_translate(x, (2, 5, 4, 3), s, t, (1, 2), "linear"), X, scale, shift,
             expected=want, rtol=1e-5, atol=1e-6)
    for method, antialias in (("lanczos3", True),):
        close(image.scale_and_translate(X, (2, 5, 4, 3), scale, shift, (1, 2), method, antialias),
              KI.scale_and_translate(X, (2, 5, 4, 3), scale, shift, (1, 2), method, antialias))
    with pytest.raises(ValueError, match="scale_and_translate: unknown method='nearest'"):
        image.scale_and_translate(X, (2, 5, 4, 3), scale, shift, (1, 2), "nearest")


def test_sobel_edges_and_ssim_match_keras():
    check_op(image.sobel_edges, X, expected=np_(KI.sobel_edges(X)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(image.sobel_edges(X_CF, data_format="channels_first")),
                               np_(KI.sobel_edges(X_CF, data_format="channels_first")), rtol=1e-5, atol=1e-6)
    y = R.random((2, 12, 13, 3)).astype("float32")
    z = np.clip(y + 0.1 * R.normal(size=y.shape), 0, 1).astype("float32")
    close(image.ssim(y, z), KI.ssim(y, z))
    kw = dict(filter_size=5, filter_sigma=1.0, max_val=2.0)
    np.testing.assert_allclose(ops.convert_to_numpy(image.ssim(y[0], z[0], **kw)), np_(KI.ssim(y[0], z[0], **kw)),
                               rtol=1e-5)
    with pytest.raises(ShapeError, match="ssim: image1 and image2 must have the same shape"):
        image.ssim(y, z[:1])


def test_namespace_matches_keras_ops_image():
    theirs = {n for n in dir(KI) if not n.startswith("_")}
    assert set(image.__all__) == theirs
    assert all(callable(getattr(image, n)) for n in image.__all__)
