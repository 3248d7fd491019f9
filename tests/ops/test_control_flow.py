"""Public control-flow ops against keras.ops (JAX backend) and jax.lax: eager, traced and on every lowering;
pytrees, closures over traced tensors, nesting, symbolic batch dims, and the errors users see."""
from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "jax"  # keras is only the oracle here; set before it is imported

import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from jax import lax  # noqa: E402

import hornet  # noqa: E402
from helpers import LOWERINGS, assert_close, check_op, random_array, run_graph  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.api.ops import control_flow as cf  # noqa: E402
from hornet.ir import pytree  # noqa: E402
from hornet.ir.errors import DTypeError, HornetError, ShapeError  # noqa: E402
from hornet.ir.tracer import TensorSpec, trace_with_tree  # noqa: E402

KOPS = keras.ops
X = random_array((4, 3), "float32")
Y = random_array((3,), "float32", np.random.default_rng(1))


def _leaves(tree):
    return [np.asarray(x) for x in pytree.flatten(tree)[0]]


def _same(got, want, rtol=1e-5, atol=1e-6):
    """Compare two pytrees leaf by leaf (structure, shapes, values; float dtypes exactly). Integer dtypes are not
    compared: hornet runs JAX with 64-bit types enabled, so there the oracle turns Python ints into int64, while
    hornet (and Keras normally) keep int32."""
    g, gt = pytree.flatten(got)
    w, wt = pytree.flatten(want)
    assert gt == wt, (gt, wt)
    for a, b in zip(g, w):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype or (a.dtype.kind in "iu" and b.dtype.kind in "iu"), (a.dtype, b.dtype)
        assert_close(a, b, b.dtype, rtol=rtol, atol=atol)


# --- cond ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_closes_over_traced_tensors(sign):
    def fn(x, y):
        return cf.cond(ops.sum(x) * sign > 0, lambda: {"a": x * 2.0, "b": (ops.sum(y), y)},
                       lambda: {"a": x - y, "b": (ops.max(y), y * 0.0)})

    def kfn(x, y):
        return KOPS.cond(KOPS.sum(x) * sign > 0, lambda: {"a": x * 2.0, "b": (KOPS.sum(y), y)},
                         lambda: {"a": x - y, "b": (KOPS.max(y), y * 0.0)})

    out = check_op(fn, X, Y)
    _same(pytree.unflatten(pytree.flatten(fn(X, Y))[1], out), kfn(X, Y))


@pytest.mark.parametrize("pred", [True, False, 0, 3, np.float32(0.5)])
def test_cond_python_and_numeric_predicates(pred):
    got = cf.cond(pred, lambda: ops.ones((2,)), lambda: ops.zeros((2,)))
    _same(got, KOPS.cond(pred, lambda: KOPS.ones((2,)), lambda: KOPS.zeros((2,))))


def test_cond_records_one_node_with_captures():
    graph, _ = trace_with_tree(lambda x, y: cf.cond(ops.sum(x) > 0, lambda: x * 2.0, lambda: -y[None, :] + x),
                               [X, Y])
    (node,) = [n for n in graph.nodes if n.prim == "cond"]
    assert len(node.regions) == 2 and len(node.inputs) == 3  # index, x, y (the union of both branches' captures)
    assert all(len(r.inputs) == 2 for r in node.regions)


@pytest.mark.parametrize("branches, error, message", [
    ((lambda: ops.ones((3,)), lambda: ops.ones((3,), dtype="int32")), DTypeError,
     "true_fn outputs (int32[3]) do not match false_fn outputs (float32[3])"),
    ((lambda: ops.ones((3,)), lambda: ops.ones((4,))), ShapeError, "value 0 is float32[4], expected float32[3]"),
    ((lambda: ops.ones((3,)), lambda: (ops.ones((3,)), ops.ones((3,)))), HornetError, "true_fn output has structure"),
])
def test_cond_branch_mismatch_errors(branches, error, message):
    false_fn, true_fn = branches
    with pytest.raises(error) as info:
        cf.cond(True, true_fn, false_fn)
    assert message in str(info.value)
    with pytest.raises(error):
        trace_with_tree(lambda x: cf.cond(ops.sum(x) > 0, true_fn, false_fn), [X])


def test_loops_stay_inside_the_branch_that_guards_them():
    """A loop whose operands all come from outside a branch is still recorded inside it (not hoisted)."""
    def fn(n):
        return cf.cond(n > 0, lambda: cf.while_loop(lambda i: i < n, lambda i: i + 1, 0),
                       lambda: cf.scan(lambda c, _: (c - 1, None), n, length=2)[0])

    graph, _ = trace_with_tree(fn, [np.int32(3)])
    (node,) = graph.nodes[-1:]
    assert node.prim == "cond" and "while_loop" not in [n.prim for n in graph.nodes]
    assert [[n.prim for n in r.nodes] for r in node.regions] == [["scan"], ["while_loop"]]
    for n, want in ((3, 3), (-1, -3)):
        assert int(run_graph("numpy", graph, np.int32(n))[0]) == want == int(fn(np.int32(n)))


