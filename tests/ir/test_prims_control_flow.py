"""Control-flow prims (cond, while_loop, scan): each x lowering against plain Python loops, shape rules and their
errors, symbolic dims (also under jax.export), printer, serialization and the passes on graphs with regions."""
from __future__ import annotations

import numpy as np
import pytest

from graph_samples import finish, rec
from helpers import LOWERINGS, assert_close, random_array, run_graph
from hornet.ir import passes
from hornet.ir.errors import DTypeError, HornetError, ShapeError
from hornet.ir.graph import Graph
from hornet.ir.prims import PRIMITIVES, infer_types
from hornet.ir.tracer import SymbolicTensor, Trace
from hornet.ir.types import TensorType
from hornet.lowering.numpy import folding

F32 = TensorType("float32", (3,))
I32 = TensorType("int32", ())


def _region(name: str, in_types, fn) -> Graph:
    """A closed region graph: ``fn(trace, *inputs)`` returns its outputs."""
    tr = Trace(name)
    xs = [tr.new_input(t) for t in in_types]
    tr.graph.outputs = [o.value if isinstance(o, SymbolicTensor) else o for o in fn(tr, *xs)]
    return tr.graph


def _bcast(tr: Trace, value, t: TensorType):
    return rec(tr, "broadcast_in_dim", np.asarray(value, t.dtype.np), shape=t.shape, broadcast_dimensions=())


# --- cond -----------------------------------------------------------------------------------------------------------

def _cond_graph(t: TensorType) -> Graph:
    """cond(index, x, y){x + y, x * y}."""
    b0 = _region("add_branch", [t, t], lambda tr, x, y: [rec(tr, "add", x, y)])
    b1 = _region("mul_branch", [t, t], lambda tr, x, y: [rec(tr, "mul", x, y)])
    tr = Trace("main")
    i, x, y = tr.new_input(I32), tr.new_input(t), tr.new_input(t)
    (out,) = rec(tr, "cond", i, x, y, regions=(b0, b1))
    return finish(tr, out)


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
@pytest.mark.parametrize("index", [-3, 0, 1, 7])
def test_cond(lowering, dtype, index):
    t = TensorType(dtype, (2, 3))
    x, y = random_array((2, 3), dtype), random_array((2, 3), dtype, np.random.default_rng(1))
    (out,) = run_graph(lowering, _cond_graph(t), np.int32(index), x, y)
    expected = x + y if index <= 0 else x * y  # the index is clamped into [0, 1]
    assert out.dtype == x.dtype
    assert_close(out, expected, dtype)


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_cond_with_no_operands_and_two_outputs(lowering):
    consts = [np.float32(1.5), np.arange(3, dtype=np.int32)]
    b0 = _region("b0", [], lambda tr: [tr.constant(consts[0]), tr.constant(consts[1])])
    b1 = _region("b1", [], lambda tr: [tr.constant(np.float32(-1)), tr.constant(np.zeros(3, np.int32))])
    tr = Trace("main")
    i = tr.new_input(I32)
    a, b = rec(tr, "cond", i, regions=(b0, b1))
    graph = finish(tr, a, b)
    out = run_graph(lowering, graph, np.int32(0))
    assert_close(out[0], consts[0])
    assert_close(out[1], consts[1])
    out = run_graph(lowering, graph, np.int32(1))
    assert_close(out[0], np.float32(-1))


# --- while_loop -------------------------------------------------------------------------------------------------------

def _while_graph() -> Graph:
    """(limit: int32[] cond const, scale: float32[3] body const; i: int32[], x: float32[3] carry):
    while i < limit: x = x * scale + 1; i = i + 1."""
    cond = _region("cond", [I32, I32, F32], lambda tr, limit, i, x: [rec(tr, "lt", i, limit)])

    def body(tr, scale, i, x):
        nx = rec(tr, "add", rec(tr, "mul", x, scale), _bcast(tr, 1.0, F32))
        return [rec(tr, "add", i, np.asarray(1, np.int32)), nx]

    body_g = _region("body", [F32, I32, F32], body)
    tr = Trace("main")
    limit, scale, i, x = tr.new_input(I32), tr.new_input(F32), tr.new_input(I32), tr.new_input(F32)
    i_out, x_out = rec(tr, "while_loop", limit, scale, i, x, regions=(cond, body_g), cond_nconsts=1,
                       body_nconsts=1)
    return finish(tr, i_out, x_out)


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("start, limit", [(0, 4), (3, 3), (5, 2), (-2, 1)])
def test_while_loop(lowering, start, limit):
    scale = np.array([0.5, -1.0, 2.0], np.float32)
    x0 = random_array((3,), "float32")
    i, x = start, x0.copy()
    while i < limit:
        x, i = x * scale + np.float32(1), i + 1
    out = run_graph(lowering, _while_graph(), np.int32(limit), scale, np.int32(start), x0)
    assert out[0].dtype == np.int32 and int(out[0]) == i
    assert_close(out[1], x, "float32")


