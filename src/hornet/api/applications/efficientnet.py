"""EfficientNetB0 to B7 (``keras.applications.efficientnet``): compound-scaled MBConv networks with
squeeze-and-excitation; the models take raw [0, 255] pixels (rescaling and normalization are built in).

>>> model = EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))   # doctest: +SKIP
"""
from __future__ import annotations

import copy
import math
from typing import Any, Sequence

from hornet.api.applications import app_utils
from hornet.api.applications.app_layers import (Activation, Add, BatchNormalization, Conv2D, Dense,
                                                DepthwiseConv2D, Dropout, GlobalAveragePooling2D, Multiply,
                                                Normalization, Rescaling, Reshape, ZeroPadding2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

# Keras's initializers, so fresh models start from the same distributions
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)
_BASE_URL = "https://storage.googleapis.com/keras-applications/"
# kernel_size, repeats, filters_in, filters_out, expand_ratio, strides (se_ratio 0.25, id_skip everywhere)
_STAGES = ((3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
           (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1))
DEFAULT_BLOCKS_ARGS = [dict(kernel_size=k, repeats=r, filters_in=fi, filters_out=fo, expand_ratio=e,
                            id_skip=True, strides=s, se_ratio=0.25) for k, r, fi, fo, e, s in _STAGES]


def block(inputs: Any, activation: Any = "swish", drop_rate: float = 0.0, name: str = "", filters_in: int = 32,
          filters_out: int = 16, kernel_size: int = 3, strides: int = 1, expand_ratio: int = 1,
          se_ratio: float = 0.0, id_skip: bool = True) -> Any:
    """One MBConv block: expansion, depthwise conv, squeeze-and-excitation, projection, residual."""
    axis = app_utils.channel_axis()
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                   name=f"{name}expand_conv")(x)
        x = BatchNormalization(axis=axis, name=f"{name}expand_bn")(x)
        x = Activation(activation, name=f"{name}expand_activation")(x)
    pad = "same"
    if strides == 2:
        x = ZeroPadding2D(padding=app_utils.correct_pad(x, kernel_size), name=f"{name}dwconv_pad")(x)
        pad = "valid"
    x = DepthwiseConv2D(kernel_size, strides=strides, padding=pad, use_bias=False,
                        depthwise_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}dwconv")(x)
    x = Activation(activation, name=f"{name}activation")(BatchNormalization(axis=axis, name=f"{name}bn")(x))
    if 0 < se_ratio <= 1:
        se = GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
        se = Reshape((filters, 1, 1) if axis == 1 else (1, 1, filters), name=f"{name}se_reshape")(se)
        se = Conv2D(max(1, int(filters_in * se_ratio)), 1, padding="same", activation=activation,
                    kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce")(se)
        se = Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=CONV_KERNEL_INITIALIZER,
                    name=f"{name}se_expand")(se)
        x = Multiply(name=f"{name}se_excite")([x, se])
    x = Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
               name=f"{name}project_conv")(x)
    x = BatchNormalization(axis=axis, name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = Add(name=f"{name}add")([x, inputs])
    return x


def EfficientNet(width_coefficient: float, depth_coefficient: float, default_size: int, dropout_rate: float = 0.2,
                 drop_connect_rate: float = 0.2, depth_divisor: int = 8, activation: Any = "swish",
                 blocks_args: Any = "default", name: str = "efficientnet", include_top: bool = True,
                 weights: Any = "imagenet", input_tensor: Any = None, input_shape: Sequence[int] | None = None,
                 pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
                 weights_name: str | None = None) -> Any:
    """An EfficientNet scaled by width and depth coefficients (Tan & Le, 2019).

    >>> model = EfficientNet(1.0, 1.0, 224, weights=None, input_shape=(32, 32, 3), include_top=False)  # doctest: +SKIP
    """
    blocks_args = copy.deepcopy(DEFAULT_BLOCKS_ARGS if blocks_args == "default" else blocks_args)
    app_utils.check_weights(weights, include_top, classes, name)
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    axis = app_utils.channel_axis()

    def round_filters(filters: float) -> int:
        return app_utils.make_divisible(filters * width_coefficient, depth_divisor)

    def round_repeats(repeats: int) -> int:
        return int(math.ceil(depth_coefficient * repeats))

    x = Normalization(axis=axis)(Rescaling(1.0 / 255.0)(img_input))
    if weights == "imagenet":
        x = Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = ZeroPadding2D(padding=app_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
               kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = Activation(activation, name="stem_activation")(BatchNormalization(axis=axis, name="stem_bn")(x))
    b = 0
    total = float(sum(round_repeats(args["repeats"]) for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ValueError(f"{name}: the number of repeats of every block must be > 0. Received: "
                             f"repeats={args['repeats']}")
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"))):
            if j > 0:
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(x, activation, drop_connect_rate * b / total, name=f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = Conv2D(round_filters(1280), 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
               name="top_conv")(x)
    x = Activation(activation, name="top_activation")(BatchNormalization(axis=axis, name="top_bn")(x))
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate, name="top_dropout")(x)
        app_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                  name="predictions")(x)
    else:
        x = app_utils.pooled_features(x, pooling, named=True)
    file = f"{name}{'.h5' if include_top else '_notop.h5'}" if weights_name else None
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file, f"{_BASE_URL}{file}")


def _variant(label: str, width: float, depth: float, size: int, dropout: float):
    def build(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = f"efficientnet{label.lower()}") -> Any:
        return EfficientNet(width, depth, size, dropout, name=name, include_top=include_top, weights=weights,
                            input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                            classifier_activation=classifier_activation, weights_name=label.lower())

    build.__name__ = build.__qualname__ = f"EfficientNet{label}"
    build.__doc__ = (f"EfficientNet-{label}: width x{width}, depth x{depth}, default input {size}x{size}, top "
                     f"dropout {dropout}.\n\n    >>> model = EfficientNet{label}(weights=None, include_top=False, "
                     f"input_shape=(32, 32, 3))   # doctest: +SKIP\n    ")
    return build


EfficientNetB0 = _variant("B0", 1.0, 1.0, 224, 0.2)
EfficientNetB1 = _variant("B1", 1.0, 1.1, 240, 0.2)
EfficientNetB2 = _variant("B2", 1.1, 1.2, 260, 0.3)
EfficientNetB3 = _variant("B3", 1.2, 1.4, 300, 0.3)
EfficientNetB4 = _variant("B4", 1.4, 1.8, 380, 0.4)
EfficientNetB5 = _variant("B5", 1.6, 2.2, 456, 0.4)
EfficientNetB6 = _variant("B6", 1.8, 2.6, 528, 0.5)
EfficientNetB7 = _variant("B7", 2.0, 3.1, 600, 0.5)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """The identity: EfficientNet models rescale and normalize their [0, 255] inputs themselves.

    >>> preprocess_input(np.array([255.0]))
    array([255.])
    """
    return x


__all__ = ["EfficientNet", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
           "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7", "preprocess_input",
           "decode_predictions"]