def test_cond_pred_must_be_scalar():
    with pytest.raises(ShapeError, match="cond: pred must be a scalar"):
        cf.cond(np.array([True, False]), lambda: 1.0, lambda: 2.0)


# --- switch --------------------------------------------------------------------------------------------------------

BRANCHES = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: ops.maximum(a, b),
            lambda a, b: a / (ops.abs(b) + 1.0)]
KBRANCHES = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: KOPS.maximum(a, b),
             lambda a, b: a / (KOPS.abs(b) + 1.0)]


@pytest.mark.parametrize("count", [1, 2, 3, 5])
@pytest.mark.parametrize("index", [-2, 0, 1, 2, 4, 9])
def test_switch(count, index):
    fn = lambda i, a, b: cf.switch(i, BRANCHES[:count], a, b)  # noqa: E731
    out = check_op(fn, np.int32(index), X, Y)
    assert_close(out, KOPS.switch(index, KBRANCHES[:count], X, Y), "float32")


def test_switch_pytree_operands_and_int64_index():
    branches = [lambda d: (d["x"] + 1.0, d["n"]), lambda d: (d["x"] * 2.0, d["n"] + 1)]
    ops_ = {"x": X, "n": np.int32(3)}
    got = cf.switch(np.int64(1), branches, ops_)
    _same(got, KOPS.switch(1, branches, ops_))
    graph, _ = trace_with_tree(lambda i, x: cf.switch(i, branches, {"x": x, "n": np.int32(3)}),
                               [np.int64(0), X])
    outs = run_graph("numpy", graph, np.int64(0), X)
    _same(tuple(outs), KOPS.switch(0, branches, ops_))


def test_switch_errors():
    with pytest.raises(DTypeError, match="switch: index must be an integer"):
        cf.switch(1.0, BRANCHES[:2], X, Y)
    with pytest.raises(HornetError, match="at least one branch"):
        cf.switch(0, [], X)


# --- while_loop and fori_loop --------------------------------------------------------------------------------------

def test_while_loop_forms():
    assert int(cf.while_loop(lambda i: i < 10, lambda i: i + 1, 0)) == 10
    # the oracle gets float32 explicitly: with JAX's 64-bit mode on (hornet enables it) a Python 1.0 is float64
    got = cf.while_loop(lambda x, y: x < 10, lambda x, y: (x + 1, y * 2.0), (0, 1.0))
    _same(got, KOPS.while_loop(lambda x, y: x < 10, lambda x, y: (x + 1, y * 2.0), (0, np.float32(1))))
    got = cf.while_loop(lambda x, y: x < 10, lambda x, y: [x + 1, y * 2.0], [0, 1.0], maximum_iterations=4)
    _same(got, KOPS.while_loop(lambda x, y: x < 10, lambda x, y: [x + 1, y * 2.0], [0, np.float32(1)],
                               maximum_iterations=4))
    assert isinstance(got, tuple)


def test_while_loop_traced_with_pytree_and_closure():
    def fn(x, limit):
        def body(state):
            return {"v": state["v"] * 0.5 + x, "k": state["k"] + 1}

        return cf.while_loop(lambda s: ops.logical_and(s["k"] < limit, ops.sum(s["v"]) < 100.0), body,
                             {"v": x, "k": 0}, maximum_iterations=7)

    def kfn(x, limit):
        def body(state):
            return {"v": state["v"] * 0.5 + x, "k": state["k"] + 1}

        return KOPS.while_loop(lambda s: jnp.logical_and(s["k"] < limit, jnp.sum(s["v"]) < 100.0), body,
                               {"v": x, "k": 0}, maximum_iterations=7)

    for limit in (0, 3, 20):
        out = check_op(fn, X, np.int32(limit))
        _same(pytree.unflatten(pytree.flatten(fn(X, np.int32(limit)))[1], out), kfn(X, np.int32(limit)))


def test_while_loop_body_type_errors():
    with pytest.raises(DTypeError, match=r"body region outputs \(float32\[\]\) do not match the loop carry "
                                         r"\(int32\[\]\)"):
        cf.while_loop(lambda i: i < 3, lambda i: ops.cast(i, "float32"), 0)
    with pytest.raises(HornetError, match="while_loop: body must return a tuple or list of 2 loop variables"):
        cf.while_loop(lambda i, j: i < 3, lambda i, j: i + 1, (0, 1))
    with pytest.raises(HornetError, match="while_loop: the body's result has structure"):
        cf.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1, (j, j)), (0, 1))
    with pytest.raises(ShapeError, match="while_loop: the cond function's result must be a scalar"):
        cf.while_loop(lambda x: x < 3.0, lambda x: x + 1.0, np.zeros(2, np.float32))


