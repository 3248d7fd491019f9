"""verify, dce, cse, fold_constants and optimize: the numbers before and after a pass agree (NumPy reference),
passes never mutate their input, and verify names the node for each kind of corruption."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

from graph_samples import (REGION_PRIM, bcast, finish, mlp_args, mlp_graph, rec, redundant_graph, region_body,
                           region_graph, region_prim)  # noqa: F401  (region_prim is a fixture)
from helpers import assert_close
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph, Node, Value
from hornet.ir.passes import copy_graph, cse, dce, fold_constants, optimize, verify
from hornet.ir.tracer import Trace
from hornet.ir.types import TensorType
from hornet.lowering import numpy as reference
from hornet.lowering.numpy import folding

X3 = np.array([0.5, -1.0, 2.0], np.float32)


def numpy_fold(graph: Graph) -> Graph:
    return folding.fold_constants(graph)


PASSES: dict[str, Callable[[Graph], Graph]] = {"dce": dce, "cse": cse, "fold": numpy_fold, "copy": copy_graph,
                                               "optimize": lambda g: optimize(g, folding.evaluate_node)}


def assert_same_results(before: Graph, after: Graph, *args: np.ndarray) -> None:
    want = reference.run(before, *args)
    got = reference.run(after, *args)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        assert_close(g, w, w.dtype)


# ----------------------------------------------------------------------------------------------- all passes

@pytest.mark.parametrize("name", sorted(PASSES))
@pytest.mark.parametrize("sample", ["mlp", "redundant"])
def test_pass_preserves_results_and_input(name, sample):
    graph, args = (mlp_graph(), mlp_args()) if sample == "mlp" else (redundant_graph(), [X3])
    text, n_nodes = str(graph), len(graph.nodes)
    out = PASSES[name](graph)
    assert out is not graph
    assert str(graph) == text and len(graph.nodes) == n_nodes, "the pass mutated its input"
    assert not set(out.nodes) & set(graph.nodes), "result shares nodes with the input"
    verify(out)
    assert out.output_types == graph.output_types
    assert out.name == graph.name and out.metadata == graph.metadata
    assert [v.name for v in out.inputs] == [v.name for v in graph.inputs]
    assert_same_results(graph, out, *args)


def test_copy_graph_prints_identically():
    g = mlp_graph()
    assert str(copy_graph(g)) == str(g)


# ----------------------------------------------------------------------------------------------- dce / cse

def test_dce_removes_dead_nodes_and_constants():
    g = redundant_graph()
    out = dce(g)
    before, after = g.prim_counts(), out.prim_counts()
    assert "log" in before and "log" not in after
    assert "sin" not in after and "neg" not in after
    assert after["exp"] == 2 and after["add"] == 3  # live duplicates are CSE's job
    assert len(out.constants) == 2 and len(g.constants) == 3  # the unused [9.0] is dropped
    assert dce(out).prim_counts() == after  # idempotent


def test_dce_keeps_unused_inputs_and_output_only_graphs():
    tr = Trace("f")
    x = tr.new_input(TensorType("float32", (2,)))
    tr.new_input(TensorType("int32", ()))
    rec(tr, "exp", x)
    out = dce(finish(tr, x))
    assert len(out.inputs) == 2 and out.nodes == [] and out.outputs == [out.inputs[0]]


def test_cse_merges_nodes_and_constants():
    g = redundant_graph()
    out = cse(g)
    assert out.prim_counts()["exp"] == 1
    keys = [(a.dtype.str, a.shape, a.tobytes()) for a in out.constants.values()]
    assert len(keys) == len(set(keys)) == 2  # [1,2,3] twice -> once; [9.0] stays (dce drops it)
    adds = [n for n in out.nodes if n.prim == "add"]
    assert len(adds) == 3 and adds[1].inputs[0] is adds[1].inputs[1]  # exp(x) + exp(x) reads one value
    assert_same_results(g, out, X3)


@pytest.mark.parametrize("a, b, merged", [
    (np.float32(0.0), np.float32(-0.0), False),  # equal values, different bits
    (np.float32(1.0), np.float64(1.0), False),  # different dtype
    (np.zeros((2, 3), np.int32), np.zeros((3, 2), np.int32), False),  # different shape
    (np.array(np.nan, np.float32), np.array(np.nan, np.float32), True),  # same NaN bits
    (np.array([1, 2], np.int64), np.array([1, 2], np.int64), True),
])
def test_cse_compares_constants_bitwise(a, b, merged):
    g = Graph(name="consts")
    va, vb = Value(TensorType(a.dtype, np.shape(a))), Value(TensorType(b.dtype, np.shape(b)))
    g.constants = {va: np.asarray(a), vb: np.asarray(b)}
    g.outputs = [va, vb]
    out = cse(g)
    assert (len(out.constants) == 1) is merged
    assert (out.outputs[0] is out.outputs[1]) is merged


def test_cse_distinguishes_attributes():
    tr = Trace("f")
    x = tr.new_input(TensorType("float32", (2, 3)))
    s0 = rec(tr, "reduce_sum", x, axes=(0,))
    s0b = rec(tr, "reduce_sum", x, axes=(0,))
    s1 = rec(tr, "reduce_sum", x, axes=(1,))
    out = cse(finish(tr, s0, s0b, s1))
    assert out.prim_counts() == {"reduce_sum": 2}
    assert out.outputs[0] is out.outputs[1] and out.outputs[2] is not out.outputs[0]


# ----------------------------------------------------------------------------------------------- folding

def test_fold_replaces_constant_chains():
    g = redundant_graph()
    out = dce(numpy_fold(g))
    assert "mul" in out.prim_counts()  # exp(x) * exp(x) is not constant
    consts = {tuple(a.reshape(-1).tolist()) for a in out.constants.values()}
    assert (2.0, 8.0, 18.0) in consts  # c * (c + c) with c = [1, 2, 3]
    assert_same_results(g, out, X3)


def test_fold_through_shape_prims_and_reductions():
    tr = Trace("f")
    x = tr.new_input(TensorType("float32", (2, 3)))
    c = np.arange(6, dtype=np.float32)
    t = rec(tr, "transpose", rec(tr, "reshape", c, new_sizes=(3, 2)), permutation=(1, 0))
    s = rec(tr, "reduce_sum", rec(tr, "exp", t), axes=(0, 1))
    y = rec(tr, "mul", x, bcast(tr, s, (2, 3), ()))
    g = finish(tr, y)
    out = optimize(g, folding.evaluate_node)
    assert out.prim_counts() == {"mul": 1}  # the small broadcast folds too
    (folded,) = out.constants.values()
    assert folded.shape == (2, 3) and folded.dtype == np.float32
    assert_close(folded, np.full((2, 3), np.exp(c).sum(dtype=np.float32)), "float32")
    assert_same_results(g, out, np.ones((2, 3), np.float32))


@pytest.mark.parametrize("shape, folded", [((4, 4), True), ((40, 40), False), ((400, 400), False)])
def test_fold_size_limits(shape, folded):
    """Broadcasting a scalar constant is folded only while small; the output limit is 1e5 elements."""
    tr = Trace("f")
    y = bcast(tr, np.float32(2.0), shape, ())
    g = finish(tr, rec(tr, "exp", y))
    out = dce(numpy_fold(g))
    assert (out.nodes == []) is folded
    assert_same_results(g, out)


@pytest.mark.parametrize("size, limit, folded", [(50, 10, False), (50, 50, True), (100_000, None, True),
                                                 (100_001, None, False)])
def test_fold_max_elements(size, limit, folded):
    tr = Trace("f")
    g = finish(tr, rec(tr, "neg", np.ones((size,), np.float32)))
    kwargs = {} if limit is None else {"max_elements": limit}
    out = dce(folding.fold_constants(g, **kwargs))
    assert out.prim_counts() == ({} if folded else {"neg": 1})


def test_fold_skips_inputless_and_symbolic_nodes():
    tr = Trace("f")
    x = tr.new_input(TensorType("float32", ("batch",)))
    i = rec(tr, "iota", dtype="float32", shape=(8,), dimension=0)
    b = bcast(tr, np.float32(1.0), ("batch",), ())
    g = finish(tr, rec(tr, "add", x, b), i)
    assert numpy_fold(g).prim_counts() == g.prim_counts()


def test_fold_skips_hints_and_respects_declines():
    tr = Trace("f")
    c = np.ones((2,), np.float32)
    g = finish(tr, rec(tr, "sharding_constraint", c, spec=(None,)), rec(tr, "exp", c))
    assert numpy_fold(g).prim_counts() == {"sharding_constraint": 1}
    assert fold_constants(g, lambda node, arrays: None).prim_counts() == g.prim_counts()


def test_fold_rejects_evaluator_with_wrong_types():
    tr = Trace("f")
    g = finish(tr, rec(tr, "exp", np.ones((2,), np.float32)))
    with pytest.raises(HornetError, match=r"prim 'exp'.*float64.*float32\[2\]"):
        fold_constants(g, lambda node, arrays: [np.ones((2,), np.float64)])
    with pytest.raises(HornetError, match="2 results, expected 1"):
        fold_constants(g, lambda node, arrays: [arrays[0], arrays[0]])


def test_fold_multiple_results_and_composites():
    tr = Trace("f")
    c = np.array([[3.0, 1.0, 2.0]], np.float32)
    vals, idx = rec(tr, "top_k", c, k=2)
    sm = rec(tr, "softmax", c, axes=(1,))
    g = finish(tr, vals, idx, sm)
    out = dce(numpy_fold(g))
    assert out.nodes == []
    assert_same_results(g, out)


def test_optimize_without_evaluator_keeps_constant_nodes():
    g = redundant_graph()
    out = optimize(g)
    assert out.prim_counts() == {"exp": 1, "add": 3, "mul": 2, "reduce_sum": 1}
    assert_same_results(g, out, X3)


# ----------------------------------------------------------------------------------------------- regions

def test_passes_recurse_into_regions(region_prim):
    g = region_graph()
    verify(g)
    x = X3
    for name in ("dce", "cse", "optimize"):
        out = PASSES[name](g)
        verify(out)
        assert_same_results(g, out, x)
    body = optimize(g).nodes[0].regions[0]
    assert body.prim_counts() == {"exp": 1, "add": 1}
    assert g.nodes[0].regions[0].prim_counts() == {"exp": 2, "cos": 1, "add": 1}  # input untouched


def test_cse_merges_nodes_with_equal_regions(region_prim):
    tr = Trace("main")
    x = tr.new_input(TensorType("float32", (3,)))
    (a,) = rec(tr, REGION_PRIM, x, regions=(region_body(),))
    (b,) = rec(tr, REGION_PRIM, x, regions=(region_body(),))
    (c,) = rec(tr, REGION_PRIM, x, regions=(region_body(duplicate=False),))
    g = finish(tr, a, b, c)
    out = cse(g)
    # a and b merge; c's body equals theirs once CSE has merged their inner duplicate exp
    assert len(out.nodes) == 1
    assert_same_results(g, out, X3)


def test_fold_inside_regions(region_prim):
    tr = Trace("body")
    x = tr.new_input(TensorType("float32", (3,)))
    k = rec(tr, "exp", np.zeros((3,), np.float32))
    body = finish(tr, rec(tr, "add", x, k))
    g = region_graph(body)
    out = dce(numpy_fold(g))
    assert out.nodes[0].regions[0].prim_counts() == {"add": 1}
    assert_same_results(g, out, X3)


# ----------------------------------------------------------------------------------------------- verify

def _first(g: Graph, prim: str) -> tuple[int, Node]:
    return next((i, n) for i, n in enumerate(g.nodes) if n.prim == prim)


def corrupt_undefined_input(g: Graph) -> None:
    _, n = _first(g, "add")
    n.inputs = (Value(n.inputs[0].type), n.inputs[1])


def corrupt_use_before_definition(g: Graph) -> None:
    i, n = _first(g, "dot_general")
    g.nodes.insert(0, g.nodes.pop(i + 2))  # the add, ahead of its operands


def corrupt_unknown_prim(g: Graph) -> None:
    _first(g, "exp")[1].prim = "expo"


def corrupt_unknown_attr(g: Graph) -> None:
    _first(g, "reduce_sum")[1].attrs["keepdims"] = True


def corrupt_missing_attr(g: Graph) -> None:
    del _first(g, "dot_general")[1].attrs["rhs_contracting"]


def corrupt_noncanonical_attr(g: Graph) -> None:
    _first(g, "reduce_sum")[1].attrs["axes"] = [1]  # a list, not the canonical tuple


def corrupt_invalid_attr(g: Graph) -> None:
    _first(g, "reduce_sum")[1].attrs["axes"] = ("one",)


def corrupt_output_type(g: Graph) -> None:
    n = _first(g, "exp")[1]
    n.outputs = (Value(TensorType("float16", ("batch", 3)), n),)
    _first(g, "reduce_sum")[1].inputs = n.outputs


def corrupt_wrong_input_type(g: Graph) -> None:
    n = _first(g, "exp")[1]
    n.inputs = (g.inputs[1],)  # float32[4,3]: exp infers [4,3], recorded [batch,3]


def corrupt_defined_twice(g: Graph) -> None:
    n = _first(g, "exp")[1]
    n.outputs = n.inputs  # the add's result (same type), defined again


def corrupt_duplicate_output(g: Graph) -> None:
    _, a = _first(g, "dot_general")
    _, b = _first(g, "add")
    b.outputs = a.outputs


def corrupt_producer(g: Graph) -> None:
    _first(g, "exp")[1].outputs[0].producer = g.nodes[0]


def corrupt_constant_dtype(g: Graph) -> None:
    (v,) = g.constants
    g.constants[v] = g.constants[v].astype(np.float64)


def corrupt_constant_shape(g: Graph) -> None:
    (v,) = g.constants
    g.constants[v] = g.constants[v].reshape(3, 1)


def corrupt_constant_not_array(g: Graph) -> None:
    (v,) = g.constants
    g.constants[v] = [0.5, -1.0, 0.25]


def corrupt_undefined_output(g: Graph) -> None:
    g.outputs = [Value(TensorType("float32", ("batch",)))]


def corrupt_wrong_input_count(g: Graph) -> None:
    n = _first(g, "exp")[1]
    n.inputs = n.inputs * 2


CORRUPTIONS = {
    "undefined input": (corrupt_undefined_input, r"node 2 \(prim 'add', op 'add'\): input 0 .* not defined"),
    "use before definition": (corrupt_use_before_definition, r"node 0 \(prim 'add'.*input 0 .*not defined"),
    "unknown prim": (corrupt_unknown_prim, r"node 3 \(prim 'expo', op 'exp'\): unknown prim 'expo'"),
    "unknown attribute": (corrupt_unknown_attr, r"node 4 \(prim 'reduce_sum'.*unknown attribute.*keepdims"),
    "missing attribute": (corrupt_missing_attr, r"node 0 \(prim 'dot_general'.*missing.*rhs_contracting"),
    "non-canonical attribute": (corrupt_noncanonical_attr, r"node 4 .*not canonical.*axes=\[1\]"),
    "invalid attribute": (corrupt_invalid_attr, r"node 4 \(prim 'reduce_sum'.*axes=\('one',\) is invalid"),
    "output type": (corrupt_output_type, r"node 3 \(prim 'exp'.*recorded.*float16\[batch,3\].*float32\[batch,3\]"),
    "input type": (corrupt_wrong_input_type, r"node 3 \(prim 'exp'.*recorded.*\[batch,3\].*inferred.*\[4,3\]"),
    "input count": (corrupt_wrong_input_count, r"node 3 \(prim 'exp'.*expected 1 inputs, got 2"),
    "defined twice": (corrupt_defined_twice, r"node 3 \(prim 'exp'.*output 0 .* defined twice"),
    "duplicate outputs": (corrupt_duplicate_output, r"node 2 \(prim 'add'.*defined twice"),
    "wrong producer": (corrupt_producer, r"node 3 \(prim 'exp'.*another node as its producer"),
    "constant dtype": (corrupt_constant_dtype, r"constant .*dtype float64 .*its type is float32\[3\]"),
    "constant shape": (corrupt_constant_shape, r"constant .*shape \(3, 1\).*its type is float32\[3\]"),
    "constant not an array": (corrupt_constant_not_array, r"constant .*holds a list, not a NumPy array"),
    "undefined graph output": (corrupt_undefined_output, r"graph 'main': output 0 .*not defined"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_verify_catches(name):
    corrupt, pattern = CORRUPTIONS[name]
    g = mlp_graph()
    verify(g)
    corrupt(g)
    with pytest.raises(HornetError, match=pattern):
        verify(g)


def test_verify_node_indices_match_the_graph():
    g = mlp_graph()
    assert [n.prim for n in g.nodes] == ["dot_general", "broadcast_in_dim", "add", "exp", "reduce_sum"]


def test_verify_regions_are_closed(region_prim):
    outer = Trace("main")
    x = outer.new_input(TensorType("float32", (3,)))
    inner = Trace("leaky")
    y = inner.new_input(TensorType("float32", (3,)))
    body = finish(inner, rec(inner, "add", y, y))
    body.nodes[0].inputs = (body.inputs[0], x.value)  # the outer graph's input, used inside the region
    (z,) = rec(outer, REGION_PRIM, x, regions=(body,))
    g = finish(outer, z)
    with pytest.raises(HornetError, match=r"node 0 \(prim 'test_call'\), region 0 'leaky': node 0 "
                                          r"\(prim 'add'\): input 1 .*not defined"):
        verify(g)


@pytest.mark.parametrize("count", [0, 2])
def test_verify_region_count(region_prim, count):
    g = region_graph()
    g.nodes[0].regions = (g.nodes[0].regions * 2)[:count]
    with pytest.raises(HornetError, match=f"expected 1 regions, got {count}"):
        verify(g)


def test_verify_rejects_regions_on_plain_prims():
    g = mlp_graph()
    g.nodes[3].regions = (Graph(),)
    with pytest.raises(HornetError, match=r"node 3 \(prim 'exp'.*takes no regions"):
        verify(g)


def test_verify_checks_inside_regions(region_prim):
    body = region_body()
    body.nodes[0].prim = "nope"
    with pytest.raises(HornetError, match=r"region 0 'body': node 0 \(prim 'nope'\): unknown prim"):
        verify(region_graph(body))
