"""``rearrange`` (``keras.ops.rearrange``): einops-style reordering, splitting and merging of axes by a pattern
such as ``"b (h p1) (w p2) c -> b h w (p1 p2 c)"``, as one reshape, one transpose and one reshape.

Axes are names; a parenthesized group on the input side splits an axis (all but at most one of its sizes given as
keyword arguments), on the output side merges axes. Both sides must name the same axes, each once.

>>> from hornet import ops
>>> ops.rearrange(np.zeros((2, 6, 4)), "b (h w) c -> b h w c", h=2).shape   # doctest: +SKIP
(2, 2, 3, 4)
"""
from __future__ import annotations

import re
from typing import Any

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, finish, fmt_shape, type_of
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, dims_equal, shape_size

__all__ = ["rearrange"]

_TOKEN = re.compile(r"\(([^()]*)\)|([A-Za-z_]\w*)|(\S)")


def _parse(side: str, pattern: str) -> list[list[str]]:
    """Each axis of one side as the list of its names (a plain axis is a group of one)."""
    groups = []
    for group, name, other in _TOKEN.findall(side):
        if other:
            raise ValueError(f"rearrange: unexpected {other!r} in pattern {pattern!r} (axes are names, optionally "
                             "grouped in parentheses)")
        if name:
            groups.append([name])
            continue
        names = group.split()
        bad = [n for n in names if not re.fullmatch(r"[A-Za-z_]\w*", n)]
        if bad or not names:
            raise ValueError(f"rearrange: bad group ({group}) in pattern {pattern!r}")
        groups.append(names)
    flat = [n for g in groups for n in g]
    repeated = sorted({n for n in flat if flat.count(n) > 1})
    if repeated:
        raise ValueError(f"rearrange: axis {repeated[0]!r} appears twice on one side of {pattern!r}")
    return groups


def _sizes(groups: list[list[str]], shape: tuple[Dim, ...], lengths: dict[str, int], pattern: str
           ) -> dict[str, Dim]:
    sizes: dict[str, Dim] = {}
    for names, d in zip(groups, shape):
        if len(names) == 1:
            n = names[0]
            if n in lengths and not dims_equal(lengths[n], d):
                raise ShapeError(f"rearrange: axis {n!r} has size {d} but {n}={lengths[n]} was given")
            sizes[n] = d
            continue
        unknown = [n for n in names if n not in lengths]
        if len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {unknown} in ({' '.join(names)}) of {pattern!r}; "
                             f"give all but one as keyword arguments")
        known = 1
        for n in names:
            if n in lengths:
                known *= lengths[n]
                sizes[n] = lengths[n]
        if not isinstance(d, int):
            if unknown:
                raise ShapeError(f"rearrange: cannot split the dynamic axis {d} into ({' '.join(names)})")
            continue
        if unknown:
            if known == 0 or d % known:
                raise ShapeError(f"rearrange: axis of size {d} cannot be split into ({' '.join(names)}) with "
                                 f"{ {n: lengths[n] for n in names if n in lengths} }")
            sizes[unknown[0]] = d // known
        elif known != d:
            raise ShapeError(f"rearrange: axis of size {d} does not equal the product {known} of "
                             f"({' '.join(names)})")
    return sizes


def rearrange(tensor: Any, pattern: str, **axes_lengths: int) -> Any:
    """``tensor`` with its axes split, reordered and merged as ``pattern`` says.

    >>> rearrange(np.zeros((32, 30, 40, 3)), "b h w c -> b (c h w)").shape   # doctest: +SKIP
    (32, 3600)
    """
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"rearrange: pattern must be a string 'input axes -> output axes', got {pattern!r}")
    x = as_tensor(tensor)
    shape = type_of(x).shape
    left, right = pattern.split("->")
    ins, outs = _parse(left, pattern), _parse(right, pattern)
    if len(ins) != len(shape):
        raise ShapeError(f"rearrange: the pattern {pattern!r} names {len(ins)} input axes but the tensor has shape "
                         f"{fmt_shape(shape)}")
    in_names = [n for g in ins for n in g]
    out_names = [n for g in outs for n in g]
    if set(in_names) != set(out_names):
        missing = sorted(set(in_names) ^ set(out_names))
        raise ValueError(f"rearrange: axis {missing[0]!r} must appear on both sides of {pattern!r}")
    unused = sorted(set(axes_lengths) - set(in_names))
    if unused:
        raise ValueError(f"rearrange: {unused[0]}={axes_lengths[unused[0]]} names no axis of {pattern!r}")
    sizes = _sizes(ins, shape, dict(axes_lengths), pattern)
    x = L.reshape(x, [sizes[n] for n in in_names], "rearrange")
    x = L.transpose(x, [in_names.index(n) for n in out_names], "rearrange")
    x = L.reshape(x, [shape_size([sizes[n] for n in g]) for g in outs], "rearrange")
    return finish(x)
