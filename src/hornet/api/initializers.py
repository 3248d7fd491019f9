"""Weight initializers (``hornet.initializers``), with Keras 3 names, arguments and configs.

An initializer is a callable ``(shape, dtype=None) -> np.ndarray`` computed on the host; ``Variable`` and
``Layer.add_weight`` turn the array into a backend array. Random initializers draw from a NumPy stream
determined by ``seed``: an int gives the same values on every call, None a fresh draw (seeded from Python's
``random``, so ``random.seed`` makes runs repeatable), a ``SeedGenerator`` advances the generator.

>>> from hornet import initializers
>>> initializers.get("ones")((2, 2)).tolist()
[[1.0, 1.0], [1.0, 1.0]]
>>> initializers.GlorotUniform(seed=1)((3, 4)).shape
(3, 4)
"""
from __future__ import annotations

import math
import random as python_random
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from hornet.api.object_registry import ObjectRegistry
from hornet.ir.dtypes import DEFAULT_FLOAT, dtype as to_dtype

MODULE = "hornet.initializers"


def _np_dtype(dtype: Any) -> np.dtype:
    return to_dtype(dtype if dtype is not None else DEFAULT_FLOAT).np


def _shape(shape: Any) -> tuple[int, ...]:
    try:
        return tuple(int(d) for d in shape)
    except TypeError as e:
        raise ValueError(f"Initializer shape must be a sequence of ints, received shape={shape!r}") from e


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config``."""

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype)")

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Initializer":
        return cls(**config)

    def clone(self) -> "Initializer":
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


# --- constant initializers ------------------------------------------------------------------------------------


class Constant(Initializer):
    """Fills with ``value`` (a scalar or an array broadcastable to the shape)."""

    def __init__(self, value: Any = 0.0):
        self.value = value

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.value), _shape(shape)).astype(_np_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        return {"value": value}


class Zeros(Initializer):
    """Fills with 0."""

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        return np.zeros(_shape(shape), _np_dtype(dtype))


class Ones(Initializer):
    """Fills with 1."""

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        return np.ones(_shape(shape), _np_dtype(dtype))


class Identity(Initializer):
    """``gain * eye(rows, cols)`` for a 2-D shape."""

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return (self.gain * np.eye(*shape)).astype(_np_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


# --- random initializers --------------------------------------------------------------------------------------


class RandomInitializer(Initializer):
    """Base of the seeded initializers."""

    def __init__(self, seed: Any = None):
        if seed is not None and not isinstance(seed, int) and type(seed).__name__ != "SeedGenerator":
            raise ValueError("`seed` argument should be an instance of `hornet.random.SeedGenerator` or an "
                             f"integer. Received: seed={seed!r}")
        self.seed = seed

    def _rng(self) -> np.random.Generator:
        seed = self.seed
        if seed is None:
            return np.random.default_rng(python_random.getrandbits(64))
        if isinstance(seed, int):
            return np.random.default_rng(seed & 0xFFFFFFFFFFFFFFFF)
        key = np.asarray(seed.next()).astype(np.uint64)  # a SeedGenerator: its current key seeds the stream
        return np.random.default_rng([int(k) for k in key.ravel()])

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed if isinstance(self.seed, int) or self.seed is None else None}


def _truncated_normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal samples redrawn until they fall in [-2, 2]."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out


class RandomNormal(RandomInitializer):
    """Normal samples with ``mean`` and ``stddev``."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        x = self._rng().normal(self.mean, self.stddev, _shape(shape))
        return x.astype(_np_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomInitializer):
    """Normal samples with ``mean`` and ``stddev``, redrawn beyond two standard deviations."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        x = self.mean + self.stddev * _truncated_normal(self._rng(), _shape(shape))
        return x.astype(_np_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(RandomInitializer):
    """Uniform samples in ``[minval, maxval)``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None):
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        d = _np_dtype(dtype)
        if np.issubdtype(d, np.integer):
            return self._rng().integers(self.minval, self.maxval, _shape(shape)).astype(d)
        return self._rng().uniform(self.minval, self.maxval, _shape(shape)).astype(d)

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


