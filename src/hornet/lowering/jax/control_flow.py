"""JAX rules: control-flow prims as ``lax.switch``, ``lax.while_loop`` and ``lax.scan``. Regions arrive as
callables in ``regions=`` (each returns the list of the region's outputs); they are traced by JAX once per call,
so symbolic dims (under ``jax.export``) flow through the carries unchanged."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import jax.numpy as jnp
from jax import lax

Region = Callable[..., Sequence[Any]]


def cond(index: Any, *operands: Any, regions: Sequence[Region]) -> tuple[Any, ...]:
    # lax.switch clamps the index into range, as the IR specifies.
    branches = [lambda *args, fn=fn: tuple(fn(*args)) for fn in regions]
    return tuple(lax.switch(index, branches, *operands))


def while_loop(*operands: Any, regions: Sequence[Region], cond_nconsts: int, body_nconsts: int) -> tuple[Any, ...]:
    cond_fn, body_fn = regions
    cond_consts = operands[:cond_nconsts]
    body_consts = operands[cond_nconsts:cond_nconsts + body_nconsts]
    init = tuple(operands[cond_nconsts + body_nconsts:])
    out = lax.while_loop(lambda carry: cond_fn(*cond_consts, *carry)[0],
                         lambda carry: tuple(body_fn(*body_consts, *carry)), init)
    return tuple(out)


def scan(*operands: Any, regions: Sequence[Region], num_consts: int, num_carry: int, length: Sequence[Any],
         reverse: bool) -> tuple[Any, ...]:
    (body,) = regions
    consts = operands[:num_consts]
    init = tuple(operands[num_consts:num_consts + num_carry])
    xs = tuple(operands[num_consts + num_carry:])

    n = length[0]
    dummy = not xs and not isinstance(n, int)
    if dummy:
        # lax.scan wants a concrete `length`; a symbolic one (under jax.export) is carried by an empty xs instead.
        xs = (jnp.zeros((n, 0), jnp.bool_),)

    def step(carry: tuple[Any, ...], x: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        outs = body(*consts, *carry, *(() if dummy else x))
        return tuple(outs[:num_carry]), tuple(outs[num_carry:])

    carry, ys = lax.scan(step, init, xs, length=None if xs else n, reverse=reverse)
    return (*carry, *ys)


RULES: dict[str, Callable[..., Any]] = {"cond": cond, "while_loop": while_loop, "scan": scan}
