"""VGG16 and VGG19 (``keras.applications.vgg16`` / ``vgg19``): stacks of 3x3 convolutions and max pooling,
with a three-Dense classifier on top.

>>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.applications import app_utils, imagenet_utils
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.applications.app_layers import (Conv2D, Dense, Flatten, MaxPooling2D)
from hornet.api.settings import image_data_format

_BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
_FILTERS = (64, 128, 256, 512, 512)


def _vgg(arch: str, include_top: bool, weights: Any, input_tensor: Any, input_shape: Sequence[int] | None,
         pooling: str | None, classes: int, classifier_activation: Any, name: str) -> Any:
    fn = arch.upper()
    app_utils.check_weights(weights, include_top, classes, fn)
    input_shape = app_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                               data_format=image_data_format(), require_flatten=include_top,
                                               weights=weights)
    img_input = app_utils.image_input(input_tensor, input_shape)
    x = img_input
    for block, (convs, filters) in enumerate(zip(_BLOCKS[arch], _FILTERS), start=1):
        for i in range(1, convs + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{i}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        app_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = app_utils.pooled_features(x, pooling)
    file = f"{arch}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return app_utils.build_model(input_tensor, img_input, x, name, weights, file,
                                 f"{app_utils.KERAS_WEIGHTS_URL}{arch}/{file}")


def VGG16(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
          input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
          classifier_activation: Any = "softmax", name: str = "vgg16") -> Any:
    """The 16-layer VGG network (Simonyan & Zisserman, 2014); inputs are ``vgg16.preprocess_input``'d pixels.

    >>> model = VGG16(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    return _vgg("vgg16", include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)


def VGG19(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
          input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
          classifier_activation: Any = "softmax", name: str = "vgg19") -> Any:
    """The 19-layer VGG network (Simonyan & Zisserman, 2014); inputs are ``vgg19.preprocess_input``'d pixels.

    >>> model = VGG19(weights=None, include_top=False, pooling="avg")      # doctest: +SKIP
    """
    return _vgg("vgg19", include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Caffe-style preprocessing (RGB to BGR, ImageNet channel means subtracted).

    >>> preprocess_input(np.zeros((1, 1, 1, 3)))[0, 0, 0]
    array([-103.939, -116.779, -123.68 ])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


__all__ = ["VGG16", "VGG19", "preprocess_input", "decode_predictions"]