# --- scan -----------------------------------------------------------------------------------------------------------

def _scan_graph(n: int, reverse: bool, carry_type: TensorType = F32) -> Graph:
    """consts w: carry type; carry c; xs (float32[n, *carry], int32[n]):
    c' = c * w + x;  ys = (c (the carry entering the step), k * 2)."""
    shape = carry_type.shape
    slice_f = TensorType("float32", shape)

    def body(tr, w, c, x, k):
        return [rec(tr, "add", rec(tr, "mul", c, w), x), c, rec(tr, "mul", k, np.asarray(2, np.int32))]

    body_g = _region("body", [carry_type, carry_type, slice_f, I32], body)
    tr = Trace("main")
    w, c = tr.new_input(carry_type), tr.new_input(carry_type)
    xf, xk = tr.new_input(TensorType("float32", (n, *shape))), tr.new_input(TensorType("int32", (n,)))
    outs = rec(tr, "scan", w, c, xf, xk, regions=(body_g,), num_consts=1, num_carry=1, length=(n,),
               reverse=reverse)
    return finish(tr, *outs)


def _scan_expected(w, c, xf, xk, reverse):
    n = xf.shape[0]
    ys_c = np.zeros((n, *c.shape), np.float32)
    ys_k = np.zeros((n,), np.int32)
    for i in (reversed(range(n)) if reverse else range(n)):
        ys_c[i], ys_k[i] = c, xk[i] * 2
        c = c * w + xf[i]
    return c, ys_c, ys_k


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("n", [0, 1, 4])
def test_scan(lowering, reverse, n):
    rng = np.random.default_rng(n)
    w, c = random_array((3,), "float32", rng), random_array((3,), "float32", rng)
    xf, xk = random_array((n, 3), "float32", rng), random_array((n,), "int32", rng)
    out = run_graph(lowering, _scan_graph(n, reverse), w, c, xf, xk)
    for got, want in zip(out, _scan_expected(w, c, xf, xk, reverse)):
        assert got.dtype == want.dtype
        assert_close(got, want, want.dtype, rtol=1e-5, atol=1e-5)


def test_scan_types_with_symbolic_dims():
    g = _scan_graph(5, False, TensorType("float32", ("batch", 3)))
    assert [str(t) for t in g.output_types] == ["float32[batch,3]", "float32[5,batch,3]", "int32[5]"]


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("batch", [1, 3])
def test_scan_with_symbolic_batch_in_the_carry(lowering, batch):
    g = _scan_graph(4, True, TensorType("float32", ("batch", 3)))
    rng = np.random.default_rng(batch)
    w, c = random_array((batch, 3), "float32", rng), random_array((batch, 3), "float32", rng)
    xf, xk = random_array((4, batch, 3), "float32", rng), random_array((4,), "int32", rng)
    for got, want in zip(run_graph(lowering, g, w, c, xf, xk), _scan_expected(w, c, xf, xk, True)):
        assert_close(got, want, want.dtype, rtol=1e-5, atol=1e-5)


def test_jax_export_keeps_symbolic_batch_through_regions():
    from hornet.runtime.jax_export import JaxLowered

    graphs = {"scan": _scan_graph(4, False, TensorType("float32", ("batch", 3))),
              "cond": _cond_graph(TensorType("float32", ("batch", 3)))}
    scan_exported = JaxLowered(graphs["scan"]).exported
    assert [str(a.shape) for a in scan_exported.out_avals] == ["(batch, 3)", "(4, batch, 3)", "(4,)"]
    cond_exported = JaxLowered(graphs["cond"]).exported
    assert str(cond_exported.out_avals[0].shape) == "(batch, 3)"
    for batch in (2, 5):
        rng = np.random.default_rng(batch)
        w, c = random_array((batch, 3), "float32", rng), random_array((batch, 3), "float32", rng)
        xf, xk = random_array((4, batch, 3), "float32", rng), random_array((4,), "int32", rng)
        for got, want in zip(scan_exported.call(w, c, xf, xk), _scan_expected(w, c, xf, xk, False)):
            assert_close(np.asarray(got), want, want.dtype, rtol=1e-5, atol=1e-5)
        (got,) = cond_exported.call(np.int32(1), w, c)
        assert_close(np.asarray(got), w * c, "float32")


