"""EfficientNetV2B0 to B3, S, M and L (``keras.applications.efficientnet_v2``): Fused-MBConv early stages and
MBConv later ones; the models take raw [0, 255] pixels unless ``include_preprocessing=False``.

>>> model = EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3))   # doctest: +SKIP
"""
from __future__ import annotations

import copy
import math
from typing import Any, Sequence

from hornet.api.applications import app_utils
from hornet.api.applications.app_layers import (Activation, Add, BatchNormalization, Conv2D, Dense,
                                                DepthwiseConv2D, Dropout, GlobalAveragePooling2D, Multiply,
                                                Normalization, Rescaling, Reshape)
from hornet.api.applications.efficientnet import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio", "se_ratio", "strides",
         "conv_type")
_B = ((3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
      (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0), (3, 8, 112, 192, 6, 0.25, 2, 0))
_TABLES = {
    "efficientnetv2-s": ((3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
                         (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
                         (3, 15, 160, 256, 6, 0.25, 2, 0)),
    "efficientnetv2-m": ((3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
                         (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
                         (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0)),
    "efficientnetv2-l": ((3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
                         (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
                         (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0)),
    **{f"efficientnetv2-b{i}": _B for i in range(4)},
}
DEFAULT_BLOCKS_ARGS = {name: [dict(zip(_KEYS, row)) for row in rows] for name, rows in _TABLES.items()}
_URL = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"


def round_filters(filters: float, width_coefficient: float, min_depth: int | None, depth_divisor: int) -> int:
    """``filters * width_coefficient`` rounded to a multiple of ``depth_divisor`` (at least ``min_depth``)."""
    filters *= width_coefficient
    return int(max(min_depth or depth_divisor, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def _bn(x: Any, momentum: float, name: str) -> Any:
    return BatchNormalization(axis=app_utils.channel_axis(), momentum=momentum, name=name)(x)


def _conv(x: Any, filters: int, kernel_size: int, strides: int, name: str) -> Any:
    return Conv2D(filters, kernel_size=kernel_size, strides=strides, kernel_initializer=CONV_KERNEL_INITIALIZER,
                  padding="same", use_bias=False, name=name)(x)


def _squeeze_excite(x: Any, filters: int, input_filters: int, se_ratio: float, activation: Any, name: str) -> Any:
    se = GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = Reshape((filters, 1, 1) if app_utils.channel_axis() == 1 else (1, 1, filters), name=f"{name}se_reshape")(se)
    se = Conv2D(max(1, int(input_filters * se_ratio)), 1, padding="same", activation=activation,
                kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce")(se)
    se = Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=CONV_KERNEL_INITIALIZER,
                name=f"{name}se_expand")(se)
    return Multiply(name=f"{name}se_excite")([x, se])


def _residual(x: Any, inputs: Any, strides: int, input_filters: int, output_filters: int,
              survival_probability: float, name: str) -> Any:
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            # Keras passes this value as the drop rate
            x = Dropout(survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = Add(name=f"{name}add")([x, inputs])
    return x


def mb_conv_block(inputs: Any, input_filters: int, output_filters: int, expand_ratio: int = 1,
                  kernel_size: int = 3, strides: int = 1, se_ratio: float = 0.0, bn_momentum: float = 0.9,
                  activation: Any = "swish", survival_probability: float = 0.8, name: str = "") -> Any:
    """MBConv: 1x1 expansion, depthwise conv, optional squeeze-excite, 1x1 projection, residual."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _bn(_conv(x, filters, 1, 1, f"{name}expand_conv"), bn_momentum, f"{name}expand_bn")
        x = Activation(activation, name=f"{name}expand_activation")(x)
    x = DepthwiseConv2D(kernel_size=kernel_size, strides=strides, depthwise_initializer=CONV_KERNEL_INITIALIZER,
                        padding="same", use_bias=False, name=f"{name}dwconv2")(x)
    x = Activation(activation, name=f"{name}activation")(_bn(x, bn_momentum, f"{name}bn"))
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
    x = _bn(_conv(x, output_filters, 1, 1, f"{name}project_conv"), bn_momentum, f"{name}project_bn")
    return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)


def fused_mb_conv_block(inputs: Any, input_filters: int, output_filters: int, expand_ratio: int = 1,
                        kernel_size: int = 3, strides: int = 1, se_ratio: float = 0.0, bn_momentum: float = 0.9,
                        activation: Any = "swish", survival_probability: float = 0.8, name: str = "") -> Any:
    """Fused-MBConv: one full kxk expansion conv instead of 1x1 + depthwise."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _bn(_conv(x, filters, kernel_size, strides, f"{name}expand_conv"), bn_momentum, f"{name}expand_bn")
        x = Activation(activation=activation, name=f"{name}expand_activation")(x)
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
    expanded = expand_ratio != 1
    x = _conv(x, output_filters, 1 if expanded else kernel_size, 1 if expanded else strides, f"{name}project_conv")
    x = _bn(x, bn_momentum, f"{name}project_bn")
    if not expanded:
        x = Activation(activation=activation, name=f"{name}project_activation")(x)
    return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)


def EfficientNetV2(width_coefficient: float, depth_coefficient: float, default_size: int,
                   dropout_rate: float = 0.2, drop_connect_rate: float = 0.2, depth_divisor: int = 8,
                   min_depth: int = 8, bn_momentum: float = 0.9, activation: Any = "swish",
                   blocks_args: Any = "default", name: str = "efficientnetv2", include_top: bool = True,
                   weights: Any = "imagenet", input_tensor: Any = None, input_shape: Sequence[int] | None = None,
                   pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
                   include_preprocessing: bool = True, weights_name: str | None = None) -> Any:
    """An EfficientNetV2 (Tan & Le, 2021); ``blocks_args="default"`` takes the table of ``name`` (as Keras).

    >>> model = EfficientNetV2(1.0, 1.0, 224, name="efficientnetv2-b0", weights=None)   # doctest: +SKIP
    """
    if blocks_args == "default":
        if name not in DEFAULT_BLOCKS_ARGS:
            raise ValueError(f"EfficientNetV2: blocks_args='default' needs `name` to be one of "
                             f"{sorted(DEFAULT_BLOCKS_ARGS)}; received name={name!r}")
        blocks_args = DEFAULT_BLOCKS_ARGS[name]
    app_utils.check_weights(weights, include_top, classes, name)
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    axis = app_utils.channel_axis()
    x = img_input
    if include_preprocessing:
        if name.split("-")[-1].startswith("b") and input_shape[axis - 1] == 3:
            x = Rescaling(scale=1.0 / 255)(x)
            x = Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                              axis=axis)(x)
        else:
            x = Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def rounded(filters: float) -> int:
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = _conv(x, rounded(blocks_args[0]["input_filters"]), 3, 2, "stem_conv")
    x = Activation(activation, name="stem_activation")(_bn(x, bn_momentum, "stem_bn"))
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    total = float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(f"{name}: the number of repeats of every block must be > 0. Received: "
                             f"num_repeat={args['num_repeat']}")
        args["input_filters"] = rounded(args["input_filters"])
        args["output_filters"] = rounded(args["output_filters"])
        block = fused_mb_conv_block if args.pop("conv_type") == 1 else mb_conv_block
        for j in range(int(math.ceil(depth_coefficient * args.pop("num_repeat")))):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(x, activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / total, name=f"block{i + 1}{chr(j + 97)}_",
                      **args)
            b += 1
    x = _bn(_conv(x, rounded(1280), 1, 1, "top_conv"), bn_momentum, "top_bn")
    x = Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate, name="top_dropout")(x)
        app_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                  bias_initializer="zeros", name="predictions")(x)
    else:
        x = app_utils.pooled_features(x, pooling, named=True)
    file = f"{name}{'.h5' if include_top else '_notop.h5'}" if weights_name else None
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file, f"{_URL}{file}")


def _variant(label: str, width: float, depth: float, size: int):
    def build(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
              classifier_activation: Any = "softmax", include_preprocessing: bool = True,
              name: str = f"efficientnetv2-{label.lower()}") -> Any:
        return EfficientNetV2(width_coefficient=width, depth_coefficient=depth, default_size=size, name=name,
                              include_top=include_top, weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing, weights_name=f"-{label.lower()}")

    build.__name__ = build.__qualname__ = f"EfficientNetV2{label}"
    build.__doc__ = (f"EfficientNetV2-{label}: width x{width}, depth x{depth}, default input {size}x{size}.\n\n"
                     f"    >>> model = EfficientNetV2{label}(weights=None, include_top=False, "
                     f"input_shape=(32, 32, 3))   # doctest: +SKIP\n    ")
    return build


EfficientNetV2B0 = _variant("B0", 1.0, 1.0, 224)
EfficientNetV2B1 = _variant("B1", 1.0, 1.1, 240)
EfficientNetV2B2 = _variant("B2", 1.1, 1.2, 260)
EfficientNetV2B3 = _variant("B3", 1.2, 1.4, 300)
EfficientNetV2S = _variant("S", 1.0, 1.0, 384)
EfficientNetV2M = _variant("M", 1.0, 1.0, 480)
EfficientNetV2L = _variant("L", 1.0, 1.0, 480)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """The identity: EfficientNetV2 models rescale their [0, 255] inputs themselves.

    >>> preprocess_input(np.array([255.0]))
    array([255.])
    """
    return x


__all__ = ["EfficientNetV2", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
           "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L", "preprocess_input", "decode_predictions"]
