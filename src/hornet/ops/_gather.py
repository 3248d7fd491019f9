"""Builds the ``hornet.ops`` namespaces (nn, linalg, numpy) from the op files of ``hornet.api.ops``."""
from __future__ import annotations

import importlib
from typing import Any, Iterable


def public_names(files: Iterable[str], exclude: Iterable[str] = ()) -> dict[str, Any]:
    """name -> op for every name in the ``__all__`` of ``hornet.api.ops.<file>`` (an op may shadow a file name,
    e.g. ``conv``, so modules are imported by full name)."""
    skip = set(exclude)
    out: dict[str, Any] = {}
    for f in files:
        mod = importlib.import_module(f"hornet.api.ops.{f}")
        out.update({n: getattr(mod, n) for n in mod.__all__ if n not in skip})
    from hornet.ops._functional import wrap_all

    return wrap_all(out)