def test_scan_over_a_symbolic_length_without_xs():
    """length=("batch",) with no scanned operand: the ys' leading dim is symbolic (also under jax.export)."""
    from hornet.runtime.jax_export import JaxLowered

    body = _region("body", [I32], lambda tr, k: [rec(tr, "add", k, np.asarray(1, np.int32)), k])
    tr = Trace("main")
    x = tr.new_input(TensorType("float32", ("batch", 2)))
    k, ks = rec(tr, "scan", np.asarray(0, np.int32), regions=(body,), num_carry=1, length=("batch",))
    graph = finish(tr, k, ks, rec(tr, "reduce_sum", x, axes=(1,)))
    assert str(graph.output_types[1]) == "int32[batch]"
    xs = np.ones((3, 2), np.float32)
    for lowering in LOWERINGS:
        out = run_graph(lowering, graph, xs)
        assert int(out[0]) == 3 and out[1].tolist() == [0, 1, 2]
    exported = JaxLowered(graph).exported
    out = exported.call(np.ones((4, 2), np.float32))
    assert np.asarray(out[1]).tolist() == [0, 1, 2, 3]


# --- shape rules and their errors ----------------------------------------------------------------------------------

def _graph_of(in_types, out_types) -> Graph:
    """A region whose outputs have the given types (fresh constants: only the types matter to shape rules)."""
    tr = Trace("r")
    for t in in_types:
        tr.new_input(t)
    outs = [tr.constant(np.zeros([d if isinstance(d, int) else 1 for d in t.shape], t.dtype.np))
            for t in out_types]
    tr.graph.outputs = list(outs)
    for v, t in zip(outs, out_types):
        v.type = t
    return tr.graph


