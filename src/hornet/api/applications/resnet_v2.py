"""ResNet50V2, ResNet101V2 and ResNet152V2 (``keras.applications.resnet_v2``): pre-activation residual networks.

>>> model = ResNet50V2(weights=None, include_top=False, input_shape=(32, 32, 3))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.applications import imagenet_utils
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.applications.resnet_common import resnet_model, stack_v2


def ResNet50V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
               input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
               classifier_activation: Any = "softmax", name: str = "resnet50v2") -> Any:
    """The pre-activation 50-layer ResNet (He et al., 2016); stacks of 3, 4, 6, 3 bottleneck blocks.

    >>> model = ResNet50V2(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    def stack_fn(x: Any) -> Any:
        x = stack_v2(x, 64, 3, name="conv2")
        x = stack_v2(x, 128, 4, name="conv3")
        x = stack_v2(x, 256, 6, name="conv4")
        return stack_v2(x, 512, 3, stride1=1, name="conv5")

    return resnet_model(stack_fn, True, True, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, name=name, weights_name="resnet50v2")


def ResNet101V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "resnet101v2") -> Any:
    """The pre-activation 101-layer ResNet (He et al., 2016); stacks of 3, 4, 23, 3 bottleneck blocks.

    >>> model = ResNet101V2(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    def stack_fn(x: Any) -> Any:
        x = stack_v2(x, 64, 3, name="conv2")
        x = stack_v2(x, 128, 4, name="conv3")
        x = stack_v2(x, 256, 23, name="conv4")
        return stack_v2(x, 512, 3, stride1=1, name="conv5")

    return resnet_model(stack_fn, True, True, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, name=name, weights_name="resnet101v2")


def ResNet152V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "resnet152v2") -> Any:
    """The pre-activation 152-layer ResNet (He et al., 2016); stacks of 3, 8, 36, 3 bottleneck blocks.

    >>> model = ResNet152V2(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    def stack_fn(x: Any) -> Any:
        x = stack_v2(x, 64, 3, name="conv2")
        x = stack_v2(x, 128, 8, name="conv3")
        x = stack_v2(x, 256, 36, name="conv4")
        return stack_v2(x, 512, 3, stride1=1, name="conv5")

    return resnet_model(stack_fn, True, True, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, name=name, weights_name="resnet152v2")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Pixels scaled from [0, 255] to [-1, 1].

    >>> preprocess_input(np.full((1, 1, 1, 3), 255.0))[0, 0, 0]
    array([1., 1., 1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "preprocess_input", "decode_predictions"]
