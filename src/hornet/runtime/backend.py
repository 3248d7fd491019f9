"""Backends: which framework runs eager ops and compiles graphs. ``HORNET_BACKEND`` picks the default.

A backend is a lowering table plus one module here defining ``BACKEND``, an instance of :class:`Backend`. It is
imported only when first used, so importing hornet on JAX never imports torch or TensorFlow. The registry below
is the one list of backends: tests, the CLI and ``model.compile(backend=...)`` all take it from here.

The current backend is per thread: ``using_backend`` changes it for the calling thread only, ``set_backend``
changes the process default (what threads without an override use).

>>> with using_backend("numpy"):                      # doctest: +SKIP
...     hornet.ops.add(1.0, 2.0)                      # runs on the NumPy reference interpreter
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import threading
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from hornet.ir.dtypes import DType
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.ir.types import TensorType

# name -> (module defining `BACKEND`, the framework it imports; None for NumPy only)
_MODULES: dict[str, tuple[str, str | None]] = {
    "jax": ("hornet.runtime.jax_backend", "jax"),
    "numpy": ("hornet.runtime.numpy_backend", None),
    "torch": ("hornet.runtime.torch_backend", "torch"),
    "tensorflow": ("hornet.runtime.tf_backend", "tensorflow"),
}
_LOADED: dict[str, "Backend"] = {}
_DEFAULT: list[str | None] = [None]
_LOCAL = threading.local()


class Backend:
    """What hornet needs from a framework. A backend owns its arrays (``asarray``/``is_array``/``type_of``/
    ``to_numpy``), runs single prims eagerly (``eager``), and compiles whole graphs (``compile``).

    Arrays live on the backend's ``device`` (``"cpu"``, ``"cuda:0"``, ...). ``emulated_dtypes`` lists the IR
    dtypes the framework cannot compute with directly; the backend's lowering table emulates them (torch, for
    example, computes uint32 arithmetic in int64), so shared code never branches on the backend.
    """

    name: str = "?"
    emulated_dtypes: frozenset[DType] = frozenset()

    @property
    def device(self) -> str:
        """Where this backend's arrays live."""
        return "cpu"

    def asarray(self, x: Any) -> Any:
        """A backend array (on ``device``) for ``x``: a backend array (returned as is), a NumPy array or scalar,
        or a Python scalar. The dtype is kept exactly (NumPy's, or the IR's rule for Python scalars)."""
        raise NotImplementedError

    def is_array(self, x: Any) -> bool:
        """Whether ``x`` is an array of this backend."""
        raise NotImplementedError

    def type_of(self, x: Any) -> TensorType:
        """The IR type of a backend array."""
        raise NotImplementedError

    def to_numpy(self, x: Any) -> np.ndarray:
        """A host NumPy copy (or view) of a backend array, wherever it lives; the only way shared code reads
        values back (callbacks, progress bars, ``predict`` results)."""
        raise NotImplementedError

    def eager(self, prim: str) -> Callable[..., Any]:
        """The rule that runs ``prim`` at once: ``rule(*arrays, **attrs)`` -> an array (or a tuple)."""
        raise NotImplementedError

    def decomposed(self, prim: str) -> Callable[..., Any]:
        """An eager rule for a composite prim this backend has no row for (or whose row does not cover some
        attributes): its decomposition, traced for the operands' types and run with ``run_once``."""
        from hornet.ir.prims import PRIMITIVES
        from hornet.ir.tracer import trace

        p = PRIMITIVES[prim]

        def rule(*arrays: Any, **attrs: Any) -> Any:
            graph = trace(lambda *xs: p.decomposition(*xs, **attrs), *[self.type_of(a) for a in arrays])
            outs = self.run_once(graph, arrays)
            return tuple(outs) if p.multiple_results else outs[0]

        return rule

    def run_once(self, graph: Graph, arrays: Sequence[Any]) -> Sequence[Any]:
        """Run a one-off graph on backend arrays without compiling it for reuse (decomposed eager prims)."""
        raise NotImplementedError

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        """A callable running a control-flow region eagerly (inside the backend's own rule for the prim)."""
        raise NotImplementedError

    def compile(self, graph: Graph, donate: Sequence[int] = (), state_updates: Mapping[int, int] | None = None,
                jit_compile: Any = "auto", placement: Any = None) -> Callable[..., Sequence[Any]]:
        """A callable running ``graph``, returning the list of its outputs.

        - The callable accepts this backend's arrays and NumPy arrays (converted on the way in). Shapes may
          differ between calls where the graph's dims are symbolic (``"batch"``): one compiled graph serves
          every size, or the backend specializes per shape itself.
        - ``state_updates`` maps an output index to the input index whose variable it replaces (the new value of
          a weight, an optimizer slot, an RNG seed). Backends that update state in place (torch) or assign
          variables (TF) use it; the caller writes the outputs back to the variables either way.
        - ``donate`` lists input positions whose buffers the program may consume (a subset of the inputs
          named in ``state_updates``): after the call those arrays are invalid and only the outputs hold the
          values.
        - ``jit_compile`` (``model.compile(jit_compile=...)``): ``True`` asks for the backend's optimizing
          compiler, ``False`` for its quickest-to-start mode, ``"auto"`` for the backend's default. Backends with
          one mode (XLA on JAX) ignore it.
        - ``placement`` (a ``hornet.runtime.placement.Placement``, only while a ``hornet.distribution`` is
          active, and only on backends whose ``sharding()`` does not raise): one layout per input and output on
          a device mesh. The program is compiled once for those layouts; inputs laid out otherwise are moved to
          them, and state outputs come back laid out as their variables.
        """
        raise NotImplementedError

    def sharding(self) -> Any:
        """This backend's support for ``hornet.distribution``: an object with ``devices(device_type)`` (device
        names such as ``"cpu:0"``), ``initialize(coordinator_address, num_processes, process_id)`` and
        ``place(array, spec, mesh)`` (an array laid out on a ``MeshSpec``), ``mesh(mesh)`` and
        ``layout(spec, mesh)`` (the framework's own mesh and sharding objects), ``process_count()`` and
        ``process_index()``; for multi-process runs ``global_batch(local, spec, mesh)`` (this process's rows
        as its part of one global array), ``process_rows(array, like)`` (this process's rows of a global
        output) and ``gather_ints(values)`` (every process's list of ints). Backends that cannot shard raise."""
        from hornet.runtime.placement import jax_only

        raise jax_only(self.name)

    def lower(self, graph: Graph) -> Any:
        """An object describing the lowered program (``.as_text()``), for inspection and export."""
        raise NotImplementedError


