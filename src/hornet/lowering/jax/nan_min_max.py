"""Max and min that propagate NaN even where the XLA compiler uses fast min/max.

TensorFlow compiles XLA:CPU programs with fast min/max, which drops NaNs (``max(nan, 7) == 7``) where JAX's own
XLA propagates them. Within ``nan_propagating_min_max()``, the JAX rules for ``max``/``min``, ``reduce_max``/
``reduce_min`` and ``cummax``/``cummin`` put the NaN back with a select, so a module lowered for TensorFlow
computes what the IR says. Outside it they are the plain ``lax`` ops.

>>> with nan_propagating_min_max():          # doctest: +SKIP
...     exported = JaxLowered(graph).exported
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

import jax.numpy as jnp
from jax import lax

_LOCAL = threading.local()


@contextlib.contextmanager
def nan_propagating_min_max() -> Iterator[None]:
    previous = getattr(_LOCAL, "on", False)
    _LOCAL.on = True
    try:
        yield
    finally:
        _LOCAL.on = previous


def _active(x: Any) -> bool:
    return getattr(_LOCAL, "on", False) and jnp.issubdtype(x.dtype, jnp.floating)


def binary(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def rule(a: Any, b: Any) -> Any:
        out = fn(a, b)
        if not _active(out):
            return out
        return lax.select(lax.ne(a, a) | lax.ne(b, b), lax.add(a, b), out)

    return rule


def reduction(fn: Callable[..., Any]) -> Callable[..., Any]:
    def rule(x: Any, axes: Any) -> Any:
        out = fn(x, axes)
        if not _active(x):
            return out
        return jnp.where(lax.reduce_or(lax.ne(x, x), axes), jnp.array(jnp.nan, x.dtype), out)

    return rule


def cumulative(fn: Callable[..., Any]) -> Callable[..., Any]:
    def rule(x: Any, *, axis: int, reverse: bool = False) -> Any:
        out = fn(x, axis=axis, reverse=reverse)
        if not _active(x):
            return out
        seen = lax.cummax(lax.ne(x, x).astype(jnp.int32), axis=axis, reverse=reverse) > 0
        return jnp.where(seen, jnp.array(jnp.nan, x.dtype), out)

    return rule
