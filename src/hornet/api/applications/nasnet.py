"""NASNet (``keras.applications.nasnet``): the NASNet-A cells found by architecture search, stacked as a stem,
two reduction cells, then three stages of normal cells with reduction cells between them.

Each cell takes the previous two cells' outputs (``x`` and ``p``); ``p`` is first adjusted to ``x``'s size and
width. NASNetMobile is 224x224 with 4 cells a stage; NASNetLarge is 331x331 with 6.

>>> model = NASNetMobile(weights=None, include_top=False, input_shape=(64, 64, 3))   # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from hornet.api.applications import app_utils, imagenet_utils
from hornet.api.applications.app_layers import (Activation, Add, AveragePooling2D, BatchNormalization,
                                                Concatenate, Conv2D, Cropping2D, MaxPooling2D, SeparableConv2D,
                                                ZeroPadding2D)
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

_BN = dict(momentum=0.9997, epsilon=1e-3)


def _bn(x: Any, name: str) -> Any:
    return BatchNormalization(axis=app_utils.channel_axis(), name=name, **_BN)(x)


def _conv1x1(x: Any, filters: int, name: str) -> Any:
    return Conv2D(filters, (1, 1), padding="same", use_bias=False, kernel_initializer="he_normal", name=name)(x)


def _separable(x: Any, filters: int, kernel: int = 3, stride: int = 1, block: str = "") -> Any:
    """relu, separable conv (strided: explicitly padded), BN, relu, separable conv, BN."""
    x = Activation("relu")(x)
    padding = "same"
    if stride == 2:
        x = ZeroPadding2D(padding=app_utils.correct_pad(x, kernel), name=f"separable_conv_1_pad_{block}")(x)
        padding = "valid"
    x = SeparableConv2D(filters, (kernel, kernel), strides=(stride, stride), padding=padding, use_bias=False,
                        name=f"separable_conv_1_{block}")(x)
    x = Activation("relu")(_bn(x, f"separable_conv_1_bn_{block}"))
    x = SeparableConv2D(filters, (kernel, kernel), padding="same", use_bias=False,
                        name=f"separable_conv_2_{block}")(x)
    return _bn(x, f"separable_conv_2_bn_{block}")


def _avg(x: Any, stride: int, name: str | None, padding: str = "same", size: int = 3) -> Any:
    return AveragePooling2D((size, size), strides=(stride, stride), padding=padding, name=name)(x)


def _adjust(p: Any, x: Any, filters: int, block: str) -> Any:
    """``p`` made the size and width of ``x``: halved by two offset 1x1 paths after a reduction, or projected."""
    if p is None:
        return x
    spatial = 2 if image_data_format() == "channels_first" else -2
    if p.shape[spatial] != x.shape[spatial]:
        p = Activation("relu", name=f"adjust_relu_1_{block}")(p)
        p1 = _conv1x1(_avg(p, 2, f"adjust_avg_pool_1_{block}", "valid", 1), filters // 2, f"adjust_conv_1_{block}")
        p2 = Cropping2D(cropping=((1, 0), (1, 0)))(ZeroPadding2D(padding=((0, 1), (0, 1)))(p))
        p2 = _conv1x1(_avg(p2, 2, f"adjust_avg_pool_2_{block}", "valid", 1), filters // 2, f"adjust_conv_2_{block}")
        return _bn(Concatenate(axis=app_utils.channel_axis())([p1, p2]), f"adjust_bn_{block}")
    if p.shape[app_utils.channel_axis()] != filters:
        p = _conv1x1(Activation("relu")(p), filters, f"adjust_conv_projection_{block}")
        return _bn(p, f"adjust_bn_{block}")
    return p


def _normal_cell(x: Any, p: Any, filters: int, block: str) -> tuple[Any, Any]:
    p = _adjust(p, x, filters, block)
    h = _bn(_conv1x1(Activation("relu")(x), filters, f"normal_conv_1_{block}"), f"normal_bn_1_{block}")
    x1 = Add(name=f"normal_add_1_{block}")([_separable(h, filters, 5, block=f"normal_left1_{block}"),
                                            _separable(p, filters, block=f"normal_right1_{block}")])
    x2 = Add(name=f"normal_add_2_{block}")([_separable(p, filters, 5, block=f"normal_left2_{block}"),
                                            _separable(p, filters, 3, block=f"normal_right2_{block}")])
    x3 = Add(name=f"normal_add_3_{block}")([_avg(h, 1, f"normal_left3_{block}"), p])
    x4 = Add(name=f"normal_add_4_{block}")([_avg(p, 1, f"normal_left4_{block}"),
                                            _avg(p, 1, f"normal_right4_{block}")])
    x5 = Add(name=f"normal_add_5_{block}")([_separable(h, filters, block=f"normal_left5_{block}"), h])
    out = Concatenate(axis=app_utils.channel_axis(), name=f"normal_concat_{block}")([p, x1, x2, x3, x4, x5])
    return out, x


def _reduction_cell(x: Any, p: Any, filters: int, block: str) -> tuple[Any, Any]:
    p = _adjust(p, x, filters, block)
    h = _bn(_conv1x1(Activation("relu")(x), filters, f"reduction_conv_1_{block}"), f"reduction_bn_1_{block}")
    h3 = ZeroPadding2D(padding=app_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block}")(h)
    x1 = Add(name=f"reduction_add_1_{block}")([
        _separable(h, filters, 5, 2, f"reduction_left1_{block}"),
        _separable(p, filters, 7, 2, f"reduction_right1_{block}")])
    x2 = Add(name=f"reduction_add_2_{block}")([
        MaxPooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_left2_{block}")(h3),
        _separable(p, filters, 7, 2, f"reduction_right2_{block}")])
    x3 = Add(name=f"reduction_add3_{block}")([
        _avg(h3, 2, f"reduction_left3_{block}", "valid"),
        _separable(p, filters, 5, 2, f"reduction_right3_{block}")])
    x4 = Add()([x2, _avg(x1, 1, f"reduction_left4_{block}")])
    x5 = Add(name=f"reduction_add4_{block}")([
        _separable(x1, filters, 3, block=f"reduction_left4_{block}"),
        MaxPooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_right5_{block}")(h3)])
    out = Concatenate(axis=app_utils.channel_axis(), name=f"reduction_concat_{block}")([x2, x3, x4, x5])
    return out, x


def NASNet(input_shape: Sequence[int] | None = None, penultimate_filters: int = 4032, num_blocks: int = 6,
           stem_block_filters: int = 96, skip_reduction: bool = True, filter_multiplier: int = 2,
           include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None, pooling: str | None = None,
           classes: int = 1000, default_size: int | None = None, classifier_activation: Any = "softmax",
           name: str = "NASNet") -> Any:
    """A NASNet-A network (Zoph et al., 2018); ``NASNetMobile`` and ``NASNetLarge`` are its published sizes.

    >>> model = NASNet(input_shape=(32, 32, 3), penultimate_filters=24 * 4 * 2, num_blocks=1,
    ...                weights=None, classes=10)                               # doctest: +SKIP
    """
    app_utils.check_weights(weights, include_top, classes, "NASNet")
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
                         f"input_shape argument must be static (no None entries). Got: `input_shape={input_shape}`.")
    if penultimate_filters % (24 * filter_multiplier ** 2):
        raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple of 24 * "
                         f"(`filter_multiplier` ** 2). Current value: {penultimate_filters}")
    if image_data_format() != "channels_last":
        warnings.warn("NASNet is built for channels_last inputs; set hornet.config.set_image_data_format"
                      "('channels_last')", stacklevel=2)
    default_size = default_size or 331
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    filters = penultimate_filters // 24
    x = Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False, name="stem_conv1",
               kernel_initializer="he_normal")(img_input)
    x = _bn(x, "stem_bn1")
    x, p = _reduction_cell(x, None, filters // filter_multiplier ** 2, "stem_1")
    x, p = _reduction_cell(x, p, filters // filter_multiplier, "stem_2")
    for stage in range(3):
        width = filters * filter_multiplier ** stage
        if stage:
            x, reduced = _reduction_cell(x, p, width, f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else reduced
        for i in range(num_blocks):
            x, p = _normal_cell(x, p, width, f"{stage * num_blocks + i + 1}" if stage else f"{i}")
    x = Activation("relu")(x)
    if include_top:
        x = app_utils.dense_classifier(x, classes, classifier_activation, weights, pool_name=None)
    else:
        x = app_utils.pooled_features(x, pooling)
    size = {224: "mobile", 331: "large"}.get(default_size)
    file = size and f"nasnet_{size}{'' if include_top else '_no_top'}.h5"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 file and f"{app_utils.KERAS_WEIGHTS_URL}nasnet/NASNet-{size}"
                                 f"{'' if include_top else '-no-top'}.h5")


def NASNetMobile(input_shape: Sequence[int] | None = None, include_top: bool = True, weights: Any = "imagenet",
                 input_tensor: Any = None, pooling: str | None = None, classes: int = 1000,
                 classifier_activation: Any = "softmax", name: str = "nasnet_mobile") -> Any:
    """NASNet-A (4 @ 1056) at 224x224.

    >>> model = NASNetMobile(weights=None, classes=10)                       # doctest: +SKIP
    """
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32, skip_reduction=False,
                  filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=224, classifier_activation=classifier_activation,
                  name=name)


def NASNetLarge(input_shape: Sequence[int] | None = None, include_top: bool = True, weights: Any = "imagenet",
                input_tensor: Any = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "nasnet_large") -> Any:
    """NASNet-A (6 @ 4032) at 331x331.

    >>> model = NASNetLarge(weights=None, classes=10)                        # doctest: +SKIP
    """
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96, skip_reduction=True,
                  filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=331, classifier_activation=classifier_activation,
                  name=name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Pixels scaled from [0, 255] to [-1, 1].

    >>> preprocess_input(np.full((1, 1, 1, 3), 255.0))[0, 0, 0]
    array([1., 1., 1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["NASNet", "NASNetMobile", "NASNetLarge", "preprocess_input", "decode_predictions"]
