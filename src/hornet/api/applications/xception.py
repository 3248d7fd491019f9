"""Xception (``keras.applications.xception``): depthwise-separable convolutions in residual entry, middle and
exit flows.

>>> model = Xception(weights=None, include_top=False, input_shape=(71, 71, 3))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.applications import app_utils, imagenet_utils
from hornet.api.applications.app_layers import (Activation, Add, BatchNormalization, Conv2D, MaxPooling2D,
                                                SeparableConv2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format


def _axis() -> int:
    return 1 if image_data_format() == "channels_first" else -1


def _sep_bn(x: Any, filters: int, name: str) -> Any:
    x = SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return BatchNormalization(axis=_axis(), name=f"{name}_bn")(x)


def _residual(x: Any, filters: int) -> Any:
    # unnamed as in Keras: the projection shortcut of a downsampling block
    r = Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return BatchNormalization(axis=_axis())(r)


def _down_block(x: Any, filters: Sequence[int], block: int, first_relu: bool) -> Any:
    residual = _residual(x, filters[1])
    if first_relu:
        x = Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, filters[0], f"block{block}_sepconv1")
    x = Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, filters[1], f"block{block}_sepconv2")
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return Add()([x, residual])


def Xception(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
             input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
             classifier_activation: Any = "softmax", name: str = "xception") -> Any:
    """Xception (Chollet, 2017); the default input is 299x299 and the smallest 71x71.

    >>> model = Xception(weights=None, classes=10, input_shape=(71, 71, 3))   # doctest: +SKIP
    """
    app_utils.check_weights(weights, include_top, classes, "Xception")
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=299, min_size=71,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = BatchNormalization(axis=_axis(), name="block1_conv1_bn")(x)
    x = Activation("relu", name="block1_conv1_act")(x)
    x = Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = BatchNormalization(axis=_axis(), name="block1_conv2_bn")(x)
    x = Activation("relu", name="block1_conv2_act")(x)
    x = _down_block(x, (128, 128), 2, first_relu=False)
    x = _down_block(x, (256, 256), 3, first_relu=True)
    x = _down_block(x, (728, 728), 4, first_relu=True)
    for i in range(8):
        residual = x
        prefix = f"block{i + 5}"
        for j in (1, 2, 3):
            x = Activation("relu", name=f"{prefix}_sepconv{j}_act")(x)
            x = _sep_bn(x, 728, f"{prefix}_sepconv{j}")
        x = Add()([x, residual])
    x = _down_block(x, (728, 1024), 13, first_relu=True)
    x = Activation("relu", name="block14_sepconv1_act")(_sep_bn(x, 1536, "block14_sepconv1"))
    x = Activation("relu", name="block14_sepconv2_act")(_sep_bn(x, 2048, "block14_sepconv2"))
    if include_top:
        x = app_utils.dense_classifier(x, classes, classifier_activation, weights)
    else:
        x = app_utils.pooled_features(x, pooling)
    file = f"xception_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 f"{app_utils.KERAS_WEIGHTS_URL}xception/{file}")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Pixels scaled from [0, 255] to [-1, 1].

    >>> preprocess_input(np.full((1, 1, 1, 3), 255.0))[0, 0, 0]
    array([1., 1., 1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["Xception", "preprocess_input", "decode_predictions"]
