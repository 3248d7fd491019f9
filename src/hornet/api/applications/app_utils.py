"""What every application shares: the ``weights`` argument's checks, the input shape (``obtain_input_shape``),
the image input, the classifier-activation check, the ``correct_pad`` padding and building the final model with
its weights.

>>> obtain_input_shape(None, 224, 32, "channels_last", require_flatten=True)
(224, 224, 3)
"""
from __future__ import annotations

import contextlib
import os
import sys
import warnings
from typing import Any, Iterator, Sequence

from hornet.api.activations import get as get_activation
from hornet.api.applications.app_layers import Dense, GlobalAveragePooling2D, GlobalMaxPooling2D
from hornet.api.layers.input_layer import Input, InputLayer
from hornet.api.layers.keras_tensor import KerasTensor
from hornet.api.settings import image_data_format

KERAS_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def check_weights(weights: Any, include_top: bool, classes: int, fn: str) -> None:
    """``weights`` is None, "imagenet" or an existing file; "imagenet" with a top needs 1000 classes."""
    if not (weights is None or weights == "imagenet" or (isinstance(weights, (str, os.PathLike))
                                                         and os.path.exists(weights))):
        raise ValueError(f"{fn}: the `weights` argument should be either `None` (random initialization), "
                         f"'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded. "
                         f"Received: weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"{fn}: with `weights='imagenet'` and `include_top=True`, `classes` should be 1000. "
                         f"Received: classes={classes}")


def obtain_input_shape(input_shape: Sequence[int | None] | None, default_size: int, min_size: int,
                       data_format: str, require_flatten: bool, weights: Any = None) -> tuple:
    """The model's input shape (no batch dim): ``input_shape`` checked (3 dims, each spatial one at least
    ``min_size``), or the default (``default_size`` square with a top, else any size)."""
    last = data_format == "channels_last"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if last else input_shape[0]
        if channels not in (1, 3):
            warnings.warn(f"This model usually expects 1 or 3 input channels; got input_shape={input_shape} "
                          f"with {channels} channels.", stacklevel=3)
        default = (default_size, default_size, channels) if last else (channels, default_size, default_size)
    else:
        default = (default_size, default_size, 3) if last else (3, default_size, default_size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError(f"With `include_top=True` and `weights='imagenet'`, `input_shape` should be "
                             f"{default}. Received: input_shape={input_shape}")
        return default
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}")
        channels, spatial = (input_shape[-1], input_shape[:2]) if last else (input_shape[0], input_shape[1:])
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received: input_shape={input_shape}")
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default
    else:
        input_shape = (None, None, 3) if last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError(f"If `include_top` is True, you should specify a static `input_shape`. Received: "
                         f"input_shape={input_shape}")
    return input_shape


def image_input(input_tensor: Any, input_shape: tuple) -> KerasTensor:
    """``input_tensor`` when given (a functional tensor), else a new ``Input`` of ``input_shape``."""
    if input_tensor is None:
        return Input(shape=input_shape)
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError(f"`input_tensor` must be a functional tensor (hornet.Input or a layer's output on one); "
                         f"received {type(input_tensor).__name__}")
    return input_tensor


def source_inputs(tensor: KerasTensor) -> list[KerasTensor]:
    """The Input tensors that ``tensor`` is computed from (the model's inputs when built on ``input_tensor``)."""
    found: list[KerasTensor] = []
    seen: set[int] = set()
    stack = [tensor]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        layer, node_index, _ = t._keras_history
        if isinstance(layer, InputLayer):
            found.append(t)
        else:
            stack.extend(reversed(layer._inbound_nodes[node_index].input_tensors))
    return found


def pooled_features(x: KerasTensor, pooling: str | None, named: bool = False) -> KerasTensor:
    """The ``include_top=False`` output: the feature map, or its global average or max (``pooling``); the
    pooling layers are named ``avg_pool``/``max_pool`` where Keras names them."""
    if pooling == "avg":
        return GlobalAveragePooling2D(name="avg_pool" if named else None)(x)
    if pooling == "max":
        return GlobalMaxPooling2D(name="max_pool" if named else None)(x)
    return x


def dense_classifier(x: KerasTensor, classes: int, classifier_activation: Any, weights: Any,
                     pool_name: str | None = "avg_pool") -> KerasTensor:
    """The usual top: a global average pool and a ``predictions`` Dense layer."""
    x = GlobalAveragePooling2D(name=pool_name)(x)
    validate_activation(classifier_activation, weights)
    return Dense(classes, activation=classifier_activation, name="predictions")(x)


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Pretrained weights allow only a softmax or no classifier activation."""
    if weights is None:
        return
    activation = get_activation(classifier_activation)
    if activation not in (get_activation("softmax"), get_activation(None)):
        raise ValueError(f"Only `None` and `softmax` activations are allowed for the `classifier_activation` "
                         f"argument when using pretrained weights, with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation!r}")


def channel_axis() -> int:
    """The channel axis of a 4D image batch in the current data format."""
    return 3 if image_data_format() == "channels_last" else 1


def correct_pad(inputs: KerasTensor, kernel_size: int | Sequence[int]) -> tuple:
    """The ZeroPadding2D padding before a strided 'valid' convolution that matches TF's 'same' padding."""
    first = 2 if image_data_format() == "channels_first" else 1
    size = inputs.shape[first:first + 2]
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel[0] // 2, kernel[1] // 2)
    return (half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1])


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None) -> int:
    """``value`` rounded to a multiple of ``divisor`` (at least ``min_value``), never more than 10% down."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


@contextlib.contextmanager
def deep_graph_recursion(limit: int = 20000) -> Iterator[None]:
    """Room for the Functional graph walk, which recurses once per layer (EfficientNetB7 chains ~800)."""
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max(saved, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


def build_model(input_tensor: Any, img_input: KerasTensor, outputs: Any, name: str, weights: Any,
                imagenet_file: str | None, imagenet_url: str | None = None) -> Any:
    """The Functional model from the image input (or ``input_tensor``'s sources) to ``outputs``, with
    ``weights`` loaded: None keeps random weights, a path is loaded with ``load_weights`` and "imagenet" asks
    for the pretrained file ``imagenet_file`` (hornet does not download)."""
    from hornet.api.models.functional import Functional

    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    with deep_graph_recursion():
        model = Functional(inputs, outputs, name=name)
    if weights == "imagenet":
        if imagenet_file is None:
            raise ValueError(f"{name}: no ImageNet weights exist for this configuration")
        url = imagenet_url or imagenet_file
        raise ValueError(
            f"{name}: weights='imagenet' needs the pretrained Keras weights file '{imagenet_file.rsplit('/', 1)[-1]}'"
            f", and hornet does not download files. Download it from {url} and pass its local path as "
            f"`weights=`.")
    if weights is not None:
        model.load_weights(os.fspath(weights))
    return model


__all__ = ["check_weights", "obtain_input_shape", "image_input", "source_inputs", "validate_activation",
           "channel_axis", "correct_pad", "make_divisible", "build_model"]
