"""``hornet.random``: the ``keras.random`` functions, with Keras 3 signatures and ``seed=`` semantics.

``seed`` is an int (the same numbers every call), a ``SeedGenerator`` (new numbers every call; inside
``hornet.jit`` its state is a graph input and output) or None (a global generator). With the same seed the
numbers equal Keras 3 on JAX (both use threefry keys ``[seed, 0]``); see ``samplers`` for which results are
bit-identical across backends.

>>> hornet.random.normal((2, 3), seed=42)                     # doctest: +SKIP
>>> hornet.random.dropout(x, 0.5, seed=SeedGenerator(1))
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from hornet.api.ops import core
from hornet.api.random import compound as _compound
from hornet.api.random import samplers
from hornet.api.random.seed_generator import draw_seed
from hornet.api.random.staging import staged
from hornet.api.random.threefry import normalize_shape
from hornet.ir.dtypes import DType
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim
from hornet.runtime.bind import bind


def _scaled(sample: Any, scale: Any, shift: Any, d: DType, op: str) -> Any:
    """``sample * scale + shift`` in ``d`` (Python numbers are weak, as in Keras)."""
    return core.binary("add", core.binary("mul", sample, scale, op, dtype=d), shift, op, dtype=d)


def normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    """Samples of a normal distribution.

    >>> normal((2, 3), mean=1.0, stddev=0.1, seed=7)           # doctest: +SKIP
    """
    d = samplers.float_dtype(dtype, "normal")
    return _scaled(samplers.normal(draw_seed(seed), shape, d), stddev, mean, d, "normal")


def uniform(shape: Any, minval: Any = 0.0, maxval: Any = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    """Samples of a uniform distribution on [minval, maxval); ``dtype`` must be a float type.

    >>> uniform((3,), minval=-1.0, maxval=1.0, seed=0)          # doctest: +SKIP
    """
    d = samplers.float_dtype(dtype, "uniform")
    return samplers.uniform(draw_seed(seed), shape, d, minval, maxval)


def randint(shape: Any, minval: Any, maxval: Any, dtype: Any = "int32", seed: Any = None) -> Any:
    """Random integers in [minval, maxval); ``dtype`` must be an integer type.

    >>> randint((4,), 0, 10, seed=3)                           # doctest: +SKIP
    """
    return samplers.randint(draw_seed(seed), shape, minval, maxval, dtype)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    """Normal samples restricted to within two standard deviations of the mean.

    >>> truncated_normal((100,), stddev=0.05, seed=1)          # doctest: +SKIP
    """
    d = samplers.float_dtype(dtype, "truncated_normal")
    sample = samplers.truncated_normal(draw_seed(seed), -2.0, 2.0, shape, d)
    return _scaled(sample, stddev, mean, d, "truncated_normal")


def _noise_shape(x_shape: Sequence[Dim], noise_shape: Any) -> tuple[Dim, ...]:
    if noise_shape is None:
        return tuple(x_shape)
    noise_shape = tuple(noise_shape)
    if len(noise_shape) != len(x_shape):
        raise ShapeError(f"dropout: noise_shape {noise_shape} must have the rank of the inputs "
                         f"{core.fmt_shape(x_shape)}")
    return normalize_shape([x if n is None else n for n, x in zip(noise_shape, x_shape)], "dropout")


def _dropout(x: Any, key: Any, keep: Any, scale: Any, *, noise_shape: tuple[Dim, ...]) -> Any:
    op = "dropout"
    t = core.type_of(x)
    u = samplers._uniform(key, np.float32(0), np.float32(1), shape=noise_shape, dtype=DType.float32)
    mask = bind("lt", u, core.broadcast_to(core.convert(keep, DType.float32, op), noise_shape, op), op=op)
    mask = core.broadcast_to(mask, t.shape, op)
    kept = core.binary("mul", x, core.convert(scale, t.dtype, op), op, dtype=t.dtype)
    return bind("select", mask, kept, core.broadcast_to(np.zeros((), t.dtype.np), t.shape, op), op=op)


def dropout(inputs: Any, rate: Any, noise_shape: Any = None, seed: Any = None) -> Any:
    """Zero each entry with probability ``rate`` and scale the kept ones by ``1 / (1 - rate)``. With
    ``noise_shape`` (None entries: the input's dim) one draw is shared along the dims where it is 1.

    >>> dropout(np.ones((2, 4), "float32"), 0.5, seed=SeedGenerator(0))     # doctest: +SKIP
    """
    op = "dropout"
    x = core.to_float(inputs, op)
    d = core.dtype(x)
    if isinstance(rate, (int, float, np.floating, np.integer)):
        if rate == 1.0:
            return core.broadcast_to(np.zeros((), d.np), core.shape(x), op)
        if rate == 0.0:
            return x
        keep = np.float32(1.0 - float(rate))
        # x * (1 / keep) with the reciprocal rounded once in x's dtype: what XLA computes for x / keep, and
        # exact the same way on every backend
        scale = np.asarray(1.0, d.np) / np.asarray(1.0 - float(rate), d.np)
    else:
        keep = core.binary("sub", 1.0, rate, op, dtype=core.type_of(rate).dtype)
        scale = core.binary("div", 1.0, keep, op, dtype=d)
    noise = _noise_shape(core.shape(x), noise_shape)
    return staged(_dropout, x, draw_seed(seed), keep, scale, noise_shape=noise)


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Any:
    """Shuffle ``x`` along ``axis`` (each 1-D slice along ``axis`` independently, as Keras on JAX and NumPy).

    >>> shuffle(np.arange(5), seed=0)                          # doctest: +SKIP
    """
    return samplers.permutation(draw_seed(seed), core.as_tensor(x), axis)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> Any:
    """``num_samples`` class indices per row of 2-D ``logits`` (unnormalized log-probabilities).

    >>> categorical(np.log([[0.1, 0.9]]), 5, seed=0)           # doctest: +SKIP
    """
    logits = core.as_tensor(logits)
    if core.ndim(logits) != 2:
        raise ShapeError(f"`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
                         f"Received: shape {core.fmt_shape(core.shape(logits))}")
    batch = core.shape(logits)[0]
    expanded = bind("reshape", core.to_float(logits, "categorical"), new_sizes=(*core.shape(logits), 1),
                    op="categorical")
    out = samplers.categorical(draw_seed(seed), expanded, axis=1, shape=(batch, int(num_samples)))
    return core.cast(out, dtype)


def gamma(shape: Any, alpha: Any, dtype: Any = None, seed: Any = None) -> Any:
    """Samples of Gamma(alpha, scale 1).

    >>> gamma((3,), alpha=2.0, seed=0)                         # doctest: +SKIP
    """
    return _compound.gamma(draw_seed(seed), alpha, shape, samplers.float_dtype(dtype, "gamma"))


def beta(shape: Any, alpha: Any, beta: Any, dtype: Any = None, seed: Any = None) -> Any:
    """Samples of Beta(alpha, beta) (alpha and beta broadcast with ``shape``).

    >>> beta((3,), alpha=2.0, beta=5.0, seed=0)                # doctest: +SKIP
    """
    return _compound.beta(draw_seed(seed), alpha, beta, shape, samplers.float_dtype(dtype, "beta"))


def binomial(shape: Any, counts: Any, probabilities: Any, dtype: Any = None, seed: Any = None) -> Any:
    """Samples of Binomial(counts, probabilities) as floats; ``counts`` must be concrete (not traced).

    >>> binomial((3,), counts=10, probabilities=0.5, seed=0)   # doctest: +SKIP
    """
    d = samplers.float_dtype(dtype, "binomial")
    return _compound.binomial(draw_seed(seed), counts, probabilities, shape, d)


__all__ = ["binomial", "normal", "uniform", "randint", "truncated_normal", "dropout", "shuffle", "categorical", "gamma",
           "beta"]
