"""Shared pieces of the convolution and pooling layers: argument standardization (Keras rules), output-shape
arithmetic for ``None``-aware shapes, and ``BaseConv``, the N-D convolution layer behind Conv1D/2D/3D.

>>> layer = Conv2D(8, 3, padding="same")          # doctest: +SKIP
>>> layer.compute_output_shape((None, 32, 32, 3))
(None, 32, 32, 8)
"""
from __future__ import annotations

import operator
from types import SimpleNamespace
from typing import Any, Sequence

from hornet.api import ops, regularizers
from hornet.api.layers.layer import Layer, check_rank
from hornet.api.layers.layer_objects import get_all, serialize_all, set_objects
from hornet.ir.errors import ShapeError
from hornet.api.settings import image_data_format

DATA_FORMATS = ("channels_last", "channels_first")


# ---- argument standardization ----------------------------------------------------------------------------------

def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple[int, ...]:
    """An int or ``n`` ints as a tuple of ``n`` ints, each > 0 (or >= 0 with ``allow_zero``).

    >>> standardize_tuple(3, 2, "kernel_size")
    (3, 3)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        values: tuple[Any, ...] = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(f"The `{name}` argument must be an int or a tuple of {n} ints, "
                             f"received {name}={value!r}") from None
    try:
        if len(values) != n or any(isinstance(v, bool) for v in values):
            raise TypeError
        values = tuple(operator.index(v) for v in values)  # ints and NumPy ints, not floats
    except TypeError:
        raise ValueError(f"The `{name}` argument must be an int or a tuple of {n} ints, "
                         f"received {name}={value!r}") from None
    low = 0 if allow_zero else 1
    if any(v < low for v in values):
        raise ValueError(f"The `{name}` argument must hold ints {'>= 0' if allow_zero else '> 0'}, "
                         f"received {name}={value!r}")
    return values


def standardize_padding(padding: Any, allow_causal: bool = False) -> str:
    """``"valid"``/``"same"`` (and ``"causal"`` when allowed), lower-cased."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    mode = str(padding).lower()
    if mode not in allowed:
        raise ValueError(f"The `padding` argument must be one of {allowed}, received padding={padding!r}")
    return mode


def standardize_data_format(data_format: Any) -> str:
    """``None`` is ``"channels_last"`` (the image data format); otherwise one of the two formats."""
    if data_format is None:
        return image_data_format()
    fmt = str(data_format).lower()
    if fmt not in DATA_FORMATS:
        raise ValueError(f"The `data_format` argument must be one of {DATA_FORMATS}, "
                         f"received data_format={data_format!r}")
    return fmt


def channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def spatial_of(shape: Sequence[Any], data_format: str) -> tuple[Any, ...]:
    return tuple(shape[1:-1]) if data_format == "channels_last" else tuple(shape[2:])


def with_spatial(shape: Sequence[Any], spatial: Sequence[Any], channels: Any, data_format: str) -> tuple[Any, ...]:
    """A (batch, *spatial, channels) shape in ``data_format`` order."""
    if data_format == "channels_last":
        return (shape[0], *spatial, channels)
    return (shape[0], channels, *spatial)


def check_shape_rank(layer: Layer, shape: Sequence[Any], rank: int) -> None:
    """``check_rank`` on a shape tuple (used in ``build``, before any tensor exists)."""
    check_rank(layer, SimpleNamespace(shape=tuple(shape)), rank)


def static_channels(layer: Layer, shape: Sequence[Any], data_format: str) -> int:
    c = shape[channel_axis(data_format)]
    if c is None:
        raise ShapeError(f"layer '{layer.name}' ({type(layer).__name__}) needs a known channel dimension "
                         f"(data_format={data_format!r}), got input shape {tuple(shape)}")
    return int(c)


