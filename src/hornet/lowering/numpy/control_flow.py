"""NumPy reference rules: control-flow prims as plain Python loops. Regions arrive as callables in ``regions=``
(each returns the list of the region's outputs)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

Region = Callable[..., Sequence[Any]]


def cond(index: Any, *operands: Any, regions: Sequence[Region]) -> tuple[Any, ...]:
    branch = min(max(int(index), 0), len(regions) - 1)
    return tuple(regions[branch](*operands))


def while_loop(*operands: Any, regions: Sequence[Region], cond_nconsts: int, body_nconsts: int) -> tuple[Any, ...]:
    cond_fn, body_fn = regions
    cond_consts = operands[:cond_nconsts]
    body_consts = operands[cond_nconsts:cond_nconsts + body_nconsts]
    carry = tuple(operands[cond_nconsts + body_nconsts:])
    while bool(cond_fn(*cond_consts, *carry)[0]):
        carry = tuple(body_fn(*body_consts, *carry))
    return carry


def scan(*operands: Any, regions: Sequence[Region], num_consts: int, num_carry: int, length: Sequence[int],
         reverse: bool) -> tuple[Any, ...]:
    (body,) = regions
    n = int(length[0])
    consts = operands[:num_consts]
    carry = tuple(operands[num_consts:num_consts + num_carry])
    xs = [np.asarray(x) for x in operands[num_consts + num_carry:]]
    steps: list[Sequence[Any]] = [()] * n
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        outs = body(*consts, *carry, *(x[i] for x in xs))
        carry, steps[i] = tuple(outs[:num_carry]), outs[num_carry:]
    if n:
        ys = [np.stack([np.asarray(s[j]) for s in steps]) for j in range(len(steps[0]))]
    else:
        # No step ran: the ys' element types come from one probe call on zero slices (the result is discarded).
        with np.errstate(all="ignore"):
            probe = body(*consts, *carry, *(np.zeros(x.shape[1:], x.dtype) for x in xs))[num_carry:]
        ys = [np.zeros((0, *np.shape(y)), np.asarray(y).dtype) for y in probe]
    return (*carry, *ys)


RULES: dict[str, Callable[..., Any]] = {"cond": cond, "while_loop": while_loop, "scan": scan}
