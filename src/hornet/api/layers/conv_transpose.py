"""Transposed convolution layers ``Conv1DTranspose``, ``Conv2DTranspose``, ``Conv3DTranspose`` (Keras 3 arguments).

The kernel is ``(*kernel_size, filters, in_channels)``. With ``padding="same"`` and no ``output_padding`` each
spatial size is multiplied by the stride.

>>> Conv2DTranspose(8, 3, strides=2, padding="same")(np.ones((1, 4, 4, 3), "float32")).shape   # doctest: +SKIP
(1, 8, 8, 8)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.layers.conv_base import (BaseConv, add_bias, add_conv_weight, check_shape_rank, read, spatial_of,
                                         standardize_padding, standardize_tuple, static_channels, with_spatial)
from hornet.api.layers.layer import check_rank


def transpose_output_length(size: int | None, kernel: int, stride: int, padding: str, output_padding: int | None,
                            dilation: int) -> int | None:
    """Output size of one spatial dim of a transposed convolution (Keras/TensorFlow rules)."""
    if size is None:
        return None
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + span % 2 + output_padding


class BaseConvTranspose(BaseConv):
    """N-D transposed convolution: ``activation(conv_transpose(inputs, kernel) + bias)``; subclasses set ``rank``."""

    def __init__(self, filters: int, kernel_size: int | Sequence[int], strides: int | Sequence[int] = 1,
                 padding: str = "valid", output_padding: int | Sequence[int] | None = None,
                 data_format: str | None = None, dilation_rate: int | Sequence[int] = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=standardize_padding(padding), data_format=data_format, dilation_rate=dilation_rate,
                         groups=1, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)
        self.output_padding = None if output_padding is None else standardize_tuple(
            output_padding, self.rank, "output_padding", allow_zero=True)
        if self.output_padding is not None:
            for i, (p, s) in enumerate(zip(self.output_padding, self.strides)):
                if p >= s:
                    raise ValueError(f"{type(self).__name__}: each `output_padding` value must be < the matching "
                                     f"`strides` value; at dim {i} output_padding is {p} and strides is {s} "
                                     f"(received output_padding={self.output_padding}, strides={self.strides})")

    def build(self, input_shape: Sequence[Any]) -> None:
        check_shape_rank(self, input_shape, self.rank + 2)
        channels = static_channels(self, input_shape, self.data_format)
        self.kernel = add_conv_weight(self, "kernel", self.kernel_size + (self.filters, channels), "kernel")
        add_bias(self, self.filters)
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        outputs = ops.conv_transpose(inputs, read(self, self.kernel), strides=self.strides, padding=self.padding,
                                     output_padding=self.output_padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        return self._finish(outputs, self.filters)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        check_shape_rank(self, input_shape, self.rank + 2)
        pads = self.output_padding or (None,) * self.rank
        spatial = [transpose_output_length(s, k, st, self.padding, p, d)
                   for s, k, st, p, d in zip(spatial_of(input_shape, self.data_format), self.kernel_size,
                                             self.strides, pads, self.dilation_rate)]
        return with_spatial(input_shape, spatial, self.filters, self.data_format)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("groups")
        config["output_padding"] = self.output_padding
        return config


class Conv1DTranspose(BaseConvTranspose):
    """1-D transposed convolution over (batch, steps, channels) inputs.

    >>> Conv1DTranspose(4, 3, strides=2)(np.ones((2, 5, 3), "float32")).shape   # doctest: +SKIP
    (2, 11, 4)
    """

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """2-D transposed convolution over (batch, height, width, channels) inputs.

    >>> Conv2DTranspose(4, 3, strides=2, padding="same")(np.ones((2, 5, 5, 3), "float32")).shape   # doctest: +SKIP
    (2, 10, 10, 4)
    """

    rank = 2


class Conv3DTranspose(BaseConvTranspose):
    """3-D transposed convolution over (batch, depth, height, width, channels) inputs.

    >>> Conv3DTranspose(2, 2, strides=2)(np.ones((1, 3, 3, 3, 1), "float32")).shape   # doctest: +SKIP
    (1, 6, 6, 6, 2)
    """

    rank = 3


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose

__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "Convolution1DTranspose",
           "Convolution2DTranspose", "Convolution3DTranspose"]
