"""Creation ops (hornet.api.ops.creation): values and dtypes against NumPy, eager results as backend arrays,
tensor-taking ops traced on each lowering (with symbolic dims kept)."""
from __future__ import annotations

import jax
import numpy as np
import pytest

from helpers import LOWERINGS, assert_close, check_op, run_graph
import hornet
from hornet import ops
from hornet.ir.errors import ShapeError


def eager(result, expected, dtype=None) -> None:
    """An eager creation result: a JAX array with the expected values and dtype."""
    assert isinstance(result, jax.Array), type(result)
    expected = np.asarray(expected, dtype=dtype)
    assert result.dtype == expected.dtype, f"{result.dtype} != {expected.dtype}"
    assert_close(np.asarray(result), expected)


@pytest.mark.parametrize("dtype", [None, "int32", "bool", "float16", "bfloat16"])
def test_fills(dtype) -> None:
    want = "float32" if dtype is None else hornet.ir.dtype(dtype).np
    eager(ops.zeros((2, 3), dtype), np.zeros((2, 3)), want)
    eager(ops.ones(4, dtype), np.ones(4), want)
    eager(ops.empty((0, 2), dtype), np.zeros((0, 2)), want)
    eager(ops.full((3,), 1, dtype), np.full(3, 1), want)


def test_full_fill_values() -> None:
    eager(ops.full((2,), 7), np.full(2, 7.0), "float32")  # Keras: float32 unless dtype is given
    eager(ops.full((2, 2), [1, 2], "int32"), [[1, 2], [1, 2]], "int32")
    eager(ops.full((), 2.5, "float16"), 2.5, "float16")
    with pytest.raises(ShapeError):
        ops.full((2, 3), np.ones(2))


@pytest.mark.parametrize("name,value", [("zeros_like", 0), ("ones_like", 1), ("empty_like", 0)])
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool", "bfloat16"])
def test_like(name: str, value: int, dtype: str) -> None:
    x = np.ones((2, 3), hornet.ir.dtype(dtype).np)
    got = check_op(getattr(ops, name), x, expected=np.full((2, 3), value, x.dtype))
    assert got.dtype == x.dtype
    got = check_op(lambda a: getattr(ops, name)(a, dtype="int8"), x, expected=np.full((2, 3), value, np.int8))


def test_full_like() -> None:
    x = np.ones((2, 3), np.int8)
    check_op(lambda a: ops.full_like(a, 2.7), x, expected=np.full((2, 3), 2, np.int8))
    check_op(lambda a: ops.full_like(a, 2.5, "float32"), x, expected=np.full((2, 3), 2.5, np.float32))
    check_op(lambda a, v: ops.full_like(a, v), x, np.array([1, 2, 3], np.int8), expected=np.tile([1, 2, 3], (2, 1)))


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "full_like", "tril", "triu", "imag"])
def test_like_keeps_symbolic_dims(name: str) -> None:
    fn = (lambda x: ops.full_like(x, 3.0)) if name == "full_like" else getattr(ops, name)
    graph = hornet.trace(fn, hornet.TensorSpec((None, 3)))
    assert str(graph.output_types[0]) == "float32[batch,3]"
    for batch in (2, 5):
        x = np.arange(batch * 3, dtype=np.float32).reshape(batch, 3)
        for lowering in LOWERINGS:
            assert_close(run_graph(lowering, graph, x)[0], np.asarray(fn(x)))


@pytest.mark.parametrize("args,kwargs", [((5,), {}), ((1, 7, 2), {}), ((2.0, 3.1, 0.25), {}), ((0, 1, 0.1), {}),
                                         ((5, 1, -1), {}), ((3,), {"dtype": "float16"}), ((0, 10, 3), {"dtype": "int8"}),
                                         ((4, 2), {}), ((np.float32(1), 4), {})])
def test_arange(args, kwargs) -> None:
    want = np.arange(*args, **kwargs)
    if "dtype" not in kwargs:  # Keras defaults: int32 for Python ints, float32 when any float is involved
        want = want.astype(np.float32 if want.dtype.kind == "f" else np.int32)
    eager(ops.arange(*args, **kwargs), want, want.dtype)


@pytest.mark.parametrize("kwargs", [{}, {"num": 5}, {"num": 5, "endpoint": False}, {"num": 1}, {"num": 0},
                                    {"num": 4, "dtype": "int32"}, {"num": 3, "dtype": "float16"}])
def test_linspace(kwargs) -> None:
    want = np.linspace(-1.0, 3.0, **kwargs)
    dtype = kwargs.get("dtype", "float32")
    eager(ops.linspace(-1, 3, **kwargs), want.astype(dtype), dtype)


