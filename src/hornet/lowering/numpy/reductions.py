"""NumPy reference rules: reductions prims.

Floats are computed in float64 and rounded once to the operand dtype (the most accurate answer a backend can
give); integers are computed in their own dtype, so overflow wraps exactly as on XLA.

>>> RULES["reduce_max"](np.zeros((2, 0), np.float32), axes=(1,)).tolist()
[-inf, -inf]
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from hornet.ir.dtypes import dtype as to_dtype
from hornet.lowering.numpy.windows import dilate, pad, windows


def _wide(x: np.ndarray) -> np.ndarray:
    """Floats as float64 (exact for every hornet float); other dtypes unchanged."""
    return x.astype(np.float64) if to_dtype(x.dtype).is_floating else x


def identity(computation: str, dt: Any) -> Any:
    """The identity of sum/max/min for a dtype: 0, -inf/+inf for floats, dtype min/max for integers."""
    d = to_dtype(dt)
    if computation == "sum":
        return 0
    if d.is_floating:
        return -np.inf if computation == "max" else np.inf
    info = np.iinfo(d.np)
    return info.min if computation == "max" else info.max


_EXTREMES: dict[str, np.ufunc] = {"max": np.maximum, "min": np.minimum}


def _reduce(computation: str) -> Callable[..., np.ndarray]:
    def rule(x: np.ndarray, *, axes: tuple[int, ...]) -> np.ndarray:
        wide = _wide(x)
        if computation in _EXTREMES:  # the identity as `initial` gives the empty-axis result and keeps NaNs
            out = _EXTREMES[computation].reduce(wide, axis=axes, initial=identity(computation, x.dtype))
        else:
            out = (np.sum if computation == "sum" else np.prod)(wide, axis=axes, dtype=wide.dtype)
        return np.asarray(out).astype(x.dtype)

    return rule


def _reduce_bool(fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
    def rule(x: np.ndarray, *, axes: tuple[int, ...]) -> np.ndarray:
        return np.asarray(fn(x, axis=axes))

    return rule


def _arg(fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
    # np.argmax/argmin return the first NaN when there is one, and the first extreme on ties.
    def rule(x: np.ndarray, *, axis: int, index_dtype: Any) -> np.ndarray:
        return np.asarray(fn(_wide(x), axis=axis)).astype(to_dtype(index_dtype).np)

    return rule


_SCANS: dict[str, Callable[..., np.ndarray]] = {
    "cumsum": lambda x, axis: np.cumsum(x, axis=axis, dtype=x.dtype),
    "cumprod": lambda x, axis: np.cumprod(x, axis=axis, dtype=x.dtype),
    "cummax": lambda x, axis: np.maximum.accumulate(x, axis=axis),
    "cummin": lambda x, axis: np.minimum.accumulate(x, axis=axis),
}


def _scan(name: str) -> Callable[..., np.ndarray]:
    scan = _SCANS[name]

    def rule(x: np.ndarray, *, axis: int, reverse: bool = False) -> np.ndarray:
        wide = _wide(x)
        if reverse:
            return np.flip(scan(np.flip(wide, axis), axis), axis).astype(x.dtype)
        return scan(wide, axis).astype(x.dtype)

    return rule


_WINDOW_REDUCERS: dict[str, Callable[..., np.ndarray]] = {
    "sum": lambda w, axes: np.sum(w, axis=axes, dtype=w.dtype),
    "max": lambda w, axes: np.max(w, axis=axes),
    "min": lambda w, axes: np.min(w, axis=axes),
}


def reduce_window(x: np.ndarray, *, computation: str, window_dimensions: tuple[int, ...],
                  window_strides: tuple[int, ...], padding: tuple[tuple[int, int], ...],
                  base_dilation: tuple[int, ...] | None = None,
                  window_dilation: tuple[int, ...] | None = None) -> np.ndarray:
    """Base-dilation holes and padding hold the identity; every window is then reduced."""
    axes = tuple(range(x.ndim))
    fill = identity(computation, x.dtype)
    wide = _wide(x)
    wide = dilate(wide, axes, base_dilation or (1,) * x.ndim, fill)
    wide = pad(wide, axes, padding, fill)
    view = windows(wide, axes, window_dimensions, window_strides, window_dilation or (1,) * x.ndim)
    window_axes = tuple(range(x.ndim, 2 * x.ndim))
    return np.asarray(_WINDOW_REDUCERS[computation](view, window_axes)).astype(x.dtype)


RULES: dict[str, Callable[..., Any]] = {
    "reduce_sum": _reduce("sum"),
    "reduce_prod": _reduce("prod"),
    "reduce_max": _reduce("max"),
    "reduce_min": _reduce("min"),
    "reduce_and": _reduce_bool(np.all),
    "reduce_or": _reduce_bool(np.any),
    "argmax": _arg(np.argmax),
    "argmin": _arg(np.argmin),
    **{name: _scan(name) for name in _SCANS},
    "reduce_window": reduce_window,
}
