"""The ResNet builder shared by ResNet (v1: post-activation blocks) and ResNetV2 (pre-activation blocks):
stem, residual stacks and head, with Keras's layer names.

>>> model = resnet_model(lambda x: stack_v1(x, 64, 3, stride1=1, name="conv2"), False, True, name="tiny",
...                      weights=None, input_shape=(32, 32, 3), include_top=False)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Callable

from hornet.api.applications import app_utils
from hornet.api.applications.app_layers import (Activation, Add, BatchNormalization, Conv2D, MaxPooling2D,
                                                ZeroPadding2D)
from hornet.api.settings import image_data_format

EPS = 1.001e-5


def _bn(x: Any, name: str) -> Any:
    return BatchNormalization(axis=app_utils.channel_axis(), epsilon=EPS, name=name)(x)


def block_v1(x: Any, filters: int, kernel_size: int = 3, stride: int = 1, conv_shortcut: bool = True,
             name: str = "") -> Any:
    """A bottleneck block: 1x1, kxk, 1x1 (4 * filters) convolutions, each batch-normalized, plus the shortcut."""
    if conv_shortcut:
        shortcut = _bn(Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x), f"{name}_0_bn")
    else:
        shortcut = x
    x = _bn(Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x), f"{name}_1_bn")
    x = Activation("relu", name=f"{name}_1_relu")(x)
    x = _bn(Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x), f"{name}_2_bn")
    x = Activation("relu", name=f"{name}_2_relu")(x)
    x = _bn(Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x), f"{name}_3_bn")
    x = Add(name=f"{name}_add")([shortcut, x])
    return Activation("relu", name=f"{name}_out")(x)


def stack_v1(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """``blocks`` v1 blocks; the first one strides and projects the shortcut."""
    x = block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def block_v2(x: Any, filters: int, kernel_size: int = 3, stride: int = 1, conv_shortcut: bool = False,
             name: str = "") -> Any:
    """A pre-activation bottleneck block (batch norm and ReLU before the convolutions)."""
    preact = Activation("relu", name=f"{name}_preact_relu")(_bn(x, f"{name}_preact_bn"))
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = _bn(Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact), f"{name}_1_bn")
    x = Activation("relu", name=f"{name}_1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = Activation("relu", name=f"{name}_2_relu")(_bn(x, f"{name}_2_bn"))
    x = Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return Add(name=f"{name}_out")([shortcut, x])


def stack_v2(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """``blocks`` v2 blocks; the first projects the shortcut and the last one strides."""
    x = block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = block_v2(x, filters, name=f"{name}_block{i}")
    return block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def resnet_model(stack_fn: Callable[[Any], Any], preact: bool, use_bias: bool, include_top: bool = True,
                 weights: Any = "imagenet", input_tensor: Any = None, input_shape: Any = None,
                 pooling: str | None = None, classes: int = 1000, classifier_activation: Any = "softmax",
                 name: str = "resnet", weights_name: str | None = None) -> Any:
    """A ResNet: 7x7 stem, max pool, ``stack_fn``'s residual stacks and the head (v2 adds a final batch norm)."""
    app_utils.check_weights(weights, include_top, classes, name)
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = Activation("relu", name="conv1_relu")(_bn(x, "conv1_bn"))
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = stack_fn(MaxPooling2D(3, strides=2, name="pool1_pool")(x))
    if preact:
        x = Activation("relu", name="post_relu")(_bn(x, "post_bn"))
    if include_top:
        x = app_utils.dense_classifier(x, classes, classifier_activation, weights)
    else:
        x = app_utils.pooled_features(x, pooling, named=True)
    file = None
    if weights_name is not None:
        file = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 f"{app_utils.KERAS_WEIGHTS_URL}resnet/{file}")


__all__ = ["block_v1", "stack_v1", "block_v2", "stack_v2", "resnet_model"]