@pytest.mark.parametrize("lower, upper", [(0, 5), (2, 7), (3, 3), (5, 1), (-2, 2)])
def test_fori_loop_static_bounds_is_a_scan(lower, upper):
    body = lambda i, v: (v[0] * 1.5 + ops.cast(i, "float32"), v[1] + i)  # noqa: E731
    kbody = lambda i, v: (v[0] * 1.5 + i.astype("float32"), v[1] + i)  # noqa: E731
    fn = lambda x: cf.fori_loop(lower, upper, body, (x, 0))  # noqa: E731
    out = check_op(fn, Y)
    _same(tuple(out), KOPS.fori_loop(lower, upper, kbody, (Y, 0)))
    graph, _ = trace_with_tree(fn, [Y])
    assert graph.prim_counts().get("scan") == 1 and "while_loop" not in graph.prim_counts()


@pytest.mark.parametrize("lower, upper", [(0, 5), (4, 2)])
def test_fori_loop_tensor_bounds_is_a_while_loop(lower, upper):
    fn = lambda lo, hi, x: cf.fori_loop(lo, hi, lambda i, v: v * 2.0 + ops.cast(i, "float32"), x)  # noqa: E731
    out = check_op(fn, np.int32(lower), np.int32(upper), Y)
    want = KOPS.fori_loop(jnp.int32(lower), jnp.int32(upper), lambda i, v: v * 2.0 + i.astype("float32"), Y)
    assert_close(out, want, "float32")
    graph, _ = trace_with_tree(fn, [np.int32(lower), np.int32(upper), Y])
    assert graph.prim_counts().get("while_loop") == 1


# --- scan, map ------------------------------------------------------------------------------------------------------

def _cell(carry, x):
    h, n = carry
    h = ops.tanh(h * x["w"] + x["u"])
    return (h, n + 1), {"h": h, "s": ops.sum(h)}


def _kcell(carry, x):
    h, n = carry
    h = jnp.tanh(h * x["w"] + x["u"])
    return (h, n + 1), {"h": h, "s": jnp.sum(h)}


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_pytrees(reverse):
    u = random_array((5, 3), "float32", np.random.default_rng(2))

    def fn(h, w, u):
        return cf.scan(_cell, (h, 0), {"w": w, "u": u}, reverse=reverse)

    w = random_array((5, 3), "float32", np.random.default_rng(3))
    out = check_op(fn, Y, w, u)
    _same(pytree.unflatten(pytree.flatten(fn(Y, w, u))[1], out),
          KOPS.scan(_kcell, (Y, 0), {"w": w, "u": u}, reverse=reverse))


def test_scan_closure_consts_and_no_xs():
    def fn(x, w):
        return cf.scan(lambda c, _: (c * w + 1.0, None), x, None, length=4)

    (out,) = check_op(fn, Y, Y[::-1].copy())
    want, ys = KOPS.scan(lambda c, _: (c * Y[::-1] + 1.0, None), Y, None, length=4)
    assert ys is None and cf.scan(lambda c, _: (c, None), Y, length=2)[1] is None
    assert_close(out, want, "float32")
    graph, _ = trace_with_tree(fn, [Y, Y])
    (node,) = [n for n in graph.nodes if n.prim == "scan"]
    assert node.attrs["num_consts"] == 1 and node.attrs["num_carry"] == 1


@pytest.mark.parametrize("length", [0, 1, 3])
def test_scan_lengths(length):
    xs = random_array((length, 2), "float32")
    got = cf.scan(lambda c, x: (c + x, c * x), np.zeros(2, np.float32), xs)
    _same(got, KOPS.scan(lambda c, x: (c + x, c * x), np.zeros(2, np.float32), xs))


def test_scan_errors():
    with pytest.raises(HornetError, match="scan: f must return a pair"):
        cf.scan(lambda c, x: c + x, 0.0, X)
    with pytest.raises(HornetError, match="scan: the new carry has structure"):
        cf.scan(lambda c, x: ((c, c), x), 0.0, X)
    with pytest.raises(ShapeError, match="xs leaf 1 .* has leading dim 3, expected 4"):
        cf.scan(lambda c, x: (c, x), 0.0, (X, Y))
    with pytest.raises(HornetError, match="pass `length`"):
        cf.scan(lambda c, x: (c, x), 0.0)
    with pytest.raises(ValueError, match="unroll"):
        cf.scan(lambda c, x: (c, x), 0.0, X, unroll=0)
    with pytest.raises(DTypeError, match=r"carry outputs \(float32\[3\]\) do not match the carry operands "
                                         r"\(int32\[3\]\)"):
        cf.scan(lambda c, x: (x, x), np.zeros(3, np.int32), X)


