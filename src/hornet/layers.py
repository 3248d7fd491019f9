"""``hornet.layers``: the Keras 3 layers (``keras.layers`` names), each a thin Layer over ``hornet.ops``.

>>> from hornet import layers
>>> layers.Dense(10, activation="relu")                     # doctest: +SKIP
"""
from hornet.api.layers.layer import Layer
from hornet.api.layers.input_layer import Input, InputLayer
from hornet.api.layers.keras_tensor import KerasTensor
from hornet.api.layers.tensor_op import TensorOp
from hornet.api.layers.core import *  # noqa: F401,F403
from hornet.api.layers.regularization import *  # noqa: F401,F403
from hornet.api.layers.reshaping import *  # noqa: F401,F403
from hornet.api.layers.merging import *  # noqa: F401,F403
from hornet.api.layers.preprocessing import *  # noqa: F401,F403
from hornet.api.layers.convolutional import *  # noqa: F401,F403
from hornet.api.layers.conv_transpose import *  # noqa: F401,F403
from hornet.api.layers.depthwise import *  # noqa: F401,F403
from hornet.api.layers.pooling import *  # noqa: F401,F403
from hornet.api.layers.normalization import *  # noqa: F401,F403
from hornet.api.layers.attention import *  # noqa: F401,F403
from hornet.api.layers.rnn import *  # noqa: F401,F403
from hornet.api.layers.wrappers import *  # noqa: F401,F403
from hornet.api.layers import (attention, conv_transpose, convolutional, core, depthwise, merging,  # noqa: E402
                               normalization, pooling, preprocessing, regularization, reshaping, rnn, wrappers)

__all__ = ["Layer", "Input", "InputLayer", "KerasTensor", "TensorOp"] + [
    name for module in (core, regularization, reshaping, merging, preprocessing, convolutional, conv_transpose,
                        depthwise, pooling, normalization, attention, rnn, wrappers)
    for name in module.__all__]
