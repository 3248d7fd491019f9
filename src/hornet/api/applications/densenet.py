"""DenseNet121, DenseNet169 and DenseNet201 (``keras.applications.densenet``): dense blocks (each layer's
output concatenated to its input) joined by transition blocks.

>>> model = DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.applications import app_utils, imagenet_utils
from hornet.api.applications.app_layers import (Activation, AveragePooling2D, BatchNormalization, Concatenate,
                                                Conv2D, MaxPooling2D, ZeroPadding2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

EPS = 1.001e-5
_WEIGHT_FILES = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169", (6, 12, 48, 32): "densenet201"}


def _bn_relu(x: Any, name: str) -> Any:
    x = BatchNormalization(axis=app_utils.channel_axis(), epsilon=EPS, name=f"{name}_bn")(x)
    return Activation("relu", name=f"{name}_relu")(x)


def _conv_block(x: Any, growth_rate: int, name: str) -> Any:
    y = Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(_bn_relu(x, f"{name}_0"))
    y = Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(_bn_relu(y, f"{name}_1"))
    return Concatenate(axis=app_utils.channel_axis(), name=f"{name}_concat")([x, y])


def _transition_block(x: Any, reduction: float, name: str) -> Any:
    x = _bn_relu(x, name)
    x = Conv2D(int(x.shape[app_utils.channel_axis()] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _densenet(blocks: Sequence[int], include_top: bool, weights: Any, input_tensor: Any, input_shape: Any,
              pooling: str | None, classes: int, classifier_activation: Any, name: str) -> Any:
    if image_data_format() == "channels_first":
        raise ValueError(f"{name}: DenseNet does not support the 'channels_first' image data format; use "
                         f"'channels_last'")
    app_utils.check_weights(weights, include_top, classes, name)
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)))(_bn_relu(x, "conv1"))
    x = MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, n in enumerate(blocks, start=2):
        for i in range(n):
            x = _conv_block(x, 32, name=f"conv{stage}_block{i + 1}")
        if stage < len(blocks) + 1:
            x = _transition_block(x, 0.5, name=f"pool{stage}")
    x = BatchNormalization(axis=app_utils.channel_axis(), epsilon=EPS, name="bn")(x)
    x = Activation("relu", name="relu")(x)
    if include_top:
        x = app_utils.dense_classifier(x, classes, classifier_activation, weights)
    else:
        x = app_utils.pooled_features(x, pooling, named=True)
    arch = _WEIGHT_FILES.get(tuple(blocks))
    file = arch and f"{arch}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 f"{app_utils.KERAS_WEIGHTS_URL}densenet/{file}")


def DenseNet121(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet121") -> Any:
    """DenseNet-121 (Huang et al., 2016): dense blocks of 6, 12, 24, 16 layers.

    >>> model = DenseNet121(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    return _densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name)


def DenseNet169(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet169") -> Any:
    """DenseNet-169 (Huang et al., 2016): dense blocks of 6, 12, 32, 32 layers.

    >>> model = DenseNet169(weights=None, include_top=False, pooling="avg")   # doctest: +SKIP
    """
    return _densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name)


def DenseNet201(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "densenet201") -> Any:
    """DenseNet-201 (Huang et al., 2016): dense blocks of 6, 12, 48, 32 layers.

    >>> model = DenseNet201(weights=None, include_top=False, pooling="max")   # doctest: +SKIP
    """
    return _densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Torch-style preprocessing: pixels scaled to [0, 1], then normalized by ImageNet's channel mean and std.

    >>> preprocess_input(np.full((1, 1, 1, 3), 255.0))[0, 0, 0]      # doctest: +SKIP
    array([2.2489083, 2.4285715, 2.64     ])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "preprocess_input", "decode_predictions"]
