"""MobileNetV3Small and MobileNetV3Large (``keras.applications.MobileNetV3*``): inverted residual blocks with
hard-swish and squeeze-and-excitation (or ReLU and no SE when ``minimalistic``); the models take raw [0, 255]
pixels unless ``include_preprocessing=False``.

>>> model = MobileNetV3Small(input_shape=(32, 32, 3), weights=None, include_top=False)   # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

from hornet.api.applications import app_utils
from hornet.api.applications.app_layers import (Activation, Add, BatchNormalization, Conv2D, DepthwiseConv2D,
                                                Dropout, Flatten, GlobalAveragePooling2D, Multiply, ReLU,
                                                Rescaling, ZeroPadding2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

_depth = app_utils.make_divisible
# (expansion, filters, kernel ("k" = the model's kernel), stride, squeeze-excite, activation ("act" = the
# model's activation)) of each block
_SMALL = ((1, 16, 3, 2, True, "relu"), (72 / 16, 24, 3, 2, False, "relu"), (88 / 24, 24, 3, 1, False, "relu"),
          (4, 40, "k", 2, True, "act"), (6, 40, "k", 1, True, "act"), (6, 40, "k", 1, True, "act"),
          (3, 48, "k", 1, True, "act"), (3, 48, "k", 1, True, "act"), (6, 96, "k", 2, True, "act"),
          (6, 96, "k", 1, True, "act"), (6, 96, "k", 1, True, "act"))
_LARGE = ((1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
          (3, 40, "k", 2, True, "relu"), (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
          (6, 80, 3, 2, False, "act"), (2.5, 80, 3, 1, False, "act"), (2.3, 80, 3, 1, False, "act"),
          (2.3, 80, 3, 1, False, "act"), (6, 112, 3, 1, True, "act"), (6, 112, 3, 1, True, "act"),
          (6, 160, "k", 2, True, "act"), (6, 160, "k", 1, True, "act"), (6, 160, "k", 1, True, "act"))
_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"


def _relu(x: Any) -> Any:
    return ReLU()(x)


def _hard_sigmoid(x: Any) -> Any:
    return ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _hard_swish(x: Any) -> Any:
    return Activation("hard_swish")(x)


def _bn(x: Any, name: str) -> Any:
    return BatchNormalization(axis=-1 if image_data_format() == "channels_last" else 1, epsilon=1e-3,
                              momentum=0.999, name=name)(x)


def _se_block(inputs: Any, filters: int, se_ratio: float, prefix: str) -> Any:
    x = GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv")(x)
    x = ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    return Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, _hard_sigmoid(x)])


def _inverted_res_block(x: Any, expansion: float, filters: int, kernel_size: int, stride: int,
                        se_ratio: float | None, activation: Callable[[Any], Any], block_id: int) -> Any:
    shortcut = x
    infilters = x.shape[-1 if image_data_format() == "channels_last" else 1]
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = Conv2D(_depth(infilters * expansion), kernel_size=1, padding="same", use_bias=False,
                   name=f"{prefix}expand")(x)
        x = activation(_bn(x, f"{prefix}expand_bn"))
    if stride == 2:
        x = ZeroPadding2D(padding=app_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False,
                        name=f"{prefix}depthwise")(x)
    x = activation(_bn(x, f"{prefix}depthwise_bn"))
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_bn")
    if stride == 1 and infilters == filters:
        x = Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(input_shape: Any, input_tensor: Any) -> tuple:
    last = image_data_format() == "channels_last"
    if input_shape is None and input_tensor is not None and hasattr(input_tensor, "shape"):
        rows, cols = input_tensor.shape[1:3] if last else input_tensor.shape[2:4]
        return (cols, rows, 3) if last else (3, cols, rows)
    if input_shape is None:
        return (None, None, 3) if last else (3, None, None)
    return tuple(input_shape)


def _mobilenet_v3(blocks: Sequence[tuple], last_point_ch: int, input_shape: Any, alpha: float, model_type: str,
                  minimalistic: bool, include_top: bool, weights: Any, input_tensor: Any, classes: int,
                  pooling: str | None, dropout_rate: float, classifier_activation: Any,
                  include_preprocessing: bool, name: str) -> Any:
    app_utils.check_weights(weights, include_top, classes, name)
    input_shape = _input_shape(input_shape, input_tensor)
    rows, cols = input_shape[:2] if image_data_format() == "channels_last" else input_shape[1:3]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"{name}: input size must be at least 32x32; Received: input_shape={input_shape}")
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError(f"{name}: with imagenet weights, `alpha` can be 0.75 or 1.0 (not minimalistic) or "
                             f"1.0 (minimalistic) only. Received: alpha={alpha}")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224; the weights for input "
                          "shape (224, 224) will be loaded.", stacklevel=3)
    img_input = app_utils.image_input(input_tensor, input_shape)
    kernel, activation, se_ratio = (3, _relu, None) if minimalistic else (5, _hard_swish, 0.25)
    x = img_input
    if include_preprocessing:
        x = Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = activation(_bn(x, "conv_bn"))
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, _depth(filters * alpha), kernel if k == "k" else k, stride,
                                se_ratio if se else None, _relu if act == "relu" else activation, block_id)
    last_conv_ch = _depth(x.shape[-1 if image_data_format() == "channels_last" else 1] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = activation(_bn(x, "conv_1_bn"))
    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = activation(Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x))
        if dropout_rate > 0:
            x = Dropout(dropout_rate)(x)
        x = Flatten()(Conv2D(classes, kernel_size=1, padding="same", name="logits")(x))
        app_utils.validate_activation(classifier_activation, weights)
        x = Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = app_utils.pooled_features(x, pooling, named=True)
    model_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    file = f"weights_mobilenet_v3_{model_name}{'.h5' if include_top else '_no_top_v2.h5'}"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file, f"{_URL}{file}")


def MobileNetV3Small(input_shape: Sequence[int] | None = None, alpha: float = 1.0, minimalistic: bool = False,
                     include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                     classes: int = 1000, pooling: str | None = None, dropout_rate: float = 0.2,
                     classifier_activation: Any = "softmax", include_preprocessing: bool = True,
                     name: str = "MobileNetV3Small") -> Any:
    """MobileNetV3-Small (Howard et al., 2019): 11 inverted residual blocks; ``alpha`` scales their filters.

    >>> model = MobileNetV3Small(input_shape=(32, 32, 3), weights=None, classes=10)   # doctest: +SKIP
    """
    return _mobilenet_v3(_SMALL, 1024, input_shape, alpha, "small", minimalistic, include_top, weights,
                         input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                         name)


def MobileNetV3Large(input_shape: Sequence[int] | None = None, alpha: float = 1.0, minimalistic: bool = False,
                     include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                     classes: int = 1000, pooling: str | None = None, dropout_rate: float = 0.2,
                     classifier_activation: Any = "softmax", include_preprocessing: bool = True,
                     name: str = "MobileNetV3Large") -> Any:
    """MobileNetV3-Large (Howard et al., 2019): 15 inverted residual blocks; ``alpha`` scales their filters.

    >>> model = MobileNetV3Large(input_shape=(32, 32, 3), weights=None, minimalistic=True)   # doctest: +SKIP
    """
    return _mobilenet_v3(_LARGE, 1280, input_shape, alpha, "large", minimalistic, include_top, weights,
                         input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing,
                         name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """The identity: MobileNetV3 models rescale their [0, 255] inputs themselves.

    >>> preprocess_input(np.array([255.0]))
    array([255.])
    """
    return x


__all__ = ["MobileNetV3Small", "MobileNetV3Large", "preprocess_input", "decode_predictions"]
