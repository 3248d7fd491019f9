"""JAX rules: reductions prims, as ``jax.lax`` calls.

float16/bfloat16 sums and products (plain, cumulative and windowed) accumulate in float32 and round once, as
``jnp.sum`` does; max/min are exact in any dtype.
"""
from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp
import numpy as np
from jax import lax

from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.lowering.jax import nan_min_max

_HALF = (DType.float16, DType.bfloat16)


def _in_float32(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``fn`` on float32 for half-precision operands, converting the result back."""
    def rule(x: Any, **attrs: Any) -> Any:
        if to_dtype(x.dtype) in _HALF:
            return lax.convert_element_type(fn(lax.convert_element_type(x, jnp.float32), **attrs), x.dtype)
        return fn(x, **attrs)

    return rule


def _identity(computation: str, dt: Any) -> np.ndarray:
    """The computation's identity as a 0-d array of ``dt``: 0, -inf/+inf, or the integer dtype's min/max."""
    d = to_dtype(dt)
    if computation == "sum":
        value: Any = 0
    elif d.is_floating:
        value = -np.inf if computation == "max" else np.inf
    else:
        info = np.iinfo(d.np)
        value = info.min if computation == "max" else info.max
    return np.asarray(value, dtype=d.np)


_WINDOW_OPS: dict[str, Callable[[Any, Any], Any]] = {"sum": lax.add, "max": lax.max, "min": lax.min}


def _reduce_window(x: Any, *, computation: str, window_dimensions: tuple[int, ...],
                   window_strides: tuple[int, ...], padding: tuple[tuple[int, int], ...],
                   base_dilation: tuple[int, ...] | None = None,
                   window_dilation: tuple[int, ...] | None = None) -> Any:
    ones = (1,) * x.ndim
    return lax.reduce_window(x, _identity(computation, x.dtype), _WINDOW_OPS[computation], window_dimensions,
                             window_strides, padding, base_dilation or ones, window_dilation or ones)


_reduce_window_f32 = _in_float32(_reduce_window)


def _reduce_window_rule(x: Any, *, computation: str, **attrs: Any) -> Any:
    fn = _reduce_window_f32 if computation == "sum" else _reduce_window
    return fn(x, computation=computation, **attrs)


def _arg(fn: Callable[..., Any]) -> Callable[..., Any]:
    # lax.argmax/argmin return the first extreme on ties and the first NaN, as the catalogue asks.
    def rule(x: Any, *, axis: int, index_dtype: Any) -> Any:
        return fn(x, axis, to_dtype(index_dtype).np)

    return rule


def _scan(fn: Callable[..., Any]) -> Callable[..., Any]:
    def rule(x: Any, *, axis: int, reverse: bool = False) -> Any:
        return fn(x, axis=axis, reverse=reverse)

    return rule


def _reduce(fn: Callable[..., Any]) -> Callable[..., Any]:
    def rule(x: Any, *, axes: tuple[int, ...]) -> Any:
        return fn(x, tuple(axes))

    return rule


RULES: dict[str, Callable[..., Any]] = {
    "reduce_sum": _in_float32(_reduce(lax.reduce_sum)),
    "reduce_prod": _in_float32(_reduce(lax.reduce_prod)),
    "reduce_max": _reduce(nan_min_max.reduction(lax.reduce_max)),
    "reduce_min": _reduce(nan_min_max.reduction(lax.reduce_min)),
    "reduce_and": _reduce(lax.reduce_and),
    "reduce_or": _reduce(lax.reduce_or),
    "argmax": _arg(lax.argmax),
    "argmin": _arg(lax.argmin),
    "cumsum": _in_float32(_scan(lax.cumsum)),
    "cumprod": _in_float32(_scan(lax.cumprod)),
    "cummax": nan_min_max.cumulative(lax.cummax),
    "cummin": nan_min_max.cumulative(lax.cummin),
    "reduce_window": _reduce_window_rule,
}
