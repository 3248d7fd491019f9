"""ResNet50, ResNet101 and ResNet152 (``keras.applications.resnet``): bottleneck residual networks.

>>> model = ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.applications import imagenet_utils
from hornet.api.applications.imagenet_utils import decode_predictions
from hornet.api.applications.resnet_common import resnet_model, stack_v1


def ResNet50(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
             input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
             classifier_activation: Any = "softmax", name: str = "resnet50") -> Any:
    """The 50-layer ResNet (He et al., 2015); stacks of 3, 4, 6, 3 bottleneck blocks.

    >>> model = ResNet50(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    def stack_fn(x: Any) -> Any:
        x = stack_v1(x, 64, 3, stride1=1, name="conv2")
        x = stack_v1(x, 128, 4, name="conv3")
        x = stack_v1(x, 256, 6, name="conv4")
        return stack_v1(x, 512, 3, name="conv5")

    return resnet_model(stack_fn, False, True, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, name=name, weights_name="resnet50")


def ResNet101(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = "resnet101") -> Any:
    """The 101-layer ResNet (He et al., 2015); stacks of 3, 4, 23, 3 bottleneck blocks.

    >>> model = ResNet101(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    def stack_fn(x: Any) -> Any:
        x = stack_v1(x, 64, 3, stride1=1, name="conv2")
        x = stack_v1(x, 128, 4, name="conv3")
        x = stack_v1(x, 256, 23, name="conv4")
        return stack_v1(x, 512, 3, name="conv5")

    return resnet_model(stack_fn, False, True, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, name=name, weights_name="resnet101")


def ResNet152(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
              input_shape: Sequence[int] | None = None, pooling: str | None = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: str = "resnet152") -> Any:
    """The 152-layer ResNet (He et al., 2015); stacks of 3, 8, 36, 3 bottleneck blocks.

    >>> model = ResNet152(weights=None, classes=10, input_shape=(32, 32, 3))   # doctest: +SKIP
    """
    def stack_fn(x: Any) -> Any:
        x = stack_v1(x, 64, 3, stride1=1, name="conv2")
        x = stack_v1(x, 128, 8, name="conv3")
        x = stack_v1(x, 256, 36, name="conv4")
        return stack_v1(x, 512, 3, name="conv5")

    return resnet_model(stack_fn, False, True, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, name=name, weights_name="resnet152")


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Caffe-style preprocessing (RGB to BGR, ImageNet channel means subtracted).

    >>> preprocess_input(np.zeros((1, 1, 1, 3)))[0, 0, 0]
    array([-103.939, -116.779, -123.68 ])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


__all__ = ["ResNet50", "ResNet101", "ResNet152", "preprocess_input", "decode_predictions"]
