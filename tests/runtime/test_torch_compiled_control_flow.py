"""Control flow under Inductor (``jit_compile=True``): cond, while_loop and scan compile into one fullgraph
program (torch.cond, torch while_loop / scan higher-order ops, unrolled short scans) and compute what the NumPy
reference computes; the direct FX module keeps running them as Python control flow."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir import pytree  # noqa: E402
from hornet.lowering.torch import control_flow as torch_control_flow  # noqa: E402
from hornet.runtime.torch_backend import BACKEND  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 3)).astype("float32")
V = RNG.normal(size=(3,)).astype("float32")


def _compare(got, want, rtol, atol):
    g, gt = pytree.flatten(got)
    w, wt = pytree.flatten(want)
    assert gt == wt, (gt, wt)
    for a, b in zip(g, w):
        a = BACKEND.to_numpy(a) if isinstance(a, torch.Tensor) else np.asarray(a)
        b = np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def _unique_graphs() -> int:
    return torch._dynamo.utils.counters["stats"]["unique_graphs"]


def _switch(x, v, index):
    # three branches: ops.switch nests two cond prims; branch 1 returns an operand unchanged (aliasing, which
    # torch.cond rejects unless the lowering copies it) and branch 2 a view of one plus a captured tensor
    return ops.switch(index, [lambda x, v: (x * 2.0, ops.sum(v)),
                              lambda x, v: (x, ops.max(v)),
                              lambda x, v: (ops.reshape(ops.transpose(x), (4, 3)) + v, ops.min(v) + ops.sum(x))],
                      x, v)


@pytest.mark.slow_compile
def test_cond_compiles_once_and_clamps_an_out_of_range_index():
    compiled = hornet.jit(_switch, backend="torch", jit_compile=True)
    reference = hornet.jit(_switch, backend="numpy")
    before = _unique_graphs()
    for index in (-3, 0, 1, 2, 7):  # the index is data: one program picks the branch at run time
        i = np.int32(index)
        _compare(compiled(X, V, i), reference(X, V, i), rtol=1e-6, atol=1e-6)
    assert _unique_graphs() - before == 1


def _grow(x, limit):
    # doubles (and shifts) x until its norm passes `limit`: the trip count depends on the data; a cond inside
    # the body and a counter make it a nest of both structured ops
    def body(i, y):
        y = ops.cond(ops.sum(y) > 0.0, lambda: y * 2.0, lambda: y * 2.0 + 1.0)
        return i + 1, y

    return ops.while_loop(lambda i, y: ops.sqrt(ops.sum(y * y)) < limit, body, (0, x))


def _bounded(x, lo, hi):
    # fori_loop with tensor bounds is a while_loop; its body also passes a carry through unchanged
    return ops.fori_loop(lo, hi, lambda i, c: (c[0] + ops.cast(i, "float32") * c[1], c[1]), (x, x * 0.5))


@pytest.mark.slow_compile
def test_while_loop_with_a_data_dependent_trip_count():
    compiled = hornet.jit(_grow, backend="torch", jit_compile=True)
    reference = hornet.jit(_grow, backend="numpy")
    trips = set()
    for limit in (0.5, 10.0, 1000.0):  # 0.5: no step runs
        want = reference(V, np.float32(limit))
        _compare(compiled(V, np.float32(limit)), want, rtol=1e-6, atol=1e-6)
        trips.add(int(want[0]))
    assert len(trips) == 3 and 0 in trips

    compiled = hornet.jit(_bounded, backend="torch", jit_compile=True)
    reference = hornet.jit(_bounded, backend="numpy")
    for lo, hi in ((2, 6), (5, 1)):
        args = (V, np.int32(lo), np.int32(hi))
        _compare(compiled(*args), reference(*args), rtol=1e-6, atol=1e-6)


def _short_scans(h, xs, w):
    # below SCAN_HOP_MIN_LENGTH: unrolled. A reverse scan with a const, a y that is its x unchanged, and a
    # fori_loop with Python-int bounds (a scan with no xs)
    def cell(c, x):
        c = ops.tanh(c * w + x)
        return c, (c * 2.0, x)

    carry, ys = ops.scan(cell, h, xs, reverse=True)
    total = ops.fori_loop(0, 6, lambda i, c: c * 0.5 + ops.cast(i, "float32"), h)
    return carry, ys, total


def _long_scans(h, xs, w):
    # at least SCAN_HOP_MIN_LENGTH steps: torch's scan higher-order op, with the same corner cases plus a map
    # (a scan with no carry)
    carry, ys = _short_scans(h, xs, w)[:2]
    total = ops.fori_loop(0, 40, lambda i, c: c * 0.5 + ops.cast(i, "float32"), h)
    mapped = ops.map(lambda x: ops.sin(x) * w, xs)
    return carry, ys, total, mapped


@pytest.mark.slow_compile
@pytest.mark.parametrize("program, length", [(_short_scans, 20), (_long_scans, 40)])
def test_scans_unrolled_and_as_the_scan_op_match_numpy(program, length):
    assert (length >= torch_control_flow.SCAN_HOP_MIN_LENGTH) == (program is _long_scans)
    xs = RNG.normal(size=(length, 3)).astype("float32")
    args = (V, xs, np.float32(0.7))
    _compare(hornet.jit(program, backend="torch", jit_compile=True)(*args),
             hornet.jit(program, backend="numpy")(*args), rtol=1e-5, atol=1e-5)


def test_the_direct_fx_module_keeps_python_control_flow():
    # no compile: the same programs through the FX module run directly (cond/while read back their predicate,
    # scan unrolls), and the generated code calls hornet's rules, not torch's higher-order ops
    for fn, args in ((_switch, (X, V, np.int32(9))), (_grow, (V, np.float32(10.0))),
                     (_long_scans, (V, RNG.normal(size=(40, 3)).astype("float32"), np.float32(0.7)))):
        direct = hornet.jit(fn, backend="torch")
        _compare(direct(*args), hornet.jit(fn, backend="numpy")(*args), rtol=1e-5, atol=1e-5)
        code = direct.lower(*args).as_text()
        assert "torch.cond" not in code and "higher_order" not in code


def _dynamo_ops(fn, *args) -> set[str]:
    """The higher-order ops in the graph Dynamo captures from ``fn``'s FX module (no Inductor: the graph is only
    traced, nested subgraphs included)."""
    module = hornet.jit(fn, backend="torch").lower(*args).module
    found: set[str] = set()

    def record(gm, example_inputs):
        for sub in gm.modules():
            for node in getattr(sub, "graph", torch.fx.Graph()).nodes:
                if node.op == "call_function" and isinstance(node.target, torch._ops.HigherOrderOperator):
                    found.add(node.target.name())
        return gm.forward

    tensors = [BACKEND.asarray(a) for a in args]
    with torch.no_grad():
        torch.compile(module, backend=record, fullgraph=True, dynamic=False)(*tensors)
    return found


def test_dynamo_captures_torch_structured_control_flow():
    xs = RNG.normal(size=(40, 3)).astype("float32")
    assert _dynamo_ops(_switch, X, V, np.int32(1)) == {"cond"}
    assert _dynamo_ops(_grow, V, np.float32(10.0)) == {"while_loop", "cond"}
    assert _dynamo_ops(_short_scans, V, xs[:20], np.float32(0.7)) == set()  # unrolled
    assert _dynamo_ops(_long_scans, V, xs, np.float32(0.7)) == {"scan"}
