"""Window arithmetic shared by ``reduce_window`` and ``conv_general``: the checks on window attributes and the
output size of one windowed axis.

>>> window_output_dim(8, window=3, stride=2, padding=(1, 1))
4
>>> window_output_dim("batch", window=1, stride=1, padding=(0, 0))
'batch'
"""
from __future__ import annotations

from typing import Sequence

from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, dim_add, dim_mul, dim_sub, is_symbolic


def window_output_dim(size: Dim, *, window: int, stride: int, padding: tuple[int, int], base_dilation: int = 1,
                      window_dilation: int = 1, what: str = "axis") -> Dim:
    """floor((padded_dilated_size - dilated_window) / stride) + 1, or 0 when the window does not fit.

    ``size`` may be symbolic only when ``stride`` is 1 (no floor division of symbols).
    """
    lo, hi = padding
    span = (window - 1) * window_dilation + 1
    if is_symbolic(size):
        if stride != 1:
            raise ShapeError(f"{what} has symbolic size {size}; a window stride of {stride} needs a static size")
        dilated = dim_add(dim_mul(dim_sub(size, 1), base_dilation), 1)
        return dim_sub(dim_add(dilated, lo + hi), span - 1)
    dilated = (size - 1) * base_dilation + 1 if size > 0 else 0
    padded = dilated + lo + hi
    if padded < 0:
        raise ShapeError(f"{what}: padding {tuple(padding)} crops more than the (dilated) size {dilated}")
    return 0 if padded < span else (padded - span) // stride + 1


def check_window_attrs(rank: int, what: str, **attrs: Sequence) -> None:
    """Every window attribute has one entry per windowed axis; ints are >= 1 and pairs are (low, high)."""
    for name, value in attrs.items():
        if len(value) != rank:
            raise ShapeError(f"{name} {tuple(value)} must have {rank} entries (one per {what})")
        if name == "padding":
            if any(len(p) != 2 for p in value):
                raise ShapeError(f"padding {tuple(value)} must hold (low, high) pairs")
        elif any(v < 1 for v in value):
            raise ShapeError(f"{name} {tuple(value)} must be >= 1")


def ones_if_none(value: Sequence[int] | None, rank: int) -> tuple[int, ...]:
    """A dilation attribute's value, with None (the default) meaning no dilation."""
    return (1,) * rank if value is None else tuple(value)
