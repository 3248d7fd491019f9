"""JAX rules: contractions prims, as ``lax.dot_general`` and ``lax.conv_general_dilated``.

Half-precision results accumulate in float32 and round once; integer and bool operands whose output is a float
are converted first (so every backend sees the catalogue's "convert, then multiply and accumulate").
"""
from __future__ import annotations

from typing import Any, Callable

from jax import lax

from hornet.ir.dtypes import DType, dtype as to_dtype


def _contract(fn: Callable[..., Any], lhs: Any, rhs: Any, preferred: Any) -> Any:
    """Call ``fn(lhs, rhs, preferred_element_type)`` with the accumulation dtype, then convert to the output."""
    operand = to_dtype(lhs.dtype)
    out = to_dtype(preferred) if preferred is not None else operand
    acc = DType.float32 if out in (DType.float16, DType.bfloat16) else out
    if acc.is_floating and not operand.is_floating:
        lhs, rhs = lax.convert_element_type(lhs, acc.np), lax.convert_element_type(rhs, acc.np)
        operand = acc
    result = fn(lhs, rhs, None if acc == operand else acc.np)
    return result if acc == out else lax.convert_element_type(result, out.np)


def dot_general(lhs: Any, rhs: Any, *, lhs_contracting: tuple[int, ...], rhs_contracting: tuple[int, ...],
                lhs_batch: tuple[int, ...] = (), rhs_batch: tuple[int, ...] = (),
                preferred_element_type: Any = None) -> Any:
    dims = ((tuple(lhs_contracting), tuple(rhs_contracting)), (tuple(lhs_batch), tuple(rhs_batch)))
    return _contract(lambda a, b, p: lax.dot_general(a, b, dims, preferred_element_type=p),
                     lhs, rhs, preferred_element_type)


def conv_general(lhs: Any, rhs: Any, *, window_strides: tuple[int, ...], padding: tuple[tuple[int, int], ...],
                 lhs_dilation: tuple[int, ...], rhs_dilation: tuple[int, ...], feature_group_count: int = 1,
                 preferred_element_type: Any = None) -> Any:
    layout = tuple(range(lhs.ndim))  # hornet's fixed (N, C, *S) / (O, I, *K) / (N, O, *S) layout
    numbers = lax.ConvDimensionNumbers(lhs_spec=layout, rhs_spec=layout, out_spec=layout)

    def conv(a: Any, b: Any, p: Any) -> Any:
        return lax.conv_general_dilated(a, b, tuple(window_strides), [tuple(q) for q in padding],
                                        lhs_dilation=tuple(lhs_dilation), rhs_dilation=tuple(rhs_dilation),
                                        dimension_numbers=numbers, feature_group_count=feature_group_count,
                                        preferred_element_type=p)

    return _contract(conv, lhs, rhs, preferred_element_type)


RULES: dict[str, Callable[..., Any]] = {
    "dot_general": dot_general,
    "conv_general": conv_general,
}
