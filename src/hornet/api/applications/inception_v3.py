"""InceptionV3 (``keras.applications.inception_v3``): Inception modules of parallel factorized convolutions.

>>> model = InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.applications import app_utils, imagenet_utils
from hornet.api.applications.app_layers import (Activation, AveragePooling2D, BatchNormalization, Concatenate,
                                                Conv2D, MaxPooling2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format


def conv2d_bn(x: Any, filters: int, num_row: int, num_col: int, padding: str = "same",
              strides: tuple = (1, 1), name: str | None = None) -> Any:
    """Convolution (no bias), batch norm without scale, ReLU (Keras's InceptionV3 unit)."""
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
               name=None if name is None else f"{name}_conv")(x)
    x = BatchNormalization(axis=app_utils.channel_axis(), scale=False,
                           name=None if name is None else f"{name}_bn")(x)
    return Activation("relu", name=name)(x)


def _chain(x: Any, specs: Sequence[tuple], **kwargs: Any) -> Any:
    for filters, rows, cols in specs:
        x = conv2d_bn(x, filters, rows, cols, **kwargs)
    return x


def _concat(branches: list, name: str | None = None) -> Any:
    return Concatenate(axis=app_utils.channel_axis(), name=name)(branches)


def _avg_branch(x: Any, filters: int) -> Any:
    return conv2d_bn(AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1)


def _module_a(x: Any, pool_filters: int, name: str) -> Any:
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = _chain(x, ((48, 1, 1), (64, 5, 5)))
    b3 = _chain(x, ((64, 1, 1), (96, 3, 3), (96, 3, 3)))
    return _concat([b1, b5, b3, _avg_branch(x, pool_filters)], name)


def _module_c(x: Any, width: int, name: str) -> Any:
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = _chain(x, ((width, 1, 1), (width, 1, 7), (192, 7, 1)))
    b7d = _chain(x, ((width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)))
    return _concat([b1, b7, b7d, _avg_branch(x, 192)], name)


def _module_e(x: Any, i: int) -> Any:
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = _concat([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], f"mixed9_{i}")
    b3d = _chain(x, ((448, 1, 1), (384, 3, 3)))
    b3d = _concat([conv2d_bn(b3d, 384, 1, 3), conv2d_bn(b3d, 384, 3, 1)])
    return _concat([b1, b3, b3d, _avg_branch(x, 192)], f"mixed{9 + i}")


def InceptionV3(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "inception_v3") -> Any:
    """Inception v3 (Szegedy et al., 2015); the default input is 299x299 and the smallest 75x75.

    >>> model = InceptionV3(weights=None, classes=10, input_shape=(75, 75, 3))   # doctest: +SKIP
    """
    app_utils.check_weights(weights, include_top, classes, "InceptionV3")
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=299, min_size=75,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _module_a(x, 32, "mixed0")
    x = _module_a(x, 64, "mixed1")
    x = _module_a(x, 64, "mixed2")
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    b3d = _chain(x, ((64, 1, 1), (96, 3, 3)))
    b3d = conv2d_bn(b3d, 96, 3, 3, strides=(2, 2), padding="valid")
    x = _concat([b3, b3d, MaxPooling2D((3, 3), strides=(2, 2))(x)], "mixed3")
    x = _module_c(x, 128, "mixed4")
    x = _module_c(x, 160, "mixed5")
    x = _module_c(x, 160, "mixed6")
    x = _module_c(x, 192, "mixed7")
    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = _chain(x, ((192, 1, 1), (192, 1, 7), (192, 7, 1)))
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    x = _concat([b3, b7, MaxPooling2D((3, 3), strides=(2, 2))(x)], "mixed8")
    x = _module_e(x, 0)
    x = _module_e(x, 1)
    if include_top:
        x = app_utils.dense_classifier(x, classes, classifier_activation, weights)
    else:
        x = app_utils.pooled_features(x, pooling)
    file = f"inception_v3_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 f"{app_utils.KERAS_WEIGHTS_URL}inception_v3/{file}")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Pixels scaled from [0, 255] to [-1, 1].

    >>> preprocess_input(np.full((1, 1, 1, 3), 255.0))[0, 0, 0]
    array([1., 1., 1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["InceptionV3", "preprocess_input", "decode_predictions"]