B32 = TensorType("bool", ())
I3 = TensorType("int32", (3,))
ERRORS = {
    "cond index dtype": ("cond", [TensorType("float32", ()), F32], {},
                         [_graph_of([F32], [F32]), _graph_of([F32], [F32])], DTypeError, "index must be int32"),
    "cond index rank": ("cond", [TensorType("int32", (1,)), F32], {},
                        [_graph_of([F32], [F32]), _graph_of([F32], [F32])], ShapeError, "must be a scalar"),
    "cond branch output dtype": ("cond", [I32, F32], {}, [_graph_of([F32], [F32]), _graph_of([F32], [I3])],
                                 DTypeError, "branch 1 outputs (int32[3]) do not match branch 0 outputs (float32[3])"),
    "cond branch output shape": ("cond", [I32, F32], {},
                                 [_graph_of([F32], [F32]), _graph_of([F32], [TensorType("float32", (4,))])],
                                 ShapeError, "value 0 is float32[4], expected float32[3]"),
    "cond branch output count": ("cond", [I32, F32], {}, [_graph_of([F32], [F32]), _graph_of([F32], [F32, F32])],
                                 ShapeError, "branch 1 outputs (float32[3], float32[3]) do not match branch 0 "
                                             "outputs (float32[3]): 2 values, expected 1"),
    "cond branch inputs": ("cond", [I32, F32], {}, [_graph_of([I3], [F32]), _graph_of([F32], [F32])],
                           DTypeError, "branch 0 inputs (int32[3]) do not match the operands (float32[3])"),
    "while predicate": ("while_loop", [F32], {}, [_graph_of([F32], [TensorType("float32", ())]),
                                                  _graph_of([F32], [F32])],
                        DTypeError, "cond region outputs (float32[]) do not match a bool scalar predicate"),
    "while body": ("while_loop", [F32], {}, [_graph_of([F32], [B32]), _graph_of([F32], [I3])],
                   DTypeError, "body region outputs (int32[3]) do not match the loop carry (float32[3])"),
    "while consts": ("while_loop", [F32], {"cond_nconsts": 2}, [_graph_of([F32], [B32]), _graph_of([F32], [F32])],
                     ShapeError, "do not fit 1 operands"),
    "while cond inputs": ("while_loop", [I32, F32], {"cond_nconsts": 1},
                          [_graph_of([F32], [B32]), _graph_of([F32], [F32])],
                          ShapeError, "cond region inputs (float32[3]) do not match (cond consts, loop carry)"),
    "scan leading dim": ("scan", [F32, TensorType("float32", (4, 3))], {"num_carry": 1, "length": (5,)},
                         [_graph_of([F32, F32], [F32])], ShapeError, "must have a leading dim equal to the length 5"),
    "scan carry out": ("scan", [F32], {"num_carry": 1, "length": (2,)}, [_graph_of([F32], [I3])],
                       DTypeError, "carry outputs (int32[3]) do not match the carry operands (float32[3])"),
    "scan too few outputs": ("scan", [F32], {"num_carry": 1, "length": (2,)}, [_graph_of([F32], [])],
                             ShapeError, "fewer than the 1 carried"),
    "scan body inputs": ("scan", [F32, TensorType("float32", (2, 4))], {"num_carry": 1, "length": (2,)},
                         [_graph_of([F32, F32], [F32])], ShapeError,
                         "body region inputs (float32[3], float32[3]) do not match (consts, carry, scanned slices)"),
    "scan counts": ("scan", [F32], {"num_consts": 1, "num_carry": 1, "length": (2,)}, [_graph_of([F32], [F32])],
                    ShapeError, "do not fit 1 operands"),
    "scan negative length": ("scan", [F32], {"num_carry": 1, "length": (-1,)}, [_graph_of([F32], [F32])],
                             ShapeError, "length -1 is negative"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_shape_rule_errors(name):
    prim, in_types, attrs, regions, error, message = ERRORS[name]
    p = PRIMITIVES[prim]
    full = {k: v.default for k, v in p.attrs.items()}
    full.update(attrs)
    with pytest.raises(error) as info:
        infer_types(p, in_types, full, op=f"ops.{prim}", regions=regions)
    assert message in str(info.value)
    assert f"prim '{prim}'" in str(info.value)


def test_region_count_is_checked():
    with pytest.raises(ShapeError, match="expected 2 regions, got 1"):
        infer_types(PRIMITIVES["cond"], [I32, F32], {}, regions=[_graph_of([F32], [F32])])


@pytest.mark.parametrize("prim", ["cond", "while_loop", "scan"])
def test_registry_entries(prim):
    p = PRIMITIVES[prim]
    assert "region" in p.tags and p.multiple_results and p.num_regions in (1, 2)


# --- printer, serialization, passes ---------------------------------------------------------------------------------

def test_printer_shows_regions_and_attributes():
    text = str(_while_graph())
    assert "while_loop(%0, %1, %2, %3, cond_nconsts=1, body_nconsts=1):" in text
    assert "    def cond(" in text and "    def body(" in text
    assert "return (%" in text.splitlines()[-1]
    text = str(_scan_graph(4, True))
    assert "scan(%0, %1, %2, %3, num_consts=1, num_carry=1, length=(4,), reverse=True):" in text


@pytest.mark.parametrize("name", ["cond", "while", "scan"])
def test_serialization_round_trip(name):
    graph = {"cond": lambda: _cond_graph(F32), "while": _while_graph, "scan": lambda: _scan_graph(3, True)}[name]()
    loaded = Graph.from_json(graph.to_json())
    assert str(loaded) == str(graph)
    assert [len(n.regions) for n in loaded.nodes if n.regions] == [len(n.regions) for n in graph.nodes if n.regions]
    args = {"cond": [np.int32(1), np.ones(3, np.float32), np.full(3, 2.0, np.float32)],
            "while": [np.int32(3), np.full(3, 0.5, np.float32), np.int32(0), np.ones(3, np.float32)],
            "scan": [np.ones(3, np.float32), np.zeros(3, np.float32), np.ones((3, 3), np.float32),
                     np.arange(3, dtype=np.int32)]}[name]
    for got, want in zip(run_graph("numpy", loaded, *args), run_graph("numpy", graph, *args)):
        assert_close(got, want)


def test_passes_clean_inside_regions():
    """optimize (fold, CSE, DCE, verify) recurses into the scan body: the duplicate exp and the dead node go."""
    def body(tr, c, x):
        e1, e2 = rec(tr, "exp", x), rec(tr, "exp", x)
        rec(tr, "cos", x)  # dead
        return [rec(tr, "add", c, rec(tr, "add", e1, e2)), e1]

    body_g = _region("body", [F32, F32], body)
    tr = Trace("main")
    c, xs = tr.new_input(F32), tr.new_input(TensorType("float32", (2, 3)))
    outs = rec(tr, "scan", c, xs, regions=(body_g,), num_carry=1, length=(2,))
    graph = finish(tr, *outs)
    passes.verify(graph)
    optimized = passes.optimize(graph, folding.evaluate_node)
    assert graph.prim_counts() == {"scan": 1, "exp": 2, "cos": 1, "add": 2}
    assert optimized.prim_counts() == {"scan": 1, "exp": 1, "add": 2}
    args = [np.ones(3, np.float32), random_array((2, 3), "float32")]
    for got, want in zip(run_graph("numpy", optimized, *args), run_graph("numpy", graph, *args)):
        assert_close(got, want, "float32")


def test_verify_rejects_an_edited_region():
    graph = _cond_graph(F32)
    graph.nodes[0].regions[1].outputs[0].type = TensorType("float64", (3,))
    with pytest.raises(HornetError, match="branch 1 outputs"):
        passes.verify(graph)
