"""MobileNet (``keras.applications.mobilenet``): depthwise-separable convolutions with a width multiplier
``alpha`` and a ``depth_multiplier``.

>>> model = MobileNet(input_shape=(32, 32, 3), alpha=0.25, weights=None, include_top=False)   # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from hornet.api.applications import app_utils, imagenet_utils
from hornet.api.applications.app_layers import (Activation, BatchNormalization, Conv2D, DepthwiseConv2D, Dropout,
                                                GlobalAveragePooling2D, ReLU, Reshape, ZeroPadding2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

_SIZES = (128, 160, 192, 224)
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
# (pointwise filters, strides) of depthwise blocks 1..13
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
           (512, 1), (1024, 2), (1024, 1))


def _spatial(input_shape: Sequence[Any]) -> tuple:
    return tuple(input_shape[:2]) if image_data_format() == "channels_last" else tuple(input_shape[1:3])


def _depthwise_block(x: Any, filters: int, alpha: float, depth_multiplier: int, strides: int,
                     block_id: int) -> Any:
    axis = app_utils.channel_axis()
    if strides != 1:
        x = ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = DepthwiseConv2D((3, 3), padding="same" if strides == 1 else "valid", depth_multiplier=depth_multiplier,
                        strides=(strides, strides), use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = BatchNormalization(axis=axis, name=f"conv_dw_{block_id}_bn")(x)
    x = ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, name=f"conv_pw_{block_id}")(x)
    x = BatchNormalization(axis=axis, name=f"conv_pw_{block_id}_bn")(x)
    return ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def MobileNet(input_shape: Sequence[int] | None = None, alpha: float = 1.0, depth_multiplier: int = 1,
              dropout: float = 1e-3, include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
              name: str | None = None) -> Any:
    """MobileNet v1 (Howard et al., 2017); ``alpha`` scales every layer's filters. The default name is
    ``mobilenet_{alpha:.2f}_{rows}``.

    >>> model = MobileNet(input_shape=(32, 32, 3), alpha=0.5, weights=None, classes=10)   # doctest: +SKIP
    """
    app_utils.check_weights(weights, include_top, classes, "MobileNet")
    default_size = 224
    if input_shape is not None:
        rows, cols = _spatial(input_shape)
        if rows == cols and rows in _SIZES:
            default_size = rows
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    rows, cols = _spatial(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(f"MobileNet: with imagenet weights, `depth_multiplier` must be 1. Received: "
                             f"depth_multiplier={depth_multiplier}")
        if alpha not in _ALPHA_TEXT:
            raise ValueError(f"MobileNet: with imagenet weights, `alpha` must be one of 0.25, 0.50, 0.75 or 1.0. "
                             f"Received: alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [128, 160, 192, 224]; "
                          "the weights for input shape (224, 224) will be loaded.", stacklevel=2)
    img_input = app_utils.image_input(input_tensor, input_shape)
    axis = app_utils.channel_axis()
    x = Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(img_input)
    x = ReLU(6.0, name="conv1_relu")(BatchNormalization(axis=axis, name="conv1_bn")(x))
    for block_id, (filters, strides) in enumerate(_BLOCKS, start=1):
        x = _depthwise_block(x, filters, alpha, depth_multiplier, strides, block_id)
    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Dropout(dropout, name="dropout")(x)
        x = Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = Reshape((classes,), name="reshape_2")(x)
        app_utils.validate_activation(classifier_activation, weights)
        x = Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = app_utils.pooled_features(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    file = None
    if weights == "imagenet":
        file = f"mobilenet_{_ALPHA_TEXT[alpha]}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 f"{app_utils.KERAS_WEIGHTS_URL}mobilenet_v1/{file}")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Pixels scaled from [0, 255] to [-1, 1].

    >>> preprocess_input(np.full((1, 1, 1, 3), 255.0))[0, 0, 0]
    array([1., 1., 1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["MobileNet", "preprocess_input", "decode_predictions"]
