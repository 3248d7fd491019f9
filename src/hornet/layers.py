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
from hornet.api.layers.activation_layers import *  # noqa: F401,F403
from hornet.api.layers.image_preprocessing import *  # noqa: F401,F403
from hornet.api.layers.image_color import *  # noqa: F401,F403
from hornet.api.layers.image_tone import *  # noqa: F401,F403
from hornet.api.layers.image_filters import *  # noqa: F401,F403
from hornet.api.layers.image_histogram import *  # noqa: F401,F403
from hornet.api.layers.image_shear import *  # noqa: F401,F403
from hornet.api.layers.image_policies import *  # noqa: F401,F403
from hornet.api.layers.image_warp import *  # noqa: F401,F403
from hornet.api.layers.image_mixing import *  # noqa: F401,F403
from hornet.api.layers.image_boxes import *  # noqa: F401,F403
from hornet.api.layers.pipeline import *  # noqa: F401,F403
from hornet.api.layers.category import *  # noqa: F401,F403
from hornet.api.layers.hashing import *  # noqa: F401,F403
from hornet.api.layers.lookup import *  # noqa: F401,F403
from hornet.api.layers.text_vectorization import *  # noqa: F401,F403
from hornet.api.layers.spectrogram import *  # noqa: F401,F403
from hornet.api.layers.conv_lstm import *  # noqa: F401,F403
from hornet.api.layers.grouped_query_attention import *  # noqa: F401,F403
from hornet.api.layers.reversible_embedding import *  # noqa: F401,F403
from hornet.api.layers.spectral_normalization import *  # noqa: F401,F403
from hornet.api.layers.ternary_dense import *  # noqa: F401,F403
from hornet.api.layers.wrapper import Wrapper
from hornet.api.layers.input_spec import InputSpec
from hornet.api.layers.layer_serialization import deserialize, serialize
from hornet.api.layers import spectrogram  # noqa: E402
from hornet.api.layers import hashing, lookup, text_vectorization  # noqa: E402
from hornet.api.layers import (image_color, image_filters, image_histogram, image_policies,  # noqa: E402
                               image_shear, image_tone)
from hornet.api.layers import image_boxes, image_mixing, image_warp, pipeline  # noqa: E402
from hornet.api.layers import (activation_layers, attention, category, conv_lstm, conv_transpose,  # noqa: E402
                               convolutional, core, depthwise, grouped_query_attention, image_preprocessing,
                               merging, normalization, pooling, preprocessing, regularization, reshaping,
                               reversible_embedding, rnn, spectral_normalization, ternary_dense, wrappers)

__all__ = ["Layer", "Input", "InputLayer", "KerasTensor", "TensorOp", "Wrapper", "InputSpec", "serialize",
           "deserialize"] + [
    name for module in (core, regularization, reshaping, merging, preprocessing, convolutional, conv_transpose,
                        depthwise, pooling, normalization, attention, rnn, wrappers, activation_layers,
                        image_preprocessing, image_warp, image_mixing, image_boxes, pipeline,
                        category, conv_lstm, grouped_query_attention, reversible_embedding,
                        spectral_normalization, ternary_dense)
    for name in module.__all__]
__all__ += spectrogram.__all__
__all__ += [name for module in (image_color, image_tone, image_filters, image_histogram, image_shear,
                                image_policies) for name in module.__all__]
__all__ += hashing.__all__ + lookup.__all__ + text_vectorization.__all__
