"""MobileNetV2 (``keras.applications.mobilenet_v2``): inverted residual blocks with linear bottlenecks and a
width multiplier ``alpha``.

>>> model = MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, weights=None, include_top=False)   # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from hornet.api.applications import app_utils, imagenet_utils
from hornet.api.applications.app_layers import (Add, BatchNormalization, Conv2D, DepthwiseConv2D, ReLU,
                                                ZeroPadding2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
           (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6))


def _bn(x: Any, name: str) -> Any:
    return BatchNormalization(axis=app_utils.channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(inputs: Any, expansion: int, stride: int, alpha: float, filters: int,
                        block_id: int) -> Any:
    in_channels = inputs.shape[app_utils.channel_axis()]
    pointwise_filters = app_utils.make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                   name=f"{prefix}expand")(x)
        x = ReLU(6.0, name=f"{prefix}expand_relu")(_bn(x, f"{prefix}expand_BN"))
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = ZeroPadding2D(padding=app_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                        padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = ReLU(6.0, name=f"{prefix}depthwise_relu")(_bn(x, f"{prefix}depthwise_BN"))
    x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
               name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape: Sequence[Any] | None, input_tensor: Any) -> int:
    if input_shape is not None:
        spatial = input_shape[:2] if image_data_format() == "channels_last" else input_shape[1:3]
    elif input_tensor is not None and hasattr(input_tensor, "shape"):
        spatial = input_tensor.shape[1:3] if image_data_format() == "channels_last" else input_tensor.shape[2:4]
    else:
        return 224
    rows, cols = spatial
    return rows if rows == cols and rows in _SIZES else 224


def MobileNetV2(input_shape: Sequence[int] | None = None, alpha: float = 1.0, include_top: bool = True,
                weights: Any = "imagenet", input_tensor: Any = None, pooling: str | None = None,
                classes: int = 1000, classifier_activation: Any = "softmax", name: str | None = None) -> Any:
    """MobileNetV2 (Sandler et al., 2018); ``alpha`` scales the blocks' filters. The default name is
    ``mobilenetv2_{alpha:.2f}_{rows}``.

    >>> model = MobileNetV2(input_shape=(32, 32, 3), weights=None, classes=10)   # doctest: +SKIP
    """
    app_utils.check_weights(weights, include_top, classes, "MobileNetV2")
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=_default_size(input_shape, input_tensor),
                                               min_size=32, data_format=image_data_format(),
                                               require_flatten=include_top, weights=weights)
    rows, cols = input_shape[:2] if image_data_format() == "channels_last" else input_shape[1:3]
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError(f"MobileNetV2: with imagenet weights, `alpha` must be one of {_ALPHAS}. "
                             f"Received: alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, "
                          "224]; the weights for input shape (224, 224) will be loaded.", stacklevel=2)
    img_input = app_utils.image_input(input_tensor, input_shape)
    x = Conv2D(app_utils.make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
               use_bias=False, name="Conv1")(img_input)
    x = ReLU(6.0, name="Conv1_relu")(_bn(x, "bn_Conv1"))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride, expansion=expansion,
                                block_id=block_id)
    last_filters = app_utils.make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = ReLU(6.0, name="out_relu")(_bn(x, "Conv_1_bn"))
    if include_top:
        x = app_utils.dense_classifier(x, classes, classifier_activation, weights, pool_name=None)
    else:
        x = app_utils.pooled_features(x, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    file = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
            f"{'' if include_top else '_no_top'}.h5")
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 f"{app_utils.KERAS_WEIGHTS_URL}mobilenet_v2/{file}")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Pixels scaled from [0, 255] to [-1, 1].

    >>> preprocess_input(np.full((1, 1, 1, 3), 255.0))[0, 0, 0]
    array([1., 1., 1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]
