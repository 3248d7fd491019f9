"""The hornet layers the applications are built from, gathered in one import.

>>> from hornet.api.applications.app_layers import Conv2D, BatchNormalization
"""
from hornet.api.layers.activation_layers import ReLU
from hornet.api.layers.convolutional import Conv2D
from hornet.api.layers.core import Activation, Dense, Identity
from hornet.api.layers.depthwise import DepthwiseConv2D, SeparableConv2D
from hornet.api.layers.layer import Layer
from hornet.api.layers.merging import Add, Concatenate, Multiply
from hornet.api.layers.normalization import BatchNormalization, LayerNormalization
from hornet.api.layers.pooling import (AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D,
                                       MaxPooling2D)
from hornet.api.layers.preprocessing import Normalization, Rescaling
from hornet.api.layers.regularization import Dropout
from hornet.api.layers.reshaping import Cropping2D, Flatten, Reshape, ZeroPadding2D

__all__ = ["ReLU", "Conv2D", "Activation", "Dense", "Identity", "DepthwiseConv2D", "SeparableConv2D", "Layer",
           "Add", "Concatenate", "Multiply", "BatchNormalization", "LayerNormalization", "AveragePooling2D",
           "GlobalAveragePooling2D", "GlobalMaxPooling2D", "MaxPooling2D", "Normalization", "Rescaling",
           "Dropout", "Cropping2D", "Flatten", "Reshape", "ZeroPadding2D"]
