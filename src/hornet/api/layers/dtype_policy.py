"""Layer dtype policies: ``"float32"``, ``"bfloat16"``, ``"mixed_float16"``, ``"mixed_bfloat16"`` (Keras names).

A mixed policy keeps variables in float32 and computes in the half type.

>>> DTypePolicy("mixed_bfloat16").compute_dtype
'bfloat16'
"""
from __future__ import annotations

from typing import Any

from hornet.ir.dtypes import dtype as to_dtype

_GLOBAL = "float32"


class DTypePolicy:
    def __init__(self, name: str | None = None):
        name = name or _GLOBAL
        if name.startswith("mixed_"):
            half = name[len("mixed_"):]
            if half not in ("float16", "bfloat16"):
                raise ValueError(f"unknown dtype policy {name!r}; mixed policies are 'mixed_float16' and "
                                 "'mixed_bfloat16'")
            self.compute_dtype, self.variable_dtype = half, "float32"
        else:
            try:
                self.compute_dtype = self.variable_dtype = to_dtype(name).name
            except Exception as e:
                raise ValueError(f"unknown dtype policy {name!r}") from e
        self.name = name

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'


def get_policy(value: Any) -> DTypePolicy:
    """A policy from None (the global one), a name, a dtype or a policy."""
    if isinstance(value, DTypePolicy):
        return value
    if value is None:
        return DTypePolicy(_GLOBAL)
    if isinstance(value, dict):  # a serialized policy
        return DTypePolicy(value.get("config", {}).get("name", _GLOBAL))
    return DTypePolicy(value if isinstance(value, str) else to_dtype(value).name)


def set_dtype_policy(policy: Any) -> None:
    """Set the global policy (``hornet.config.set_dtype_policy("mixed_bfloat16")``)."""
    global _GLOBAL
    _GLOBAL = get_policy(policy).name


def dtype_policy() -> DTypePolicy:
    return DTypePolicy(_GLOBAL)