def conv_output_length(size: int | None, kernel: int, stride: int, padding: str, dilation: int = 1) -> int | None:
    """Output size of one spatial dim of a convolution or pooling (``None`` stays ``None``)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - (kernel - 1) * dilation - 1) // stride + 1
    return (size - 1) // stride + 1  # "same" and "causal"


def conv_output_shape(layer: Layer, input_shape: Sequence[Any], out_channels: int, kernel_size: Sequence[int],
                      strides: Sequence[int], padding: str, data_format: str,
                      dilation_rate: Sequence[int] | None = None) -> tuple[Any, ...]:
    """The output shape of a convolution/pooling layer; raises when a static spatial size would be <= 0."""
    rank = len(kernel_size)
    check_shape_rank(layer, input_shape, rank + 2)
    dilation = dilation_rate or (1,) * rank
    spatial = [conv_output_length(s, k, st, padding, d)
               for s, k, st, d in zip(spatial_of(input_shape, data_format), kernel_size, strides, dilation)]
    if any(s is not None and s <= 0 for s in spatial):
        raise ValueError(f"layer '{layer.name}' ({type(layer).__name__}): the output size would be zero or negative "
                         f"for input shape {tuple(input_shape)} with kernel/pool size {tuple(kernel_size)}, strides "
                         f"{tuple(strides)}, dilation_rate {tuple(dilation)} and padding={padding!r}")
    return with_spatial(input_shape, spatial, out_channels, data_format)


def bias_shape(rank: int, channels: int, data_format: str) -> tuple[int, ...]:
    return (1,) * (rank + 1) + (channels,) if data_format == "channels_last" else (1, channels) + (1,) * rank


def read(layer: Layer, var: Any) -> Any:
    """A weight's current value in the layer's compute dtype (mixed precision reads float32 weights as float16)."""
    value = var.value
    return value if var.dtype.name == layer.compute_dtype else ops.cast(value, layer.compute_dtype)


def add_bias_and_activate(layer: Any, outputs: Any, channels: int) -> Any:
    """``activation(outputs + bias)`` for a conv layer with ``rank``, ``data_format``, ``use_bias``, ``bias``,
    ``activation`` attributes."""
    if layer.use_bias:
        outputs = ops.add(outputs, ops.reshape(read(layer, layer.bias),
                                               bias_shape(layer.rank, channels, layer.data_format)))
    return layer.activation(outputs) if layer.activation is not None else outputs


def activity_config(layer: Layer) -> dict[str, Any]:
    """The ``activity_regularizer`` entry Keras puts in conv layer configs."""
    return {"activity_regularizer": regularizers.serialize(layer.activity_regularizer)}


def standardize_conv_args(layer: Layer, kernel_size: Any, strides: Any, padding: Any, data_format: Any,
                          dilation_rate: Any, use_bias: Any, objects: dict[str, Any],
                          allow_causal: bool = False) -> None:
    """Sets ``kernel_size``, ``strides``, ``dilation_rate`` (``layer.rank`` ints each), ``padding``,
    ``data_format`` and ``use_bias`` on a conv layer, and each of ``objects`` (activation, initializers...)
    as got from its module."""
    rank = layer.rank
    layer.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
    layer.strides = standardize_tuple(strides, rank, "strides")
    layer.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
    layer.padding = standardize_padding(padding, allow_causal=allow_causal)
    layer.data_format = standardize_data_format(data_format)
    layer.use_bias = bool(use_bias)
    set_objects(layer, **objects)


def check_strides_and_dilation(layer: Layer) -> None:
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise ValueError(f"{type(layer).__name__}: `strides > 1` is not supported together with "
                         f"`dilation_rate > 1`, received strides={layer.strides}, "
                         f"dilation_rate={layer.dilation_rate}")


def check_positive(layer: Layer, name: str, value: Any) -> None:
    if value is None or int(value) <= 0:
        raise ValueError(f"{type(layer).__name__}: `{name}` must be a positive int, received {name}={value}")


def add_conv_weight(layer: Layer, name: str, shape: Sequence[int], prefix: str) -> Any:
    """A trainable weight using the layer's ``{prefix}_initializer``, ``_regularizer`` and ``_constraint``."""
    return layer.add_weight(name=name, shape=shape, initializer=getattr(layer, f"{prefix}_initializer"),
                            regularizer=getattr(layer, f"{prefix}_regularizer"),
                            constraint=getattr(layer, f"{prefix}_constraint"), trainable=True)


