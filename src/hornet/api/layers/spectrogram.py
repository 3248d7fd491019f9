"""Spectrogram layers with Keras 3 arguments, weights and semantics: ``STFTSpectrogram`` (a strided convolution
with trainable DFT kernels, per input channel) and ``MelSpectrogram`` (``ops.stft`` power on a mel filter bank,
optionally in decibels).

>>> STFTSpectrogram(frame_length=16, frame_step=8)(np.zeros((2, 64, 1), "float32")).shape   # doctest: +SKIP
(2, 7, 9)
>>> MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8)(np.zeros((2, 160), "float32")).shape
(2, 8, 11)
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Sequence

import numpy as np

from hornet.api import initializers, ops
from hornet.api.layers.conv_base import conv_output_length, standardize_data_format
from hornet.api.layers.input_spec import InputSpec
from hornet.api.layers.layer import Layer
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import DTypeError

EPSILON = 1e-7  # Keras's backend.epsilon(): the smallest power and magnitude before sqrt and log
MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")
_MEL_BREAK_HZ, _MEL_HIGH_Q = 700.0, 1127.0  # the HTK mel scale: mel(f) = 1127 ln(1 + f / 700)


class STFTSpectrogram(Layer):
    """The short-time Fourier transform of each channel of ``(batch, time, channels)`` signals (``(batch,
    channels, time)`` with ``data_format="channels_first"``), as a strided convolution with the trainable
    ``real_kernel`` / ``imag_kernel`` (``(frame_length, 1, fft_length // 2 + 1)``, the ``STFT`` initializer's DFT
    basis times the window over its ``scaling``). ``mode``: "log" (log magnitude), "magnitude", "psd" (power,
    interior bins doubled), "real", "imag", "angle" or "stft" (real bins then imaginary bins). The channels'
    spectrograms are concatenated on the frequency axis, or kept on their own axis with ``expand_dims``.

    >>> layer = STFTSpectrogram(mode="magnitude", frame_length=8, frame_step=4, padding="same")
    >>> layer(np.ones((1, 16, 2), "float32")).shape             # doctest: +SKIP
    (1, 4, 10)
    """

    def __init__(self, mode: str = "log", frame_length: int = 256, frame_step: int | None = None,
                 fft_length: int | None = None, window: Any = "hann", periodic: bool = False,
                 scaling: str | None = "density", padding: str = "valid", expand_dims: bool = False,
                 data_format: str | None = None, **kwargs: Any):
        name = "STFTSpectrogram"
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(f"{name}: `frame_step` must be a positive integer not greater than `frame_length`, got "
                             f"frame_step={frame_step} and frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"{name}: `fft_length` must be at least `frame_length`, got fft_length={fft_length} and "
                             f"frame_length={frame_length}")
        if fft_length is not None and fft_length & (fft_length - 1):
            warnings.warn(f"{name}: `fft_length` is recommended to be a power of two, got fft_length={fft_length}",
                          stacklevel=2)
        if mode not in MODES:
            raise ValueError(f"{name}: `mode` must be one of {', '.join(MODES)}, got mode={mode!r}")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"{name}: `scaling` must be None, 'density' or 'spectrum', got scaling={scaling!r}")
        if padding not in ("valid", "same"):
            raise ValueError(f"{name}: `padding` must be 'valid' or 'same', got padding={padding!r}")
        initializers.STFT("real", window, scaling, periodic)  # an unknown window name fails here, not at build
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self.fft_length = fft_length
        self._frame_step = frame_step or frame_length // 2
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape: Sequence[Any]) -> None:
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(name="real_kernel", shape=shape, initializer=initializers.STFT(
                "real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(name="imag_kernel", shape=shape, initializer=initializers.STFT(
                "imag", self.window, self.scaling, self.periodic))
        self.built = True

    def _transform(self, inputs: Any) -> tuple[Any | None, Any | None]:
        """``(real, imag)`` of shape ``(batch, channels, frames, bins)`` (None for the part the mode skips): one
        convolution of every channel (as a batch entry) with the kernels side by side."""
        dtype = inputs.dtype
        if self.data_format == "channels_last":
            inputs = ops.transpose(inputs, (0, 2, 1))
        batch, channels, steps = ops.shape(inputs)
        kernels = [ops.cast(k.value, dtype) for k in (getattr(self, "real_kernel", None),
                                                       getattr(self, "imag_kernel", None)) if k is not None]
        kernel = kernels[0] if len(kernels) == 1 else ops.concatenate(kernels, axis=-1)
        signals = ops.reshape(inputs, (-1, steps, 1))
        out = ops.conv(signals, kernel, strides=self._frame_step, padding=self.padding)
        out = ops.reshape(out, (-1, channels) + tuple(ops.shape(out)[1:]))
        bins = self._fft_length // 2 + 1
        if self.mode == "real":
            return out, None
        if self.mode == "imag":
            return None, out
        real, imag = ops.split(out, [bins], axis=-1)
        return real, imag

    def _arrange(self, out: Any) -> Any:
        """``(batch, channels, frames, freq)`` in the layer's output layout."""
        _, channels, frames, freq = ops.shape(out)
        if self.data_format == "channels_last":
            if self.expand_dims:
                return ops.transpose(out, (0, 2, 3, 1))
            return ops.reshape(ops.transpose(out, (0, 2, 1, 3)), (-1, frames, channels * freq))
        if self.expand_dims:
            return out
        return ops.reshape(ops.transpose(out, (0, 1, 3, 2)), (-1, channels * freq, frames))

    def call(self, inputs: Any) -> Any:
        dtype = to_dtype(inputs.dtype)
        if dtype.name not in ("float16", "float32", "float64"):
            raise DTypeError(f"layer '{self.name}' (STFTSpectrogram): inputs must be float16, float32 or float64, got "
                             f"{dtype.name}")
        real, imag = self._transform(inputs)
        if self.mode == "real":
            return self._arrange(real)
        if self.mode == "imag":
            return self._arrange(imag)
        if self.mode == "angle":
            return self._arrange(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ops.concatenate([real, imag], axis=-1))
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "psd":
            bins = self._fft_length // 2 + 1
            weights = np.where((np.arange(bins) > 0) & (np.arange(bins) < bins - 1), 2.0, 1.0)
            return self._arrange(ops.multiply(power, weights.astype(dtype.np)))
        magnitude = self._arrange(ops.sqrt(ops.maximum(power, EPSILON)))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, EPSILON))

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        batch, a, b = tuple(input_shape)
        channels, steps = (b, a) if self.data_format == "channels_last" else (a, b)
        freq = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        frames = conv_output_length(steps, self.frame_length, self._frame_step, self.padding)
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, freq, channels)
            return (batch, channels, frames, freq)
        total = None if channels is None else channels * freq
        return (batch, frames, total) if self.data_format == "channels_last" else (batch, total, frames)

    def get_config(self) -> dict[str, Any]:
        window = np.asarray(self.window).tolist() if not isinstance(self.window, (str, type(None))) else self.window
        return {**super().get_config(), "mode": self.mode, "frame_length": self.frame_length,
                "frame_step": self.frame_step, "fft_length": self.fft_length, "window": window,
                "periodic": self.periodic, "scaling": self.scaling, "padding": self.padding,
                "data_format": self.data_format, "expand_dims": self.expand_dims}