def test_map_pytrees():
    fn = lambda x, y: cf.map(lambda t: {"p": t[0] * t[1], "q": ops.sum(t[0])}, (x, y))  # noqa: E731
    y = random_array((4, 3), "float32", np.random.default_rng(5))
    out = check_op(fn, X, y)
    _same(pytree.unflatten(pytree.flatten(fn(X, y))[1], out),
          KOPS.map(lambda t: {"p": t[0] * t[1], "q": jnp.sum(t[0])}, (X, y)))


# --- associative_scan -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 5, 6])
@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_sum(n, reverse):
    x = random_array((n, 3), "int32")
    out = check_op(lambda a: cf.associative_scan(lambda p, q: p + q, a, reverse=reverse), x)
    assert_close(out, KOPS.associative_scan(lambda p, q: p + q, x, reverse=reverse))


@pytest.mark.parametrize("axis", [1, -1])
def test_associative_scan_pytree_linear_recurrence(axis):
    """(a, b) pairs composing affine maps x -> a x + b: a non-commutative associative operator."""
    a = random_array((2, 5), "float32", low=0.5, high=1.5)
    b = random_array((2, 5), "float32", np.random.default_rng(9))
    op = lambda l, r: (l[0] * r[0], r[0] * l[1] + r[1])  # noqa: E731
    out = check_op(lambda a, b: cf.associative_scan(op, (a, b), axis=axis), a, b)
    _same(tuple(out), KOPS.associative_scan(op, (a, b), axis=axis))


def test_associative_scan_needs_static_size():
    with pytest.raises(ShapeError, match="same static size along axis 0"):
        trace_with_tree(lambda x: cf.associative_scan(lambda p, q: p + q, x), [TensorSpec((None, 3))])


# --- nesting, symbolic batch, export ---------------------------------------------------------------------------------

def test_cond_inside_scan_body_with_closure():
    def fn(x, y):
        def body(c, xi):
            c = cf.cond(ops.sum(xi) > 0, lambda: c * xi, lambda: ops.sin(c) + y)
            return c, ops.sum(c)

        return cf.scan(body, y, x)

    def jfn(x, y):
        def body(c, xi):
            c = lax.cond(jnp.sum(xi) > 0, lambda: c * xi, lambda: jnp.sin(c) + y)
            return c, jnp.sum(c)

        return lax.scan(body, y, x)

    out = check_op(fn, X, Y)
    _same(tuple(out), jfn(X, Y))
    graph, _ = trace_with_tree(fn, [X, Y])
    (scan_node,) = [n for n in graph.nodes if n.prim == "scan"]
    assert any(n.prim == "cond" for n in scan_node.regions[0].nodes)
    assert str(hornet.ir.Graph.from_json(graph.to_json())) == str(graph)


def test_symbolic_batch_through_jit_and_export():
    def step(h, xs, w):
        def body(c, x):
            c = ops.tanh(ops.matmul(c, w) + x)
            return c, cf.cond(ops.sum(c) > 0, lambda: ops.sum(c, axis=1), lambda: ops.mean(c, axis=1))

        return cf.scan(body, h, xs)

    f = hornet.jit(step)
    lowered = f.lower(TensorSpec((None, 3)), TensorSpec((4, 1, 3)), TensorSpec((3, 3)))
    assert [str(t) for t in lowered.graph.output_types] == ["float32[batch,3]", "float32[4,batch]"]
    exported = lowered.exported
    w = random_array((3, 3), "float32", low=-0.5, high=0.5)
    xs = random_array((4, 1, 3), "float32")
    for batch in (1, 2, 5):
        h = random_array((batch, 3), "float32", np.random.default_rng(batch))
        want = f(h, xs, w)
        got = exported.call(h, xs, w)
        for a, b in zip(got, want):
            assert_close(np.asarray(a), np.asarray(b), "float32")
        for lowering in LOWERINGS:
            for a, b in zip(run_graph(lowering, lowered.graph, h, xs, w), want):
                assert_close(a, np.asarray(b), "float32")


def test_eager_on_the_numpy_backend():
    from hornet.runtime.backend import using_backend

    with using_backend("numpy"):
        carry, ys = cf.scan(lambda c, x: (c + x, c), np.float32(0), np.arange(4, dtype=np.float32))
        assert isinstance(carry, np.ndarray) and float(carry) == 6.0 and ys.tolist() == [0, 0, 1, 3]
        assert int(cf.while_loop(lambda i: i < 5, lambda i: i + 2, 0)) == 6
        assert float(cf.cond(False, lambda: np.float32(1), lambda: np.float32(2))) == 2.0
        assert cf.switch(7, BRANCHES[:3], X, Y).shape == (4, 3)
