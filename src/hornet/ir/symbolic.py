"""Dimensions: an ``int``, or a symbolic polynomial written as a canonical string (``"batch"``, ``"2*batch+3"``).

Symbolic dims let one traced graph serve every batch size. They support the arithmetic that shape rules need
(``+``, ``-``, ``*``, exact division), so ``reshape``, ``concatenate`` and ``slice`` keep them exact.

>>> dim_mul("batch", 16), dim_div("16*batch", 16), dim_add("batch", "batch")
('16*batch', 'batch', '2*batch')
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping, Sequence, Union

from hornet.ir.errors import ShapeError

Dim = Union[int, str]
_Poly = tuple[tuple[tuple[str, ...], int], ...]  # sorted ((factors...), coefficient) terms
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@lru_cache(maxsize=4096)
def _parse(text: str) -> _Poly:
    terms: dict[tuple[str, ...], int] = {}
    src = text.replace(" ", "").replace("-", "+-")
    for raw in filter(None, src.split("+")):
        coeff, names = 1, []
        for factor in raw.split("*"):
            sign = -1 if factor.startswith("-") else 1
            factor = factor.lstrip("-")
            coeff *= sign
            if factor.isdigit():
                coeff *= int(factor)
            elif _NAME.match(factor):
                names.append(factor)
            else:
                raise ShapeError(f"malformed symbolic dimension {text!r}")
        key = tuple(sorted(names))
        terms[key] = terms.get(key, 0) + coeff
    return tuple(sorted((k, c) for k, c in terms.items() if c != 0))


def _poly(d: Dim) -> _Poly:
    if isinstance(d, bool):
        raise ShapeError(f"dimension {d!r} is a bool, not an int or symbol")
    if isinstance(d, int):
        return (((), d),) if d else ()
    if isinstance(d, str):
        return _parse(d)
    try:
        return (((), int(d)),) if int(d) else ()  # numpy ints
    except (TypeError, ValueError):
        raise ShapeError(f"dimension {d!r} is neither an int nor a symbol name") from None


def _format(p: _Poly) -> Dim:
    if not p:
        return 0
    if len(p) == 1 and not p[0][0]:
        return p[0][1]
    parts = []
    for names, c in sorted(p, key=lambda t: (-len(t[0]), t[0])):
        body = "*".join(names)
        if not names:
            s = str(abs(c))
        elif abs(c) == 1:
            s = body
        else:
            s = f"{abs(c)}*{body}"
        parts.append(("-" if c < 0 else ("+" if parts else "")) + s)
    return "".join(parts)


def canonical_dim(d: Any) -> Dim:
    """The canonical form of a dim: an int, or a normalized polynomial string."""
    return _format(_poly(d))


def is_symbolic(d: Dim) -> bool:
    return isinstance(d, str)


def dim_add(a: Dim, b: Dim) -> Dim:
    terms = dict(_poly(a))
    for k, c in _poly(b):
        terms[k] = terms.get(k, 0) + c
    return _format(tuple(sorted((k, c) for k, c in terms.items() if c)))


def dim_sub(a: Dim, b: Dim) -> Dim:
    return dim_add(a, _format(tuple((k, -c) for k, c in _poly(b))))


def dim_mul(a: Dim, b: Dim) -> Dim:
    terms: dict[tuple[str, ...], int] = {}
    for ka, ca in _poly(a):
        for kb, cb in _poly(b):
            k = tuple(sorted(ka + kb))
            terms[k] = terms.get(k, 0) + ca * cb
    return _format(tuple(sorted((k, c) for k, c in terms.items() if c)))


def dim_div(a: Dim, b: Dim) -> Dim:
    """Exact division of ``a`` by a monomial ``b``; a ShapeError if it does not divide evenly."""
    pb = _poly(b)
    if len(pb) != 1:
        raise ShapeError(f"cannot divide dimension {a!r} by {b!r}")
    (kb, cb), = pb
    out = []
    for ka, ca in _poly(a):
        rest = list(ka)
        for name in kb:
            if name not in rest:
                raise ShapeError(f"dimension {a!r} is not divisible by {b!r}")
            rest.remove(name)
        if ca % cb:
            raise ShapeError(f"dimension {a!r} is not divisible by {b!r}")
        out.append((tuple(rest), ca // cb))
    return _format(tuple(sorted(out)))


def dims_equal(a: Dim, b: Dim) -> bool:
    return _poly(a) == _poly(b)


def shape_size(shape: Sequence[Dim]) -> Dim:
    """The number of elements: an int for static shapes, a polynomial otherwise."""
    out: Dim = 1
    for d in shape:
        out = dim_mul(out, d)
    return out


def dim_sign(d: Dim) -> int | None:
    """+1 if ``d >= 0`` for every value of its symbols (each >= 1), -1 if ``d < 0`` for every value, else None.

    >>> dim_sign("batch-1"), dim_sign(-2), dim_sign("batch-2")
    (1, -1, None)
    """
    terms = _poly(d)  # ((names, coefficient), ...): the sign of each coefficient decides monotonicity
    at_ones = sum(c for _, c in terms)
    slopes = [c for names, c in terms if names]
    if all(c >= 0 for c in slopes) and at_ones >= 0:
        return 1
    if all(c <= 0 for c in slopes) and at_ones < 0:
        return -1
    return None


def symbols(d: Dim) -> set[str]:
    return {name for names, _ in _poly(d) for name in names}


def evaluate_dim(d: Dim, env: Mapping[str, Any]) -> Any:
    """The value of a dim given each symbol's value (ints, or a backend's symbolic sizes)."""
    if isinstance(d, int):
        return d
    total: Any = 0
    for names, c in _poly(d):
        term: Any = c
        for name in names:
            if name not in env:
                raise ShapeError(f"symbolic dimension {name!r} is not bound by any graph input")
            term = term * env[name]
        total = total + term
    return total


def format_shape(shape: Sequence[Dim]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"