def add_bias(layer: Layer, units: int) -> None:
    """``layer.bias``: a ``(units,)`` weight when ``use_bias``, else None."""
    layer.bias = add_conv_weight(layer, "bias", (units,), "bias") if layer.use_bias else None


# ---- the convolution layer ---------------------------------------------------------------------------------------

class BaseConv(Layer):
    """N-D convolution layer: ``activation(conv(inputs, kernel) + bias)``; the kernel is
    ``(*kernel_size, in_channels // groups, filters)``. Conv1D/2D/3D subclass it, each setting ``rank``.

    >>> class Conv2D(BaseConv):
    ...     rank = 2
    """

    rank: int  # the number of spatial dims, set by each subclass

    def __init__(self, filters: int, kernel_size: int | Sequence[int], strides: int | Sequence[int] = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: int | Sequence[int] = 1,
                 groups: int = 1, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = filters
        self.groups = groups
        standardize_conv_args(self, kernel_size, strides, padding, data_format, dilation_rate, use_bias,
                              dict(activation=activation, kernel_initializer=kernel_initializer,
                                   bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                                   bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                                   bias_constraint=bias_constraint),
                              allow_causal=self.rank == 1)
        check_positive(self, "filters", filters)
        check_positive(self, "groups", groups)
        if filters % groups:
            raise ValueError(f"{type(self).__name__}: `filters` must be divisible by `groups`, received "
                             f"filters={filters}, groups={groups}")
        check_strides_and_dilation(self)

    def build(self, input_shape: Sequence[Any]) -> None:
        check_shape_rank(self, input_shape, self.rank + 2)
        channels = static_channels(self, input_shape, self.data_format)
        if channels % self.groups:
            raise ValueError(f"layer '{self.name}' ({type(self).__name__}): the input channels ({channels}, input "
                             f"shape {tuple(input_shape)}) must be divisible by groups={self.groups}")
        self.compute_output_shape(input_shape)
        self.kernel = add_conv_weight(self, "kernel", self.kernel_size + (channels // self.groups, self.filters),
                                      "kernel")
        add_bias(self, self.filters)
        self.built = True

    def convolution_op(self, inputs: Any, kernel: Any) -> Any:
        padding = self.padding
        if padding == "causal":  # left-pad the time axis so output t sees inputs <= t only
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pads = [[0, 0], [left, 0], [0, 0]] if self.data_format == "channels_last" else [[0, 0], [0, 0], [left, 0]]
            inputs, padding = ops.pad(inputs, pads), "valid"
        return ops.conv(inputs, kernel, strides=self.strides, padding=padding, data_format=self.data_format,
                        dilation_rate=self.dilation_rate)

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        outputs = self.convolution_op(inputs, read(self, self.kernel))
        return self._finish(outputs, self.filters)

    def _finish(self, outputs: Any, channels: int) -> Any:
        return add_bias_and_activate(self, outputs, channels)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return conv_output_shape(self, input_shape, self.filters, self.kernel_size, self.strides, self.padding,
                                 self.data_format, self.dilation_rate)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "groups": self.groups, "use_bias": self.use_bias,
            **serialize_all(activation=self.activation, kernel_initializer=self.kernel_initializer,
                            bias_initializer=self.bias_initializer, kernel_regularizer=self.kernel_regularizer,
                            bias_regularizer=self.bias_regularizer, kernel_constraint=self.kernel_constraint,
                            bias_constraint=self.bias_constraint),
            **activity_config(self),
        })
        return config


__all__ = ["BaseConv", "standardize_tuple", "standardize_padding", "standardize_data_format", "conv_output_shape",
           "conv_output_length", "bias_shape", "read", "add_bias_and_activate", "serialize_all", "get_all",
           "activity_config", "check_shape_rank", "static_channels", "channel_axis", "spatial_of", "with_spatial",
           "standardize_conv_args", "check_strides_and_dilation", "check_positive", "add_conv_weight", "add_bias"]