def compute_fans(shape: Sequence[int], input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape; kernels of rank > 2 are ``(*receptive_field, in, out)``.

    >>> compute_fans((3, 3, 8, 16))
    (72, 144)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(math.prod(shape[a] for a in input_axes)), int(math.prod(shape[a] for a in output_axes))
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    field = math.prod(shape[:-2])
    return int(shape[-2] * field), int(shape[-1] * field)


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")
# stddev of a unit normal truncated to [-2, 2]; dividing by it keeps the requested variance
_TRUNC_STD = 0.87962566103423978


class VarianceScaling(RandomInitializer):
    """Samples with variance ``scale / n`` where n is fan_in, fan_out or their mean (``mode``)."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: Any = None, input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in _MODES:
            raise ValueError(f"Invalid `mode` argument: expected one of {list(_MODES)}. Received: mode={mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"Invalid `distribution` argument: expected one of {list(_DISTRIBUTIONS)}. "
                             f"Received: distribution={distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes = list(input_axes) if input_axes is not None else None
        self.output_axes = list(output_axes) if output_axes is not None else None
        super().__init__(seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        shape = _shape(shape)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            x = math.sqrt(variance) / _TRUNC_STD * _truncated_normal(rng, shape)
        elif self.distribution == "untruncated_normal":
            x = math.sqrt(variance) * rng.standard_normal(shape)
        else:
            limit = math.sqrt(3.0 * variance)
            x = rng.uniform(-limit, limit, shape)
        return x.astype(_np_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config(), "input_axes": self.input_axes, "output_axes": self.output_axes}


def _preset(name: str, mode: str, distribution: str, scale: float, doc: str) -> type:
    def __init__(self: VarianceScaling, seed: Any = None, input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> None:
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution, seed=seed,
                                 input_axes=input_axes, output_axes=output_axes)

    def get_config(self: VarianceScaling) -> dict[str, Any]:
        return {"seed": RandomInitializer.get_config(self)["seed"], "input_axes": self.input_axes,
                "output_axes": self.output_axes}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                           "__module__": __name__})


GlorotUniform = _preset("GlorotUniform", "fan_avg", "uniform", 1.0,
                        "Uniform in ±sqrt(6 / (fan_in + fan_out)) (Xavier uniform).")
GlorotNormal = _preset("GlorotNormal", "fan_avg", "truncated_normal", 1.0,
                       "Truncated normal with stddev sqrt(2 / (fan_in + fan_out)) (Xavier normal).")
HeUniform = _preset("HeUniform", "fan_in", "uniform", 2.0, "Uniform in ±sqrt(6 / fan_in).")
HeNormal = _preset("HeNormal", "fan_in", "truncated_normal", 2.0,
                   "Truncated normal with stddev sqrt(2 / fan_in).")
LecunUniform = _preset("LecunUniform", "fan_in", "uniform", 1.0, "Uniform in ±sqrt(3 / fan_in).")
LecunNormal = _preset("LecunNormal", "fan_in", "truncated_normal", 1.0,
                      "Truncated normal with stddev sqrt(1 / fan_in).")


class Orthogonal(RandomInitializer):
    """An orthogonal matrix (of the flattened ``(prod(shape[:-1]), shape[-1])`` shape) times ``gain``."""

    def __init__(self, gain: float = 1.0, seed: Any = None):
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))  # makes the decomposition unique, so q is uniformly distributed
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(_np_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "gain": self.gain}


class STFT(Initializer):
    """Short-time Fourier transform kernel of shape ``(frame_length, 1, fft_length // 2 + 1)``: the real
    (``side="real"``) or imaginary part of the DFT basis, times ``window`` divided by its ``scaling``."""

    def __init__(self, side: str = "real", window: Any = "hann", scaling: str | None = "density",
                 periodic: bool = False):
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                             f"Received scaling={scaling}")
        if isinstance(window, str):
            _window(window, 1, periodic)  # fails early on an unknown window name
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        frame_length, _, bins = _shape(shape)
        time = np.arange(frame_length, dtype=np.float64).reshape(frame_length, 1, 1)
        freq = np.arange(bins, dtype=np.float64).reshape(1, 1, bins) / ((bins - 1) * 2)
        angle = -2.0 * np.pi * time * freq
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            win = self.window
            win = _window(win, frame_length, self.periodic) if isinstance(win, str) else np.asarray(win, np.float64)
            if win.shape != (frame_length,):
                raise ValueError(f"The shape of `window` must be equal to [frame_length]. "
                                 f"Received: window shape={win.shape}")
            win = win.reshape(frame_length, 1, 1)
            scale = {"density": np.sqrt(np.sum(win ** 2)), "spectrum": np.sum(np.abs(win)), None: 1.0}[self.scaling]
            kernel = kernel * win / scale
        return kernel.astype(_np_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        window = self.window.tolist() if isinstance(self.window, np.ndarray) else self.window
        return {"side": self.side, "window": window, "periodic": self.periodic, "scaling": self.scaling}


def _window(name: str, length: int, periodic: bool) -> np.ndarray:
    import scipy.signal  # only STFT needs scipy

    return np.asarray(scipy.signal.get_window(name, length, periodic), np.float64)


IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
STFTInitializer = STFT

# --- lookup and serialization ---------------------------------------------------------------------------------

ALL_INITIALIZERS: dict[str, type] = {c.__name__: c for c in (
    Initializer, Constant, Zeros, Ones, Identity, RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling,
    GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, STFT)}
ALL_INITIALIZERS.update({"IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
                         "STFTInitializer": STFT})
_ALIASES: dict[str, type] = {
    "constant": Constant, "zeros": Zeros, "ones": Ones, "identity": Identity,
    "random_normal": RandomNormal, "truncated_normal": TruncatedNormal, "random_uniform": RandomUniform,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform, "he_normal": HeNormal, "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal, "stft": STFT, "normal": RandomNormal, "uniform": RandomUniform, "one": Ones,
    "zero": Zeros,
}


_REGISTRY = ObjectRegistry("initializer", MODULE, ALL_INITIALIZERS, "hornet.initializers.Initializer",
                           aliases=_ALIASES)


def serialize(initializer: Any) -> Any:
    """The Keras-layout config dict of an initializer (None stays None).

    >>> serialize(Zeros())["class_name"]
    'Zeros'
    """
    return _REGISTRY.serialize(initializer)


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Initializer:
    """An initializer from a config dict written by ``serialize`` (or by Keras), or from a name."""
    if isinstance(config, str):
        return get(config) if not custom_objects or config not in custom_objects else custom_objects[config]()
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier: Any) -> Callable[..., np.ndarray] | None:
    """An initializer from a name ("glorot_uniform", "Zeros"), a config dict, an instance or a callable.

    >>> get("he_normal")
    HeNormal({'seed': None, 'input_axes': None, 'output_axes': None})
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or ALL_INITIALIZERS.get(identifier)
        if cls is None or cls is Initializer:
            raise ValueError(f"Could not interpret initializer identifier: '{identifier}'. Known names: "
                             f"{sorted(_ALIASES)}")
        return cls()
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    if isinstance(identifier, (np.ndarray, np.generic)) or hasattr(identifier, "__array__"):
        return _from_array(np.asarray(identifier))
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r} (of type "
                     f"{type(identifier).__name__}); expected a name, a config dict or a callable")


def _from_array(value: np.ndarray) -> Callable[..., np.ndarray]:
    """An initializer returning a fixed array (whose shape must match the requested one)."""
    def initialize(shape: Sequence[int], dtype: Any = None) -> np.ndarray:
        if tuple(value.shape) != _shape(shape):
            raise ValueError(f"Initializer array has shape {value.shape}, but the requested shape is {tuple(shape)}")
        return value.astype(_np_dtype(dtype) if dtype is not None else value.dtype)

    return initialize


constant, zeros, ones, identity, stft = Constant, Zeros, Ones, Identity, STFT
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal = VarianceScaling, Orthogonal
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal

__all__ = [
    "Initializer", "Constant", "Zeros", "Ones", "Identity", "IdentityInitializer", "RandomNormal",
    "TruncatedNormal", "RandomUniform", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal",
    "LecunUniform", "LecunNormal", "Orthogonal", "OrthogonalInitializer", "STFT", "STFTInitializer", "stft",
    "constant", "zeros", "ones", "identity",
    "random_normal", "random_uniform", "truncated_normal", "variance_scaling", "orthogonal", "glorot_uniform",
    "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "compute_fans", "serialize",
    "deserialize", "get",
]