def _hertz_to_mel(hz: np.ndarray) -> np.ndarray:
    return _MEL_HIGH_Q * np.log(1.0 + hz / _MEL_BREAK_HZ)


def mel_weight_matrix(num_mel_bins: int, num_spectrogram_bins: int, sampling_rate: float, lower_edge_hertz: float,
                      upper_edge_hertz: float) -> np.ndarray:
    """``(num_spectrogram_bins, num_mel_bins)`` float64 weights mapping linear frequency bins ``0 ..
    sampling_rate / 2`` onto triangular mel bands (peak 1) spanning ``[lower_edge_hertz, upper_edge_hertz]``;
    the DC bin gets no weight (the HTK convention).

    >>> mel_weight_matrix(4, 9, 8000, 100.0, 4000.0).shape
    (9, 4)
    """
    freqs = np.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins)[1:]
    mel = _hertz_to_mel(freqs)[:, None]
    edges = np.linspace(_hertz_to_mel(np.float64(lower_edge_hertz)), _hertz_to_mel(np.float64(upper_edge_hertz)),
                        num_mel_bins + 2)
    lower, center, upper = edges[None, :-2], edges[None, 1:-1], edges[None, 2:]
    rising = (mel - lower) / (center - lower)
    falling = (upper - mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.pad(weights, ((1, 0), (0, 0)))


class MelSpectrogram(Layer):
    """Mel spectrograms ``(..., num_mel_bins, frames)`` of audio signals ``(..., samples)`` (one signal or a
    batch): the centred ``ops.stft`` magnitude to the power ``mag_exp``, on ``num_mel_bins`` triangular mel bands
    from ``min_freq`` to ``max_freq`` (default ``sampling_rate / 2``), and with ``power_to_db`` in decibels
    ``10 log10(max(S, min_power) / max(|ref_power|, min_power))``, floored at ``top_db`` below the maximum over
    the whole input. Computes in float32 (float64 under a float64 policy).

    >>> MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=4)(np.zeros(128, "float32")).shape
    (4, 5)
    """

    def __init__(self, fft_length: int = 2048, sequence_stride: int = 512, sequence_length: int | None = None,
                 window: Any = "hann", sampling_rate: int = 16000, num_mel_bins: int = 128, min_freq: float = 20.0,
                 max_freq: float | None = None, power_to_db: bool = True, top_db: float = 80.0,
                 mag_exp: float = 2.0, min_power: float = 1e-10, ref_power: float = 1.0, **kwargs: Any):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(f"MelSpectrogram: `fft_length` must be at least `sequence_length`, got "
                             f"sequence_length={self.sequence_length} and fft_length={self.fft_length}")
        super().__init__(**kwargs)
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        self.built = True

    def call(self, inputs: Any) -> Any:
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        inputs = ops.cast(inputs, dtype)
        real, imag = ops.stft(inputs, self.sequence_length, self.sequence_stride, self.fft_length,
                              window=self.window, center=True)
        spec = ops.power(ops.sqrt(ops.add(ops.square(real), ops.square(imag))), self.mag_exp)
        weights = mel_weight_matrix(self.num_mel_bins, self.fft_length // 2 + 1, self.sampling_rate, self.min_freq,
                                    self.max_freq)
        spec = ops.tensordot(spec, weights.astype(to_dtype(dtype).np), axes=1)
        if self.power_to_db:
            spec = self._decibels(spec)
        return ops.cast(ops.swapaxes(spec, -1, -2), self.compute_dtype)

    def _decibels(self, spec: Any) -> Any:
        ref = 10.0 * math.log10(max(abs(float(self.ref_power)), self.min_power))
        db = ops.subtract(ops.multiply(ops.log10(ops.maximum(spec, self.min_power)), 10.0), ref)
        return ops.maximum(db, ops.subtract(ops.max(db), self.top_db))

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        *lead, samples = tuple(input_shape)
        frames = None if samples is None else 1 + (samples + 2 * (self.fft_length // 2) - self.fft_length) // \
            self.sequence_stride
        return (*lead, self.num_mel_bins, frames)

    def get_config(self) -> dict[str, Any]:
        window = np.asarray(self.window).tolist() if not isinstance(self.window, (str, type(None))) else self.window
        return {**super().get_config(), "fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
                "sequence_length": self.sequence_length, "window": window, "sampling_rate": self.sampling_rate,
                "num_mel_bins": self.num_mel_bins, "min_freq": self.min_freq, "max_freq": self.max_freq,
                "power_to_db": self.power_to_db, "top_db": self.top_db, "mag_exp": self.mag_exp,
                "min_power": self.min_power, "ref_power": self.ref_power}


__all__ = ["STFTSpectrogram", "MelSpectrogram"]
