"""Running a random sampler: inline while tracing; eagerly as one compiled program per static arguments.

A sampler is a few hundred small integer prims (the Threefry rounds). Run one prim at a time, an eager call on
JAX would compile each of them for every new shape; compiling the whole sampler once (as ``jax.random`` does
with its own ``jit``) is far faster and gives the same numbers eagerly as under ``hornet.jit``.
"""
from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any, Callable

from hornet.ir.tracer import trace_stack
from hornet.runtime.jit import Jitted, jit

_CACHE: "OrderedDict[Any, Jitted]" = OrderedDict()
_CACHE_SIZE = 512


def staged(fn: Callable[..., Any], *tensors: Any, **static: Any) -> Any:
    """``fn(*tensors, **static)``. ``static`` values (shapes, dtypes, Python numbers) must be hashable.

    >>> staged(_uniform, key, lo, hi, shape=(2, 3), dtype=DType.float32)     # doctest: +SKIP
    """
    if trace_stack():
        return fn(*tensors, **static)
    cache_key = (fn, tuple(sorted(static.items())))
    compiled = _CACHE.get(cache_key)
    if compiled is None:
        # XLA optimizes the program itself; hornet's passes would only add tracing time here
        compiled = _CACHE[cache_key] = jit(functools.partial(fn, **static), optimize=False)
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(cache_key)
    return compiled(*tensors)
