"""JAX rules: elementwise prims, one ``jax.lax`` call each.

lax already has the catalogue's semantics: integer ``div`` truncates, ``rem`` is C fmod, ``max``/``min``
propagate NaN, and shifts by the bit width or more give 0 (or -1 for arithmetic shifts of negatives).

>>> import jax.numpy as jnp
>>> RULES["round"](jnp.array([0.5, 1.5, 2.5])).tolist()   # half to even
[0.0, 2.0, 2.0]
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable

import jax
from jax import lax
from jax.sharding import PartitionSpec

from hornet.ir.dtypes import DType
from hornet.lowering.jax import nan_min_max


def _abs(x: Any) -> Any:
    return x if jax.numpy.issubdtype(x.dtype, jax.numpy.unsignedinteger) else lax.abs(x)  # lax rejects unsigned


_UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": lax.neg, "abs": _abs, "sign": lax.sign,
    "floor": lax.floor, "ceil": lax.ceil,
    "round": partial(lax.round, rounding_method=lax.RoundingMethod.TO_NEAREST_EVEN),
    "exp": lax.exp, "expm1": lax.expm1, "log": lax.log, "log1p": lax.log1p,
    "sqrt": lax.sqrt, "rsqrt": lax.rsqrt, "cbrt": lax.cbrt,
    "sin": lax.sin, "cos": lax.cos, "tan": lax.tan, "asin": lax.asin, "acos": lax.acos, "atan": lax.atan,
    "sinh": lax.sinh, "cosh": lax.cosh, "tanh": lax.tanh, "asinh": lax.asinh, "acosh": lax.acosh,
    "atanh": lax.atanh, "logistic": lax.logistic, "erf": lax.erf, "erfinv": lax.erf_inv,
    "lgamma": lax.lgamma, "digamma": lax.digamma,
    "is_finite": lax.is_finite, "not": lax.bitwise_not,
}

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lax.add, "sub": lax.sub, "mul": lax.mul, "div": lax.div, "rem": lax.rem,
    "max": nan_min_max.binary(lax.max), "min": nan_min_max.binary(lax.min),
    "pow": lax.pow, "atan2": lax.atan2, "nextafter": lax.nextafter,
    "and": lax.bitwise_and, "or": lax.bitwise_or, "xor": lax.bitwise_xor,
    "shift_left": lax.shift_left, "shift_right_arithmetic": lax.shift_right_arithmetic,
    "shift_right_logical": lax.shift_right_logical,
    "eq": lax.eq, "ne": lax.ne, "lt": lax.lt, "le": lax.le, "gt": lax.gt, "ge": lax.ge,
}


def _mesh_axes(entry: Any) -> tuple[str, ...]:
    return () if entry is None else tuple(entry) if isinstance(entry, tuple) else (entry,)


def sharding_constraint(x: Any, *, spec: tuple) -> Any:
    """Constrain ``x``'s layout when a mesh holding the spec's axes is set (``jax.set_mesh``); identity
    otherwise (one device, or no mesh). Explicit mesh axes need ``reshard``: there the constraint is an assert.
    """
    mesh = jax.sharding.get_abstract_mesh()
    used = {a for entry in spec for a in _mesh_axes(entry)}
    if mesh.empty or not used or not used <= set(mesh.axis_names):
        return x
    pspec = PartitionSpec(*spec)
    if used & set(mesh.explicit_axes):
        return jax.sharding.reshard(x, pspec)
    return lax.with_sharding_constraint(x, pspec)


def _convert(x: Any, *, new_dtype: DType) -> Any:
    return lax.convert_element_type(x, new_dtype.np)


def _bitcast_convert(x: Any, *, new_dtype: DType) -> Any:
    return lax.bitcast_convert_type(x, new_dtype.np)


RULES: dict[str, Callable[..., Any]] = {
    **_UNARY,
    **_BINARY,
    "select": lax.select,
    "clamp": lax.clamp,
    "convert": _convert,
    "bitcast_convert": _bitcast_convert,
    "integer_pow": lambda x, *, y: lax.integer_pow(x, y),
    "stop_gradient": lax.stop_gradient,
    "sharding_constraint": sharding_constraint,
    "optimization_barrier": lambda *xs: tuple(lax.optimization_barrier(tuple(xs))),
}
