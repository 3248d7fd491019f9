"""Python operators and array methods on symbolic tensors (hornet.api.ops.operators): each traced operator
records the same computation as its public op (same types, same values on every lowering)."""
from __future__ import annotations

import operator

import numpy as np
import pytest

from helpers import LOWERINGS, assert_close, run_graph
import hornet
from hornet import ops
from hornet.ir.errors import TracerError
from hornet.ir.tracer import SymbolicTensor

F = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], np.float32)
G = np.array([2.0, -0.5, 1.5], np.float32)
I = np.array([[3, -4, 5], [7, 0, -1]], np.int32)
J = np.array([1, 2, 3], np.int32)


def check_same(traced_fn, op_fn, *arrays) -> None:
    """``traced_fn`` (operators) traced on the arrays' types gives op_fn's eager result and types."""
    graph = hornet.trace(traced_fn, *arrays)
    want = op_fn(*arrays)
    wants = want if isinstance(want, (list, tuple)) else [want]
    for v, w in zip(graph.outputs, wants):
        assert str(v.type.dtype) == str(w.dtype) and tuple(v.type.shape) == tuple(w.shape), (v.type, w.dtype)
    for lowering in LOWERINGS:
        for got, w in zip(run_graph(lowering, graph, *arrays), wants):
            assert_close(got, np.asarray(w))


BINARY = {
    "add": (operator.add, ops.add), "sub": (operator.sub, ops.subtract), "mul": (operator.mul, ops.multiply),
    "truediv": (operator.truediv, ops.divide), "floordiv": (operator.floordiv, ops.floor_divide),
    "mod": (operator.mod, ops.mod), "pow": (operator.pow, ops.power),
    "lt": (operator.lt, ops.less), "le": (operator.le, ops.less_equal), "gt": (operator.gt, ops.greater),
    "ge": (operator.ge, ops.greater_equal), "eq": (operator.eq, ops.equal), "ne": (operator.ne, ops.not_equal),
}
BITWISE = {
    "and": (operator.and_, ops.bitwise_and), "or": (operator.or_, ops.bitwise_or),
    "xor": (operator.xor, ops.bitwise_xor), "lshift": (operator.lshift, ops.left_shift),
    "rshift": (operator.rshift, ops.right_shift),
}


@pytest.mark.parametrize("x,y", [(F, G), (I, J), (F, J)], ids=["float", "int", "mixed"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_operators(name: str, x, y) -> None:
    py, op = BINARY[name]
    if name == "pow" and y is J:
        x = np.abs(x)
    check_same(py, op, x, y)


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("scalar", [2, 1.5])
def test_scalars_both_sides(name: str, scalar) -> None:
    py, op = BINARY[name]
    x = np.abs(I) + 1 if name == "pow" else I
    check_same(lambda a: py(a, scalar), lambda a: op(a, scalar), x)
    check_same(lambda a: py(scalar, a), lambda a: op(scalar, a), x)


@pytest.mark.parametrize("name", sorted(BITWISE))
def test_bitwise_operators(name: str) -> None:
    py, op = BITWISE[name]
    shifts = np.array([0, 1, 2], np.int32)
    check_same(py, op, I, shifts)
    check_same(lambda a: py(a, 1), lambda a: op(a, 1), I)
    check_same(lambda a: py(3, a), lambda a: op(3, a), shifts)


def test_bool_operators() -> None:
    b, c = np.array([True, False, True]), np.array([False, False, True])
    for py, op in (BITWISE["and"], BITWISE["or"], BITWISE["xor"]):
        check_same(py, op, b, c)
    check_same(operator.invert, ops.logical_not, b)


def test_unary_operators() -> None:
    check_same(operator.neg, ops.negative, F)
    check_same(operator.abs, ops.abs, I)
    check_same(operator.invert, ops.bitwise_invert, I)
    check_same(lambda a: +a, lambda a: ops.convert_to_tensor(a), F)


def test_numpy_array_on_the_left_defers_to_the_tensor() -> None:
    check_same(lambda a: G + a, lambda a: ops.add(G, a), F)
    check_same(lambda a: G < a, lambda a: ops.less(G, a), F)
    check_same(lambda a: J - a, lambda a: ops.subtract(J, a), I)


def test_matmul_operator() -> None:
    m = np.arange(6, dtype=np.float32).reshape(3, 2)
    check_same(operator.matmul, ops.matmul, F, m)
    check_same(lambda a: m.T @ a.T, lambda a: ops.matmul(m.T, a.T), F)


def test_methods() -> None:
    check_same(lambda a: a.T, lambda a: ops.transpose(a), F)
    check_same(lambda a: a.astype("int32"), lambda a: ops.cast(a, "int32"), F)
    check_same(lambda a: a.reshape(3, 2), lambda a: ops.reshape(a, (3, 2)), F)
    check_same(lambda a: a.reshape((-1,)), lambda a: ops.reshape(a, (-1,)), F)
    check_same(lambda a: a[1], lambda a: ops.convert_to_tensor(a[1]), F)
    check_same(lambda a: a[:, 1:], lambda a: ops.convert_to_tensor(a[:, 1:]), F)
    check_same(lambda a: a.T, lambda a: ops.convert_to_tensor(a), G)


def test_equality_builds_tensors_and_hash_is_identity() -> None:
    def fn(a):
        eq = a == a
        assert isinstance(eq, SymbolicTensor) and eq.dtype == "bool"
        assert len({a, a, eq}) == 2 and {a: 1}[a] == 1
        return eq

    hornet.trace(fn, F)


def test_concrete_values_are_refused_while_tracing() -> None:
    def numpy_of(a):
        return a.numpy()

    with pytest.raises(TracerError, match="numpy"):
        hornet.trace(numpy_of, F)
    with pytest.raises(TracerError):
        hornet.trace(lambda a: bool(a > 0), F)


def test_unsupported_operand_returns_not_implemented() -> None:
    with pytest.raises(TypeError):
        hornet.trace(lambda a: a + "text", F)

    def compare_to_none(a):
        assert (a == None) is False and (a != None) is True  # noqa: E711  (Python's identity fallback)
        return a

    hornet.trace(compare_to_none, F)


def test_symbolic_batch_operators() -> None:
    graph = hornet.trace(lambda a: (2 * a + 1) ** 2 / (abs(a) + 1) - a // 3, hornet.TensorSpec((None, 3)))
    assert str(graph.output_types[0]) == "float32[batch,3]"
    x = np.random.default_rng(0).uniform(-3, 3, (4, 3)).astype(np.float32)
    want = (2 * x + 1) ** 2 / (np.abs(x) + 1) - x // 3
    for lowering in LOWERINGS:
        assert_close(run_graph(lowering, graph, x)[0], want)
