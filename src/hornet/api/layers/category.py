"""Categorical preprocessing layers: ``CategoryEncoding`` (integer tokens to one-hot / multi-hot / count
vectors) and ``Discretization`` (numbers to bucket indices, with boundaries given or learned by ``adapt``),
with Keras 3 arguments and semantics.

>>> CategoryEncoding(4, output_mode="multi_hot")(np.array([[0, 1], [3, 3]])).tolist()   # doctest: +SKIP
[[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
>>> Discretization(bin_boundaries=[0.0, 1.0])(np.array([-1.0, 0.5, 2.0], "float32")).tolist()  # doctest: +SKIP
[0, 1, 2]
"""
from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers.layer import Layer

_ENCODINGS = ("one_hot", "multi_hot", "count")


def encode_categories(inputs: Any, output_mode: str, depth: int, dtype: str, count_weights: Any = None) -> Any:
    """Integer ids ``inputs`` as ``output_mode`` vectors of length ``depth`` (Keras's encoding rules):
    "one_hot" adds a last axis (replacing a trailing axis of size 1); "multi_hot" and "count" merge the ids of
    each sample (axis 1 of a batch, axis 0 of a single vector). Out-of-range ids encode as zeros."""
    if output_mode == "int":
        return ops.cast(inputs, dtype)
    if len(inputs.shape) == 0:
        inputs = ops.expand_dims(inputs, -1)
    if output_mode == "multi_hot":
        return ops.multi_hot(inputs, depth, dtype=dtype)
    if output_mode == "one_hot":
        if len(inputs.shape) > 1 and inputs.shape[-1] == 1:
            inputs = ops.squeeze(inputs, -1)
        return ops.one_hot(inputs, depth, dtype=dtype)
    axis = 1 if len(inputs.shape) > 1 else 0
    if count_weights is not None:
        dtype = count_weights.dtype
    hot = ops.one_hot(inputs, depth, dtype=dtype)
    if count_weights is not None:
        hot = hot * ops.expand_dims(count_weights, -1)
    return ops.sum(hot, axis=axis)


def _check_mode(layer: str, mode: str, allowed: Sequence[str]) -> None:
    if mode not in allowed:
        raise ValueError(f"{layer}: unknown output_mode={mode!r}; expected one of {tuple(allowed)}")


def _check_not_sparse(layer: str, sparse: bool) -> None:
    if sparse:
        raise ValueError(f"{layer}: sparse=True is not supported (hornet tensors are dense); use sparse=False")


class CategoryEncoding(Layer):
    """Encode integer token ids in ``[0, num_tokens)``: "one_hot" (one vector per id), "multi_hot" (one vector
    per sample, 1 where an id occurs; "binary" is an alias) or "count" (how often each id occurs, optionally
    weighted by ``count_weights``).

    >>> CategoryEncoding(3, output_mode="count")(np.array([[0, 0, 2]]), count_weights=np.array([[1., 2., 3.]]))
    ... # doctest: +SKIP
    [[3.0, 0.0, 3.0]]
    """

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        _check_mode("CategoryEncoding", output_mode, _ENCODINGS)
        if num_tokens is None:
            raise ValueError("CategoryEncoding: `num_tokens` must be set (the number of distinct token ids); if it "
                             "is not known beforehand, map tokens to ids with IntegerLookup first")
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(f"CategoryEncoding: `num_tokens` must be an integer >= 1, got num_tokens={num_tokens!r}")
        _check_not_sparse("CategoryEncoding", sparse)
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        inputs = ops.convert_to_tensor(inputs)
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"layer '{self.name}' (CategoryEncoding): `count_weights` is only used with "
                                 f"output_mode='count', not {self.output_mode!r}")
            count_weights = ops.cast(count_weights, self.compute_dtype)
        return encode_categories(inputs, self.output_mode, self.num_tokens, self.variable_dtype, count_weights)

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode,
                "sparse": self.sparse}