def test_linspace_retstep_and_array_endpoints() -> None:
    out, step = ops.linspace(0, 1, 5, retstep=True)
    eager(out, np.linspace(0, 1, 5), "float32")
    assert float(step) == 0.25
    start, stop = np.array([0.0, 1.0], np.float32), np.array([[3.0], [5.0]], np.float32)
    for axis in (0, 1, -1):
        check_op(lambda a, b: ops.linspace(a, b, 4, axis=axis), start, stop,
                 expected=np.linspace(start, stop, 4, axis=axis).astype(np.float32))


def test_linspace_symbolic_start() -> None:
    graph = hornet.trace(lambda s: ops.linspace(s, 1.0, 3, axis=-1), hornet.TensorSpec((None,)))
    assert str(graph.output_types[0]) == "float32[batch,3]"
    s = np.array([0.0, -1.0], np.float32)
    assert_close(run_graph("jax", graph, s)[0], np.linspace(s, 1.0, 3, axis=-1).astype(np.float32))


@pytest.mark.parametrize("kwargs", [{}, {"num": 4}, {"num": 4, "endpoint": False}, {"num": 3, "base": 2.0}])
def test_logspace(kwargs) -> None:
    eager(ops.logspace(0, 2, **kwargs), np.logspace(0, 2, **kwargs), "float32")


@pytest.mark.parametrize("start,stop,kwargs", [(1, 1000, {"num": 4}), (-1, -100, {"num": 3}), (2, 0.5, {}),
                                               (1, 16, {"num": 4, "endpoint": False})])
def test_geomspace(start, stop, kwargs) -> None:
    got = ops.geomspace(start, stop, **kwargs)
    eager(got, np.geomspace(start, stop, **kwargs), "float32")
    assert float(got[0]) == start


@pytest.mark.parametrize("n,m,k", [(3, None, 0), (3, 4, 1), (4, 2, -1), (2, 3, 5)])
@pytest.mark.parametrize("dtype", [None, "int32", "bool"])
def test_eye_tri(n, m, k, dtype) -> None:
    want = "float32" if dtype is None else dtype
    eager(ops.eye(n, m, k, dtype), np.eye(n, m, k), want)
    eager(ops.tri(n, m, k, dtype), np.tri(n, m, k), want)
    eager(ops.identity(n, dtype), np.identity(n), want)


@pytest.mark.parametrize("k", [-1, 0, 2])
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_tril_triu(k: int, dtype: str) -> None:
    x = (np.arange(2 * 3 * 4).reshape(2, 3, 4) % 5).astype(dtype)
    assert check_op(lambda a: ops.tril(a, k), x, expected=np.tril(x, k)).dtype == x.dtype
    assert check_op(lambda a: ops.triu(a, k), x, expected=np.triu(x, k)).dtype == x.dtype


def test_tril_needs_a_matrix() -> None:
    with pytest.raises(ShapeError, match="tril"):
        ops.tril(np.ones(3))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing: str) -> None:
    a, b, c = np.arange(2, dtype=np.float32), np.arange(3, dtype=np.int32), np.arange(4, dtype=np.float32)
    got = check_op(lambda *xs: ops.meshgrid(*xs, indexing=indexing), a, b, c,
                   expected=np.meshgrid(a, b, c, indexing=indexing))
    assert [g.dtype for g in got] == [np.float32, np.int32, np.float32]
    got = check_op(lambda x, y: ops.meshgrid(x, y, indexing=indexing), a, b,
                   expected=np.meshgrid(a, b, indexing=indexing))
    with pytest.raises(ShapeError, match="meshgrid"):
        ops.meshgrid(np.ones((2, 2)))


@pytest.mark.parametrize("n,increasing", [(None, False), (4, False), (2, True), (None, True)])
@pytest.mark.parametrize("dtype", ["int32", "float32"])
def test_vander(n, increasing: bool, dtype: str) -> None:
    x = np.array([1, -2, 3], dtype)
    got = check_op(lambda a: ops.vander(a, n, increasing), x, expected=np.vander(x, n, increasing))
    assert got.dtype == x.dtype


@pytest.mark.parametrize("m", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
def test_windows(name: str, m: int) -> None:
    eager(getattr(ops, name)(m), getattr(np, name)(m), "float32")


@pytest.mark.parametrize("m,beta", [(0, 5.0), (1, 5.0), (6, 0.0), (7, 5.0), (9, 14.0), (5, 30.0)])
def test_kaiser(m: int, beta: float) -> None:
    eager(ops.kaiser(m, beta), np.kaiser(m, beta), "float32")


def test_array() -> None:
    eager(ops.array([1.0, 2.0]), [1.0, 2.0], "float32")
    eager(ops.array([1, 2]), [1, 2], "int32")
    eager(ops.array(np.arange(3, dtype=np.int64)), [0, 1, 2], "int64")
    eager(ops.array([1, 2], dtype="float16"), [1, 2], "float16")
