"""Regularization layers: Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout,
ActivityRegularization (Keras 3 semantics). Noise layers act only with ``training=True``; their randomness
comes from a ``SeedGenerator`` whose state is a layer variable, so a jitted train step draws new noise each call.

>>> layer = Dropout(0.5, seed=1)
>>> layer.compute_output_shape((None, 4))
(None, 4)
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from hornet.api import ops, random, regularizers
from hornet.api.layers.layer import Layer, check_rank
from hornet.api.settings import image_data_format

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _check_rate(rate: Any, name: str = "rate") -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(f"Invalid value received for argument `{name}`. Expected a float value between 0 and 1. "
                         f"Received: {name}={rate!r}")
    return rate


def _check_noise_shape(noise_shape: Any) -> tuple[int | None, ...] | None:
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str):
        raise ValueError(f"Invalid value received for argument `noise_shape`. Expected a tuple or list of integers. "
                         f"Received: noise_shape={noise_shape!r}")
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError("Invalid value received for argument `noise_shape`. Expected an iterable of integers. "
                         f"Received: noise_shape={noise_shape!r}") from None
    for i, d in enumerate(noise_shape):
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d <= 0):
            raise ValueError("Invalid value received for argument `noise_shape`. Expected positive integers or None. "
                             f"Received {d!r} at index {i} (noise_shape={noise_shape})")
    return noise_shape


def _data_format(data_format: Any) -> str:
    fmt = image_data_format() if data_format is None else str(data_format).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of ('channels_last', 'channels_first'), received "
                         f"data_format={data_format!r}")
    return fmt


class _Noise(Layer):
    """Shared pieces: a rate-like argument, a seed generator when the noise is on, identity shape."""

    def __init__(self, seed: int | None, active: bool, **kwargs: Any):
        super().__init__(**kwargs)
        self.seed = seed
        if active:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


class Dropout(_Noise):
    """Zeroes entries with probability ``rate`` in training and scales the rest by ``1 / (1 - rate)``;
    ``noise_shape`` (None entries: the input's dims) shares the drop along the dims where it is 1."""

    def __init__(self, rate: float, noise_shape: Sequence[int | None] | None = None, seed: int | None = None,
                 **kwargs: Any):
        self.rate = _check_rate(rate)
        self.noise_shape = _check_noise_shape(noise_shape)
        super().__init__(seed, rate > 0, **kwargs)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs),
                                  seed=self.seed_generator)
        return inputs

    def _noise_shape(self, inputs: Any) -> Any:
        if self.noise_shape is not None and len(self.noise_shape) != len(inputs.shape):
            raise ValueError(f"layer '{self.name}' ({type(self).__name__}): noise_shape {self.noise_shape} must have "
                             f"the rank of the input, got input shape {tuple(inputs.shape)}")
        return self.noise_shape

    def get_config(self) -> dict[str, Any]:
        noise = list(self.noise_shape) if self.noise_shape is not None else None
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": noise}


class _SpatialDropout(Dropout):
    rank = 1

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = _data_format(data_format)

    def _noise_shape(self, inputs: Any) -> Any:
        check_rank(self, inputs, self.rank + 2)
        ones = (1,) * self.rank
        return (None, *ones, None) if self.data_format == "channels_last" else (None, None, *ones)

    def get_config(self) -> dict[str, Any]:
        config = {**Layer.get_config(self), "rate": self.rate, "seed": self.seed}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole channels of ``(batch, steps, channels)`` inputs."""

    rank = 1

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole feature maps of rank-4 inputs (``data_format`` picks the channel axis)."""

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Dropout of whole feature volumes of rank-5 inputs (``data_format`` picks the channel axis)."""

    rank = 3


class GaussianNoise(_Noise):
    """Adds zero-mean normal noise with standard deviation ``stddev`` in training."""

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any):
        self.stddev = _check_rate(stddev, "stddev")
        super().__init__(seed, stddev > 0, **kwargs)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.stddev > 0:
            return inputs + random.normal(ops.shape(inputs), mean=0.0, stddev=self.stddev, dtype=self.compute_dtype,
                                          seed=self.seed_generator)
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_Noise):
    """Multiplies by normal noise of mean 1 and standard deviation ``sqrt(rate / (1 - rate))`` in training."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        self.rate = _check_rate(rate)
        super().__init__(seed, rate > 0, **kwargs)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            return inputs * random.normal(ops.shape(inputs), mean=1.0, stddev=stddev, dtype=self.compute_dtype,
                                          seed=self.seed_generator)
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(_Noise):
    """Dropout for SELU networks: dropped entries take SELU's negative saturation value and the result is
    affinely rescaled so the mean and variance are kept."""

    def __init__(self, rate: float, noise_shape: Sequence[int | None] | None = None, seed: int | None = None,
                 **kwargs: Any):
        self.rate = _check_rate(rate)
        self.noise_shape = _check_noise_shape(noise_shape)
        super().__init__(seed, rate > 0, **kwargs)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if not (training and self.rate > 0):
            return inputs
        shape = ops.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        kept = ops.cast(ops.greater_equal(random.uniform(shape, seed=self.seed_generator), self.rate),
                        ops.dtype(inputs))
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * kept + alpha_p * (1 - kept)) + b

    def get_config(self) -> dict[str, Any]:
        noise = list(self.noise_shape) if self.noise_shape is not None else None
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": noise}


class ActivityRegularization(Layer):
    """Returns its inputs and adds ``l1 * sum(|x|) + l2 * sum(x^2)`` of them to the layer's losses."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any):
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


__all__ = ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
           "GaussianDropout", "AlphaDropout", "ActivityRegularization"]
