"""Depthwise and separable convolution layers: ``DepthwiseConv1D/2D`` (each input channel convolved with its
own ``depth_multiplier`` filters) and ``SeparableConv1D/2D`` (a depthwise conv, then a 1x1 pointwise conv).

>>> DepthwiseConv2D(3, depth_multiplier=2)(np.ones((1, 8, 8, 4), "float32")).shape   # doctest: +SKIP
(1, 6, 6, 8)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.layers.conv_base import (activity_config, add_bias, add_bias_and_activate, add_conv_weight,
                                         check_positive, check_shape_rank, check_strides_and_dilation,
                                         conv_output_shape, read, serialize_all, standardize_conv_args,
                                         static_channels)
from hornet.api.layers.layer import Layer, check_rank


class _DepthwiseCommon(Layer):
    """Argument handling shared by the depthwise and separable layers; subclasses set ``rank``."""

    rank: int

    def _setup(self, depth_multiplier: int, kernel_size: Any, strides: Any, padding: str, data_format: str | None,
               dilation_rate: Any, use_bias: bool, objects: dict[str, Any]) -> None:
        self.depth_multiplier = depth_multiplier
        standardize_conv_args(self, kernel_size, strides, padding, data_format, dilation_rate, use_bias, objects)
        check_positive(self, "depth_multiplier", depth_multiplier)
        check_strides_and_dilation(self)

    def _base_config(self, objects: dict[str, Any]) -> dict[str, Any]:
        return {
            "depth_multiplier": self.depth_multiplier, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "use_bias": self.use_bias, **serialize_all(**objects), **activity_config(self),
        }


class BaseDepthwiseConv(_DepthwiseCommon):
    """N-D depthwise convolution; the kernel is ``(*kernel_size, in_channels, depth_multiplier)`` and there are
    ``in_channels * depth_multiplier`` output channels."""

    def __init__(self, kernel_size: int | Sequence[int], strides: int | Sequence[int] = 1, padding: str = "valid",
                 depth_multiplier: int = 1, data_format: str | None = None, dilation_rate: int | Sequence[int] = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._setup(depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate, use_bias,
                    dict(activation=activation, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer, depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer, depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint))

    def build(self, input_shape: Sequence[Any]) -> None:
        check_shape_rank(self, input_shape, self.rank + 2)
        channels = static_channels(self, input_shape, self.data_format)
        self.compute_output_shape(input_shape)
        self.kernel = add_conv_weight(self, "kernel", self.kernel_size + (channels, self.depth_multiplier),
                                      "depthwise")
        add_bias(self, channels * self.depth_multiplier)
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        outputs = ops.depthwise_conv(inputs, read(self, self.kernel), strides=self.strides, padding=self.padding,
                                     data_format=self.data_format, dilation_rate=self.dilation_rate)
        channels = static_channels(self, inputs.shape, self.data_format)
        return add_bias_and_activate(self, outputs, channels * self.depth_multiplier)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        check_shape_rank(self, input_shape, self.rank + 2)
        channels = static_channels(self, input_shape, self.data_format)
        return conv_output_shape(self, input_shape, channels * self.depth_multiplier, self.kernel_size,
                                 self.strides, self.padding, self.data_format, self.dilation_rate)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._base_config(dict(
            activation=self.activation, depthwise_initializer=self.depthwise_initializer,
            bias_initializer=self.bias_initializer, depthwise_regularizer=self.depthwise_regularizer,
            bias_regularizer=self.bias_regularizer, depthwise_constraint=self.depthwise_constraint,
            bias_constraint=self.bias_constraint))}


class BaseSeparableConv(_DepthwiseCommon):
    """N-D separable convolution: depthwise kernel ``(*kernel_size, in_channels, depth_multiplier)``, then a
    pointwise kernel ``(1, ..., in_channels * depth_multiplier, filters)``."""

    def __init__(self, filters: int, kernel_size: int | Sequence[int], strides: int | Sequence[int] = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: int | Sequence[int] = 1,
                 depth_multiplier: int = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", pointwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 pointwise_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, pointwise_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._setup(depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate, use_bias,
                    dict(activation=activation, depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer, pointwise_regularizer=pointwise_regularizer,
                         bias_regularizer=bias_regularizer, depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint))
        check_positive(self, "filters", filters)
        self.filters = filters

    def build(self, input_shape: Sequence[Any]) -> None:
        check_shape_rank(self, input_shape, self.rank + 2)
        channels = static_channels(self, input_shape, self.data_format)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = add_conv_weight(
            self, "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier), "depthwise")
        self.pointwise_kernel = add_conv_weight(
            self, "pointwise_kernel", (1,) * self.rank + (channels * self.depth_multiplier, self.filters), "pointwise")
        add_bias(self, self.filters)
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        outputs = ops.separable_conv(inputs, read(self, self.depthwise_kernel), read(self, self.pointwise_kernel),
                                     strides=self.strides, padding=self.padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        return add_bias_and_activate(self, outputs, self.filters)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return conv_output_shape(self, input_shape, self.filters, self.kernel_size, self.strides, self.padding,
                                 self.data_format, self.dilation_rate)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), **self._base_config(dict(
            activation=self.activation, depthwise_initializer=self.depthwise_initializer,
            pointwise_initializer=self.pointwise_initializer, bias_initializer=self.bias_initializer,
            depthwise_regularizer=self.depthwise_regularizer, pointwise_regularizer=self.pointwise_regularizer,
            bias_regularizer=self.bias_regularizer, depthwise_constraint=self.depthwise_constraint,
            pointwise_constraint=self.pointwise_constraint, bias_constraint=self.bias_constraint))}
        config["filters"] = self.filters
        return config


class DepthwiseConv1D(BaseDepthwiseConv):
    """1-D depthwise convolution over (batch, steps, channels) inputs.

    >>> DepthwiseConv1D(3, depth_multiplier=2)(np.ones((2, 10, 4), "float32")).shape   # doctest: +SKIP
    (2, 8, 8)
    """

    rank = 1


class SeparableConv1D(BaseSeparableConv):
    """1-D separable convolution over (batch, steps, channels) inputs: a depthwise conv,
    then a pointwise (1x1) conv to ``filters`` channels.

    >>> SeparableConv1D(6, 3, padding="same")(np.ones((2, 10, 4), "float32")).shape   # doctest: +SKIP
    (2, 10, 6)
    """

    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    """2-D depthwise convolution over (batch, height, width, channels) inputs.

    >>> DepthwiseConv2D(3)(np.ones((1, 8, 8, 4), "float32")).shape   # doctest: +SKIP
    (1, 6, 6, 4)
    """

    rank = 2


class SeparableConv2D(BaseSeparableConv):
    """2-D separable convolution over (batch, height, width, channels) inputs: a depthwise conv,
    then a pointwise (1x1) conv to ``filters`` channels.

    >>> SeparableConv2D(6, 3)(np.ones((1, 8, 8, 4), "float32")).shape   # doctest: +SKIP
    (1, 6, 6, 6)
    """

    rank = 2


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D

__all__ = ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
           "SeparableConvolution2D"]
