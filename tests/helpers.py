"""Shared test utilities: random inputs per dtype, running one prim on a lowering, tolerances."""
from __future__ import annotations

import zlib
from typing import Any, Sequence

import numpy as np
import pytest

from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.graph import Graph
from hornet.ir.prims import PRIMITIVES, normalize_attrs
from hornet.ir.tracer import Trace
from hornet.ir.types import TensorType, type_of_array
from hornet.runtime.backend import available_backends, get_backend

# (rtol, atol) per dtype for comparing a lowering against the numpy reference.
TOLERANCE = {
    DType.float16: (2e-3, 2e-3),
    DType.bfloat16: (2e-2, 2e-2),
    DType.float32: (2e-5, 1e-6),
    DType.float64: (1e-12, 1e-13),
}
# every backend registered and installed: a new backend is covered by the prim and op tests the day it registers
LOWERINGS = available_backends()
COMPILED = tuple(name for name in LOWERINGS if name != "numpy")  # the backends that are checked against numpy


def rng(*key: object) -> np.random.Generator:
    """A generator seeded by the test case's key, so cases are reproducible across processes and independent
    (crc32, not ``hash()``: str hashes change per process with PYTHONHASHSEED)."""
    return np.random.default_rng(zlib.crc32("/".join(map(str, key)).encode()))


def random_array(shape: Sequence[int], dtype: Any, rng: np.random.Generator | None = None, *,
                 low: float = -3.0, high: float = 3.0) -> np.ndarray:
    """Random values valid for ``dtype`` (floats uniform in [low, high), ints in a small signed/unsigned range)."""
    rng = rng or np.random.default_rng(0)
    d = to_dtype(dtype)
    if d.is_bool:
        return rng.random(shape) < 0.5
    if d.is_unsigned:
        return rng.integers(0, max(int(high) * 3, 10), size=shape).astype(d.np)
    if d.is_integer:
        return rng.integers(int(low) * 3, int(high) * 3 + 1, size=shape).astype(d.np)
    return rng.uniform(low, high, size=shape).astype(d.np)


def prim_graph(prim: str, in_types: Sequence[TensorType], **attrs: Any) -> Graph:
    """A graph holding one node of ``prim`` on inputs of the given types."""
    p = PRIMITIVES[prim]
    tr = Trace(prim)
    xs = [tr.new_input(t) for t in in_types]
    out = tr.record(p, xs, normalize_attrs(p, attrs))
    outs = out if p.multiple_results else (out,)
    tr.graph.outputs = [o.value for o in outs]
    return tr.graph


def run_graph(lowering: str, graph: Graph, *arrays: Any) -> list[np.ndarray]:
    """Run a graph compiled by a backend (``Backend.compile``, as ``hornet.jit`` does); NumPy arrays out."""
    backend = get_backend(lowering)
    outs = backend.compile(graph)(*[backend.asarray(np.asarray(a)) for a in arrays])
    return [np.asarray(backend.to_numpy(o)) for o in outs]


def run_prim(lowering: str, prim: str, *arrays: Any, **attrs: Any) -> list[np.ndarray]:
    """Trace one prim on the arrays' types and run it on a lowering. Always returns a list of outputs."""
    graph = prim_graph(prim, [type_of_array(np.asarray(a)) for a in arrays], **attrs)
    return run_graph(lowering, graph, *[np.asarray(a) for a in arrays])


def assert_close(actual: Any, expected: Any, dtype: Any = None, *, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = True) -> None:
    """Compare values with ``dtype``'s tolerance (exact for ints and bools). Dtypes are not compared here:
    ``check_op`` compares traced and eager types, and tests that pin a result dtype assert it themselves."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    d = to_dtype(dtype if dtype is not None else expected.dtype)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    if d.is_floating:
        r, a = TOLERANCE[d]
        np.testing.assert_allclose(actual.astype(np.float64), expected.astype(np.float64),
                                   rtol=rtol if rtol is not None else r, atol=atol if atol is not None else a,
                                   equal_nan=equal_nan)
    else:
        np.testing.assert_array_equal(actual, expected)


def check_op(fn: Any, *args: Any, expected: Any = None, dtype: Any = None, rtol: float | None = None,
             atol: float | None = None, lowerings: Sequence[str] = LOWERINGS) -> Any:
    """Check a public op three ways and return its eager result (as NumPy, a list for multiple outputs):

    1. eager on the current backend (JAX by default), against ``expected`` when given;
    2. traced with the arguments' types (every positional arg must be an array; close over the rest), then
       run on each lowering, against the eager result;
    3. the traced output types equal the eager output types (shape and dtype).
    """
    from hornet.api.ops.core import convert_to_numpy
    from hornet.ir import pytree
    from hornet.ir.tracer import trace_with_tree

    arrays = [np.asarray(a) for a in args]
    eager = fn(*arrays)
    eager_leaves, _ = pytree.flatten(eager)
    eager_np = [np.asarray(convert_to_numpy(e)) for e in eager_leaves]
    if expected is not None:
        exp_leaves, _ = pytree.flatten(expected)
        assert len(exp_leaves) == len(eager_np), f"{len(eager_np)} outputs, expected {len(exp_leaves)}"
        for got, want in zip(eager_np, exp_leaves):
            assert_close(got, want, dtype if dtype is not None else np.asarray(want).dtype, rtol=rtol, atol=atol)
    graph, _ = trace_with_tree(fn, [type_of_array(a) for a in arrays])
    for v, e in zip(graph.outputs, eager_np):
        assert v.type == type_of_array(e), f"traced type {v.type} != eager type {type_of_array(e)}"
    for lowering in lowerings:
        outs = run_graph(lowering, graph, *arrays)
        for got, want in zip(outs, eager_np):
            assert_close(got, want, want.dtype, rtol=rtol, atol=atol)
    return eager_np if len(eager_np) != 1 or isinstance(eager, (tuple, list)) else eager_np[0]


@pytest.fixture(autouse=True)
def on_each_backend(backend: str) -> str:
    """Imported by a suite's conftest: every test of that suite runs on each compiled backend (see ``backend``)."""
    return backend
