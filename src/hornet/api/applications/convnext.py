"""ConvNeXtTiny, Small, Base, Large and XLarge (``keras.applications.convnext``): 7x7 depthwise convolutions,
LayerNorm and inverted MLP blocks; the models take raw [0, 255] pixels unless ``include_preprocessing=False``.

>>> model = ConvNeXtTiny(weights=None, include_top=False, input_shape=(32, 32, 3))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.applications import app_utils
from hornet.api.applications.app_layers import (Activation, Conv2D, Dense, GlobalAveragePooling2D,
                                                GlobalMaxPooling2D, LayerNormalization, Normalization)
from hornet.api.applications.convnext_layers import LayerScale, StochasticDepth
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.settings import image_data_format

MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}
_URL = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"


def _block(x: Any, projection_dim: int, drop_path_rate: float, layer_scale_init_value: float | None,
           name: str) -> Any:
    inputs = x
    x = Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
               name=f"{name}_depthwise_conv")(x)
    x = LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
    x = Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
    x = Activation("gelu", name=f"{name}_gelu")(x)
    x = Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
    if layer_scale_init_value is not None:
        x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
    if drop_path_rate:
        branch = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
    else:
        branch = Activation("linear", name=f"{name}_identity")
    return inputs + branch(x)


def _sequential(layers: list, name: str) -> Any:
    from hornet.api.models.sequential import Sequential

    return Sequential(layers, name=name)


def ConvNeXt(depths: Sequence[int], projection_dims: Sequence[int], drop_path_rate: float = 0.0,
             layer_scale_init_value: float = 1e-6, default_size: int = 224, name: str = "convnext",
             include_preprocessing: bool = True, include_top: bool = True, weights: Any = None,
             input_tensor: Any = None, input_shape: Sequence[int] | None = None, pooling: str | None = None,
             classes: int = 1000, classifier_activation: Any = "softmax", weights_name: str | None = None) -> Any:
    """A ConvNeXt (Liu et al., 2022) of four stages with ``depths`` blocks of ``projection_dims`` channels.

    >>> model = ConvNeXt([1, 1, 1, 1], [8, 16, 32, 64], input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    if image_data_format() == "channels_first":
        raise ValueError(f"{name}: ConvNeXt does not support the 'channels_first' image data format; use "
                         f"'channels_last'")
    app_utils.check_weights(weights, include_top, classes, name)
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    x = img_input
    if include_preprocessing and input_shape[-1] == 3:
        x = Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                          variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                          name=f"{name}_prestem_normalization")(x)
    downsample = [_sequential([Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                               LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")], f"{name}_stem")]
    for i in range(3):
        downsample.append(_sequential(
            [LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
             Conv2D(projection_dims[i + 1], kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}")],
            f"{name}_downsampling_block_{i}"))
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i in range(4):
        x = downsample[i](x)
        for j in range(depths[i]):
            x = _block(x, projection_dims[i], rates[cur + j], layer_scale_init_value,
                       name=f"{name}_stage_{i}_block_{j}")
        cur += depths[i]
    if include_top:
        app_utils.validate_activation(classifier_activation, weights)
        x = GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        x = Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        if pooling == "avg":
            x = GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = GlobalMaxPooling2D()(x)
        x = LayerNormalization(epsilon=1e-6)(x)
    if weights == "imagenet" and weights_name is not None:
        expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
        if list(depths) != expected["depths"] or list(projection_dims) != expected["projection_dims"]:
            raise ValueError(f"{name}: the architecture does not match the {weights_name} pretrained weights "
                             f"(depths {expected['depths']}, projection_dims {expected['projection_dims']}); got "
                             f"depths={list(depths)}, projection_dims={list(projection_dims)}")
        if weights_name not in name:
            raise ValueError(f"Model name {name!r} does not match the weights variant {weights_name!r}: with "
                             f"imagenet weights the name must contain it")
    file = f"{name}{'.h5' if include_top else '_notop.h5'}" if weights_name else None
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file, f"{_URL}{file}")


def _variant(size: str):
    config = MODEL_CONFIGS[size]

    def build(include_top: bool = True, include_preprocessing: bool = True, weights: Any = "imagenet",
              input_tensor: Any = None, input_shape: Sequence[int] | None = None, pooling: str | None = None,
              classes: int = 1000, classifier_activation: Any = "softmax", name: str = f"convnext_{size}") -> Any:
        return ConvNeXt(weights_name=f"convnext_{size}", depths=config["depths"],
                        projection_dims=config["projection_dims"], drop_path_rate=0.0, layer_scale_init_value=1e-6,
                        default_size=config["default_size"], name=name, include_top=include_top,
                        include_preprocessing=include_preprocessing, weights=weights, input_tensor=input_tensor,
                        input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation)

    label = "XLarge" if size == "xlarge" else size.capitalize()
    build.__name__ = build.__qualname__ = f"ConvNeXt{label}"
    build.__doc__ = (f"ConvNeXt-{label}: stages of {config['depths']} blocks with {config['projection_dims']} "
                     f"channels.\n\n    >>> model = ConvNeXt{label}(weights=None, include_top=False, "
                     f"input_shape=(32, 32, 3))   # doctest: +SKIP\n    ")
    return build


ConvNeXtTiny = _variant("tiny")
ConvNeXtSmall = _variant("small")
ConvNeXtBase = _variant("base")
ConvNeXtLarge = _variant("large")
ConvNeXtXLarge = _variant("xlarge")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """The identity: ConvNeXt models normalize their [0, 255] inputs themselves.

    >>> preprocess_input(np.array([255.0]))
    array([255.])
    """
    return x


__all__ = ["ConvNeXt", "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
           "preprocess_input", "decode_predictions"]
