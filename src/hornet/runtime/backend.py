"""Backends: which framework runs eager ops and compiles graphs. ``HORNET_BACKEND`` picks the default.

A backend is imported only when first used, so importing hornet on JAX never imports torch or TensorFlow.
"""
from __future__ import annotations

import contextlib
import importlib
import os
from typing import Any, Callable, Iterator, Sequence

from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.ir.types import TensorType

# name -> module defining `BACKEND`, a Backend instance
_MODULES = {
    "jax": "hornet.runtime.jax_backend",
    "numpy": "hornet.runtime.numpy_backend",
}
_LOADED: dict[str, "Backend"] = {}
_current: str | None = None


class Backend:
    """What hornet needs from a framework: arrays in and out, eager prim rules, and graph compilation."""

    name: str = "?"

    def asarray(self, x: Any) -> Any:
        """A backend array for ``x`` (a backend array, NumPy array or Python scalar)."""
        raise NotImplementedError

    def is_array(self, x: Any) -> bool:
        raise NotImplementedError

    def type_of(self, x: Any) -> TensorType:
        raise NotImplementedError

    def to_numpy(self, x: Any) -> Any:
        raise NotImplementedError

    def eager(self, prim: str) -> Callable[..., Any]:
        """The rule that runs ``prim`` at once on backend arrays."""
        raise NotImplementedError

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        """A callable running a control-flow region eagerly (inside the backend's own rule for the prim)."""
        raise NotImplementedError

    def compile(self, graph: Graph, donate: Sequence[int] = ()) -> Callable[..., Sequence[Any]]:
        """A callable running ``graph`` on backend arrays, returning the list of outputs. Inputs at positions
        ``donate`` may be consumed (their buffers reused for outputs)."""
        raise NotImplementedError

    def lower(self, graph: Graph) -> Any:
        """An object describing the lowered program (``.as_text()``), for inspection and export."""
        raise NotImplementedError


def get_backend(name: str) -> Backend:
    if name not in _MODULES:
        raise HornetError(f"unknown backend {name!r}; available: {', '.join(sorted(_MODULES))}")
    if name not in _LOADED:
        _LOADED[name] = importlib.import_module(_MODULES[name]).BACKEND
    return _LOADED[name]


def backend_name() -> str:
    global _current
    if _current is None:
        _current = os.environ.get("HORNET_BACKEND", "jax").strip().lower() or "jax"
        if _current not in _MODULES:
            bad, _current = _current, None
            raise HornetError(f"HORNET_BACKEND={bad!r} is not a backend; available: {', '.join(sorted(_MODULES))}")
    return _current


def current_backend() -> Backend:
    return get_backend(backend_name())


def set_backend(name: str) -> None:
    """Switch the current backend (affects eager ops and new compilations)."""
    global _current
    get_backend(name)
    _current = name


@contextlib.contextmanager
def using_backend(name: str) -> Iterator[Backend]:
    """Temporarily make ``name`` the current backend: ``with using_backend("numpy"): ...``."""
    global _current
    previous = backend_name()
    set_backend(name)
    try:
        yield get_backend(name)
    finally:
        _current = previous


def register_backend(name: str, module: str) -> None:
    _MODULES[name] = module