# --- Discretization: an approximate quantile summary (values, weights) merged batch by batch -----------------------


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """A ``(2, n)`` summary of a batch: every ``step``-th sorted value, each standing for ``step`` values."""
    values = np.sort(values.reshape(-1))
    step = max(values.size / (1.0 / epsilon), 1)
    kept = values[int(step - 1)::int(step)]
    return np.stack([kept, np.full_like(kept, step)])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Resample a summary at the ``epsilon``-spaced cumulative-weight quantiles (no-op when already small)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    values = np.interp(targets, fractions, summary[0])
    cumulative = np.interp(targets, fractions, cumulative)
    weights = cumulative - np.concatenate(([0.0], cumulative[:-1]))
    return np.stack((values, weights)).astype("float32")


def _merge(a: np.ndarray, b: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((a, b), axis=1)
    return _compress(merged[:, np.argsort(merged[0])], epsilon)


class Discretization(Layer):
    """Bucket numbers by ``bin_boundaries`` (ascending; bucket ``i`` holds ``bins[i-1] <= x < bins[i]``), or
    learn ``num_bins - 1`` quantile boundaries with ``adapt(data)`` (approximate, error about ``epsilon``).
    ``output_mode``: "int" (bucket ids, int32) or the encodings of ``CategoryEncoding`` over
    ``len(bin_boundaries) + 1`` buckets.

    >>> layer = Discretization(num_bins=4); layer.adapt(np.arange(100.0))      # doctest: +SKIP
    >>> layer.bin_boundaries  # doctest: +SKIP
    [25.0, 50.0, 75.0]
    """

    def __init__(self, bin_boundaries: Sequence[float] | None = None, num_bins: int | None = None,
                 epsilon: float = 0.01, output_mode: str = "int", sparse: bool = False, dtype: Any = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(name=name, dtype=dtype, **kwargs)
        _check_mode("Discretization", output_mode, ("int",) + _ENCODINGS)
        _check_not_sparse("Discretization", sparse)
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 0):
            raise ValueError(f"Discretization: `num_bins` must be an integer >= 0, got num_bins={num_bins!r}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Discretization: set only one of `num_bins` and `bin_boundaries`, got "
                             f"num_bins={num_bins} and bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: set either `num_bins` (then call adapt()) or `bin_boundaries`")
        self.bin_boundaries = list(bin_boundaries) if bin_boundaries is not None else None
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if self.bin_boundaries else np.zeros((2, 0), "float32")
        self.built = True

    @property
    def output_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn ``num_bins - 1`` boundaries from ``data``: an array, or an iterable of batches (lists,
        generators, ``tf.data.Dataset``; ``steps`` limits the number of batches)."""
        if self.num_bins is None:
            raise ValueError(f"layer '{self.name}' (Discretization) was given `bin_boundaries`; adapt() needs a "
                             "layer created with `num_bins`")
        self.reset_state()
        if isinstance(data, np.ndarray) or ops.is_tensor(data) or not hasattr(data, "__iter__"):
            self.update_state(data)
        else:
            batches = iter(data)
            for batch in itertools.islice(batches, steps) if steps is not None else batches:
                self.update_state(batch[0] if isinstance(batch, tuple) else batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        values = np.asarray(ops.convert_to_numpy(data) if ops.is_tensor(data) else data).astype("float32")
        self.summary = _merge(_summarize(values, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self) -> None:
        if self.num_bins is None:
            return
        if self.summary is None or self.summary.shape[1] == 0:
            raise ValueError(f"layer '{self.name}' (Discretization): adapt() got no data")
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        if self.num_bins is not None:
            self.summary = np.zeros((2, 0), "float32")

    def call(self, inputs: Any) -> Any:
        if self.bin_boundaries is None:
            raise ValueError(f"layer '{self.name}' (Discretization) has no bin boundaries: pass `bin_boundaries` "
                             "when creating it, or call adapt(data) before using it")
        inputs = ops.convert_to_tensor(inputs)
        bins = np.asarray(self.bin_boundaries, "float32")
        indices = ops.digitize(ops.cast(inputs, "float32"), bins)
        return encode_categories(indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Discretization":
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(**config)


__all__ = ["CategoryEncoding", "Discretization"]
