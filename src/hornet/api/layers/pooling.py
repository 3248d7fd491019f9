"""Pooling layers (Keras 3 arguments): windowed ``MaxPooling1D/2D/3D`` and ``AveragePooling1D/2D/3D``, global
``GlobalMaxPooling1D/2D/3D`` and ``GlobalAveragePooling1D/2D/3D`` (with ``keepdims``), and adaptive
``AdaptiveMaxPooling1D/2D/3D`` / ``AdaptiveAveragePooling1D/2D/3D`` (fixed output size).

>>> MaxPooling2D()(np.ones((1, 8, 8, 3), "float32")).shape                 # doctest: +SKIP
(1, 4, 4, 3)
>>> GlobalAveragePooling1D(keepdims=True)(np.ones((2, 5, 3), "float32")).shape   # doctest: +SKIP
(2, 1, 3)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.layers.conv_base import (check_shape_rank, conv_output_shape, standardize_data_format,
                                         standardize_padding, standardize_tuple)
from hornet.api.layers.layer import Layer, check_rank


class BasePooling(Layer):
    """Max or average over windows of ``pool_size`` moved by ``strides`` (default: ``pool_size``)."""

    def __init__(self, pool_size: int | Sequence[int], strides: int | Sequence[int] | None, pool_dimensions: int,
                 pool_mode: str = "max", padding: str = "valid", data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if pool_mode not in ("max", "average"):
            raise ValueError(f"`pool_mode` must be 'max' or 'average', received pool_mode={pool_mode!r}")
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.pool_size = standardize_tuple(pool_size, pool_dimensions, "pool_size")
        self.strides = standardize_tuple(pool_size if strides is None else strides, pool_dimensions, "strides")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.built = True  # no weights

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.pool_dimensions + 2)
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(inputs, pool_size=self.pool_size, strides=self.strides, padding=self.padding,
                    data_format=self.data_format)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        return conv_output_shape(self, input_shape, channels, self.pool_size, self.strides, self.padding,
                                 self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


def _pooling_class(name: str, dims: int, mode: str, default_size: Any, doc: str) -> type:
    """A concrete pooling class with the Keras signature ``(pool_size, strides=None, padding, data_format)``."""
    if default_size is None:
        def __init__(self: Any, pool_size: int | Sequence[int], strides: int | Sequence[int] | None = None,
                     padding: str = "valid", data_format: str | None = None, **kwargs: Any) -> None:
            BasePooling.__init__(self, pool_size, strides, dims, mode, padding, data_format, **kwargs)
    else:
        def __init__(self: Any, pool_size: int | Sequence[int] = default_size,
                     strides: int | Sequence[int] | None = None, padding: str = "valid",
                     data_format: str | None = None, **kwargs: Any) -> None:
            BasePooling.__init__(self, pool_size, strides, dims, mode, padding, data_format, **kwargs)
    return type(name, (BasePooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__,
                                       "__qualname__": name})


MaxPooling1D = _pooling_class("MaxPooling1D", 1, "max", 2, """Max over windows of (batch, steps, channels) inputs.

    >>> MaxPooling1D(2)(np.ones((2, 6, 3), "float32")).shape   # doctest: +SKIP
    (2, 3, 3)
    """)
MaxPooling2D = _pooling_class("MaxPooling2D", 2, "max", (2, 2), """Max over 2-D windows (default 2x2).

    >>> MaxPooling2D((2, 2), strides=1)(np.ones((1, 4, 4, 1), "float32")).shape   # doctest: +SKIP
    (1, 3, 3, 1)
    """)
MaxPooling3D = _pooling_class("MaxPooling3D", 3, "max", (2, 2, 2), """Max over 3-D windows (default 2x2x2).

    >>> MaxPooling3D()(np.ones((1, 4, 4, 4, 2), "float32")).shape   # doctest: +SKIP
    (1, 2, 2, 2, 2)
    """)
AveragePooling1D = _pooling_class("AveragePooling1D", 1, "average", None, """Mean over 1-D windows; with
    ``padding="same"`` a window's mean counts only real (unpadded) elements.

    >>> AveragePooling1D(2)(np.ones((2, 6, 3), "float32")).shape   # doctest: +SKIP
    (2, 3, 3)
    """)
AveragePooling2D = _pooling_class("AveragePooling2D", 2, "average", None, """Mean over 2-D windows.

    >>> AveragePooling2D(2, padding="same")(np.ones((1, 5, 5, 1), "float32")).shape   # doctest: +SKIP
    (1, 3, 3, 1)
    """)
AveragePooling3D = _pooling_class("AveragePooling3D", 3, "average", None, """Mean over 3-D windows.

    >>> AveragePooling3D(2)(np.ones((1, 4, 4, 4, 2), "float32")).shape   # doctest: +SKIP
    (1, 2, 2, 2, 2)
    """)


class BaseGlobalPooling(Layer):
    """Max or mean over all spatial dims; ``keepdims`` keeps them as size-1 dims."""

    def __init__(self, pool_dimensions: int, pool_mode: str, data_format: str | None = None, keepdims: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.data_format = standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.built = True

    def _spatial_axes(self) -> list[int]:
        first = 1 if self.data_format == "channels_last" else 2
        return list(range(first, first + self.pool_dimensions))

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.pool_dimensions + 2)
        reduce = ops.max if self.pool_mode == "max" else ops.mean
        return reduce(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        check_shape_rank(self, input_shape, self.pool_dimensions + 2)
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if not self.keepdims:
            return (input_shape[0], channels)
        ones = (1,) * self.pool_dimensions
        if self.data_format == "channels_last":
            return (input_shape[0], *ones, channels)
        return (input_shape[0], channels, *ones)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


def _global_class(name: str, dims: int, mode: str, doc: str) -> type:
    def __init__(self: Any, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        BaseGlobalPooling.__init__(self, dims, mode, data_format, keepdims, **kwargs)
    return type(name, (BaseGlobalPooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__,
                                             "__qualname__": name})


GlobalMaxPooling1D = _global_class("GlobalMaxPooling1D", 1, "max", """Max over the steps of (batch, steps, channels).

    >>> GlobalMaxPooling1D()(np.ones((2, 5, 3), "float32")).shape   # doctest: +SKIP
    (2, 3)
    """)
GlobalMaxPooling2D = _global_class("GlobalMaxPooling2D", 2, "max", """Max over height and width.

    >>> GlobalMaxPooling2D(keepdims=True)(np.ones((2, 4, 4, 3), "float32")).shape   # doctest: +SKIP
    (2, 1, 1, 3)
    """)
GlobalMaxPooling3D = _global_class("GlobalMaxPooling3D", 3, "max", """Max over the three spatial dims.

    >>> GlobalMaxPooling3D()(np.ones((2, 3, 3, 3, 4), "float32")).shape   # doctest: +SKIP
    (2, 4)
    """)
GlobalAveragePooling2D = _global_class("GlobalAveragePooling2D", 2, "average", """Mean over height and width.

    >>> GlobalAveragePooling2D()(np.ones((2, 4, 4, 3), "float32")).shape   # doctest: +SKIP
    (2, 3)
    """)
GlobalAveragePooling3D = _global_class("GlobalAveragePooling3D", 3, "average", """Mean over the spatial dims.

    >>> GlobalAveragePooling3D()(np.ones((2, 3, 3, 3, 4), "float32")).shape   # doctest: +SKIP
    (2, 4)
    """)


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps of (batch, steps, channels); with a ``(batch, steps)`` mask, over unmasked steps only.
    The output carries no mask.

    >>> GlobalAveragePooling1D()(np.ones((2, 5, 3), "float32")).shape   # doctest: +SKIP
    (2, 3)
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(1, "average", data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        check_rank(self, inputs, 3)
        steps = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return ops.mean(inputs, axis=steps, keepdims=self.keepdims)
        keep = ops.cast(ops.expand_dims(mask, 2 if self.data_format == "channels_last" else 1), "bool")
        total = ops.sum(ops.where(keep, inputs, ops.zeros_like(inputs)), axis=steps, keepdims=self.keepdims)
        count = ops.sum(ops.cast(keep, inputs.dtype), axis=steps, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None


class BaseAdaptivePooling(Layer):
    """Max or mean pooling to a fixed spatial ``output_size`` (PyTorch's adaptive windows)."""

    def __init__(self, output_size: int | Sequence[int], pool_dimensions: int, pool_mode: str,
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(output_size, int) and not isinstance(output_size, bool):
            output_size = (output_size,) * pool_dimensions
        if not isinstance(output_size, (tuple, list)) or len(output_size) != pool_dimensions:
            raise TypeError(f"`output_size` must be an int or a tuple of {pool_dimensions} ints, received "
                            f"output_size={output_size!r}")
        self.output_size = tuple(int(s) for s in output_size)
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.data_format = standardize_data_format(data_format)
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.pool_dimensions + 2)
        pool = ops.adaptive_max_pool if self.pool_mode == "max" else ops.adaptive_average_pool
        return pool(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}


def _adaptive_class(name: str, dims: int, mode: str) -> type:
    def __init__(self: Any, output_size: int | Sequence[int], data_format: str | None = None,
                 **kwargs: Any) -> None:
        BaseAdaptivePooling.__init__(self, output_size, dims, mode, data_format, **kwargs)
    size, shape = (2,) * dims, ", ".join(["5"] * dims)
    doc = f"""{'Max' if mode == 'max' else 'Mean'} pooling of {dims}-D spatial inputs to ``output_size``.

    >>> {name}({size})(np.ones((1, {shape}, 3), "float32")).shape   # doctest: +SKIP
    (1, {", ".join(["2"] * dims)}, 3)
    """
    return type(name, (BaseAdaptivePooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__,
                                               "__qualname__": name})


AdaptiveMaxPooling1D = _adaptive_class("AdaptiveMaxPooling1D", 1, "max")
AdaptiveMaxPooling2D = _adaptive_class("AdaptiveMaxPooling2D", 2, "max")
AdaptiveMaxPooling3D = _adaptive_class("AdaptiveMaxPooling3D", 3, "max")
AdaptiveAveragePooling1D = _adaptive_class("AdaptiveAveragePooling1D", 1, "average")
AdaptiveAveragePooling2D = _adaptive_class("AdaptiveAveragePooling2D", 2, "average")
AdaptiveAveragePooling3D = _adaptive_class("AdaptiveAveragePooling3D", 3, "average")

MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)

__all__ = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
           "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "AdaptiveMaxPooling1D",
           "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D",
           "AdaptiveAveragePooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D",
           "GlobalAvgPool3D"]
