"""Errors of the ``hornet`` command: a wrong argument exits with code 2, a failure with code 1."""
from __future__ import annotations

from hornet.ir.errors import HornetError


class UsageError(HornetError):
    """A wrong command-line argument (exit code 2)."""


def parse_shape(text: str, option: str) -> tuple[int, ...]:
    """``"28,28,1"`` (or ``"28x28x1"``) -> (28, 28, 1): the dims after the batch dim."""
    parts = [p for p in text.replace("x", ",").split(",") if p.strip()]
    try:
        dims = tuple(int(p) for p in parts)
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a shape; write the dims after the batch dim, e.g. 28,28,1") \
            from None
    if any(d <= 0 for d in dims):
        raise UsageError(f"{option}: '{text}' has a dim that is not positive")
    return dims


def named_values(items: list[str] | None, option: str) -> dict[str | None, str]:
    """``["x=28,28", "float32"]`` -> ``{"x": "28,28", None: "float32"}`` (None: applies to every input)."""
    out: dict[str | None, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        key = name.strip() if sep else None
        value = value if sep else item
        if sep and not key:
            raise UsageError(f"{option}: '{item}' has no name before '='")
        if key in out:
            raise UsageError(f"{option}: '{key or 'all inputs'}' is given twice")
        out[key] = value.strip()
    return out