def registered_backends() -> tuple[str, ...]:
    """Every backend hornet knows, whether or not its framework is installed."""
    return tuple(_MODULES)


def available_backends() -> tuple[str, ...]:
    """The registered backends whose framework is installed here (without importing the frameworks)."""
    return tuple(name for name, (_, framework) in _MODULES.items()
                 if framework is None or importlib.util.find_spec(framework) is not None)


def get_backend(name: str) -> Backend:
    if name not in _MODULES:
        raise HornetError(f"unknown backend {name!r}; available: {', '.join(sorted(_MODULES))}")
    if name not in _LOADED:
        module, framework = _MODULES[name]
        if framework is not None and importlib.util.find_spec(framework) is None:
            raise HornetError(f"the {name} backend needs {framework}, which is not installed: "
                              f"pip install 'hornet[{name}]'")
        _LOADED[name] = importlib.import_module(module).BACKEND
    return _LOADED[name]


def _default() -> str:
    if _DEFAULT[0] is None:
        name = os.environ.get("HORNET_BACKEND", "jax").strip().lower() or "jax"
        if name not in _MODULES:
            raise HornetError(f"HORNET_BACKEND={name!r} is not a backend; available: {', '.join(sorted(_MODULES))}")
        _DEFAULT[0] = name
    return _DEFAULT[0]


def backend_name() -> str:
    """The name of this thread's current backend."""
    override = getattr(_LOCAL, "name", None)
    return override if override is not None else _default()


def current_backend() -> Backend:
    return get_backend(backend_name())


def set_backend(name: str) -> None:
    """Set the process default backend (eager ops and new compilations of threads without an override)."""
    get_backend(name)
    _DEFAULT[0] = name


@contextlib.contextmanager
def using_backend(name: str) -> Iterator[Backend]:
    """Make ``name`` this thread's current backend within the block: ``with using_backend("numpy"): ...``."""
    backend = get_backend(name)
    previous = getattr(_LOCAL, "name", None)
    _LOCAL.name = name
    try:
        yield backend
    finally:
        _LOCAL.name = previous


def backend_of(x: Any) -> Backend | None:
    """The loaded backend owning array ``x`` (None for NumPy arrays and Python values)."""
    for backend in _LOADED.values():
        if backend.name != "numpy" and backend.is_array(x):
            return backend
    return None


def to_numpy(x: Any) -> np.ndarray:
    """A host NumPy array for any backend's array (or a NumPy array or Python value)."""
    if isinstance(x, np.ndarray):
        return x
    backend = backend_of(x)
    return backend.to_numpy(x) if backend is not None else np.asarray(x)


def register_backend(name: str, module: str, framework: str | None = None) -> None:
    _MODULES[name] = (module, framework)


__all__ = ["Backend", "registered_backends", "available_backends", "get_backend", "backend_name",
           "current_backend", "set_backend", "using_backend", "backend_of", "to_numpy", "register_backend"]
