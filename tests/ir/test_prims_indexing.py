"""Indexing prims (gather, scatter, sort, top_k): each prim x lowering x dtype against plain-Python/NumPy
references, symbolic shape rules, and errors."""
from __future__ import annotations

import math

import re

import numpy as np
import pytest

from helpers import LOWERINGS, assert_close, prim_graph, random_array, run_prim
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import DTypeError, HornetError, ShapeError
from hornet.ir.types import TensorType

DTYPES = ("float32", "float64", "int32", "bool", "bfloat16")


# --- gather -------------------------------------------------------------------------------------------------------

def _gather_expected(operand: np.ndarray, indices: np.ndarray) -> np.ndarray:
    k = indices.shape[-1]
    out = np.empty(indices.shape[:-1] + operand.shape[k:], operand.dtype)
    for pos in np.ndindex(*indices.shape[:-1]):
        where = tuple(min(max(int(i), 0), operand.shape[j] - 1) for j, i in enumerate(indices[pos]))
        out[pos] = operand[where]
    return out


GATHERS = [
    ((5, 4), [[0], [3], [-2], [7], [4]]),  # k=1: rows, with clamping on both sides
    ((5, 4, 2), [[[0, 1], [4, 3]], [[-1, 9], [2, 0]], [[1, 1], [3, 2]]]),  # k=2, batch [3, 2]
    ((3, 4), [[2, 3], [0, 0], [5, -5]]),  # k=rank: scalars
    ((4,), [[1], [1], [3]]),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("index_dtype", ("int32", "int64"))
@pytest.mark.parametrize("case", range(len(GATHERS)))
def test_gather(case, index_dtype, lowering, dtype):
    shape, idx = GATHERS[case]
    operand = random_array(shape, dtype, np.random.default_rng(case))
    indices = np.asarray(idx, dtype=index_dtype)
    (out,) = run_prim(lowering, "gather", operand, indices)
    assert_close(out, _gather_expected(operand, indices), dtype)


# --- scatter ------------------------------------------------------------------------------------------------------

_COMBINE = {
    "set": lambda old, new: new,
    "add": lambda old, new: old + new,
    "mul": lambda old, new: old * new,
    "min": np.minimum,
    "max": np.maximum,
}


def _scatter_expected(operand, indices, updates, mode):
    k = indices.shape[-1]
    out = operand.astype(np.float64 if to_dtype(operand.dtype).is_floating else operand.dtype)
    for pos in np.ndindex(*indices.shape[:-1]):
        where = tuple(int(i) for i in indices[pos])
        if all(0 <= i < operand.shape[j] for j, i in enumerate(where)):
            out[where] = _COMBINE[mode](out[where], updates[pos])
    return out.astype(operand.dtype)


def _scatter_inputs(mode: str, dtype: str):
    rng = np.random.default_rng(7)
    operand = random_array((5, 3), dtype, rng)
    # "set" with duplicates is unspecified, so only the combining modes get a repeated row (2)
    rows = [[1], [-1], [4], [5], [0]] + ([[2], [2]] if mode != "set" else [[2]])
    indices = np.asarray(rows, np.int32)
    updates = random_array((len(rows), 3), dtype, rng, low=-2, high=2)
    if to_dtype(dtype).is_floating:  # small integers: every accumulation order is exact, even in bfloat16
        operand, updates = np.round(operand).astype(operand.dtype), np.round(updates).astype(updates.dtype)
    return operand, indices, updates


SCATTER_CASES = [(m, d) for m in _COMBINE for d in DTYPES if not (d == "bool" and m in ("add", "mul"))]


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("mode, dtype", SCATTER_CASES)
def test_scatter(mode, dtype, lowering):
    operand, indices, updates = _scatter_inputs(mode, dtype)
    (out,) = run_prim(lowering, "scatter", operand, indices, updates, mode=mode)
    assert_close(out, _scatter_expected(operand, indices, updates, mode), dtype)


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("mode", ("set", "add"))
def test_scatter_nd_points(mode, lowering):
    """k = rank 2 with a [2, 2] batch of index vectors; rows with any out-of-range component are dropped."""
    operand = np.arange(12, dtype=np.float64).reshape(3, 4)
    indices = np.asarray([[[0, 0], [2, 3]], [[1, 4], [-1, 2]]], np.int64)
    updates = np.asarray([[10.0, 20.0], [30.0, 40.0]])
    (out,) = run_prim(lowering, "scatter", operand, indices, updates, mode=mode)
    assert_close(out, _scatter_expected(operand, indices, updates, mode))


# --- sort ---------------------------------------------------------------------------------------------------------

def _key(v) -> tuple:
    v = float(v)
    return (1, 0.0) if math.isnan(v) else (0, v)


def _sort_expected(operands, dimension, num_keys, descending):
    """Python's sorted is stable also with reverse=True; NaN keys compare above every number."""
    moved = [np.moveaxis(o, dimension, -1) for o in operands]
    outs = [np.empty_like(m) for m in moved]
    for pos in np.ndindex(*moved[0].shape[:-1]):
        n = moved[0].shape[-1]
        order = sorted(range(n), key=lambda i: tuple(_key(m[pos][i]) for m in moved[:num_keys]), reverse=descending)
        for m, o in zip(moved, outs):
            o[pos] = m[pos][order]
    return [np.moveaxis(o, -1, dimension) for o in outs]


def _with_nans_and_ties(shape, dtype, rng):
    x = random_array(shape, dtype, rng)
    if to_dtype(dtype).is_floating:
        x = np.round(x).astype(x.dtype)  # ties
        x.reshape(-1)[::5] = np.nan
        x.reshape(-1)[1::7] = -np.inf
    return x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("dimension", (0, 1))
@pytest.mark.parametrize("descending", (False, True))
def test_sort_single(descending, dimension, lowering, dtype):
    x = _with_nans_and_ties((6, 7), dtype, np.random.default_rng(11))
    (out,) = run_prim(lowering, "sort", x, dimension=dimension, descending=descending)
    (want,) = _sort_expected([x], dimension, 1, descending)
    assert_close(out, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("num_keys", (1, 2))
@pytest.mark.parametrize("descending", (False, True))
def test_sort_multiple_operands_stable(descending, num_keys, lowering, dtype):
    """A payload iota shows stability: equal keys keep their original order."""
    rng = np.random.default_rng(12)
    keys = _with_nans_and_ties((3, 9), dtype, rng)
    second = random_array((3, 9), "int32", rng, low=-1, high=1)
    payload = np.broadcast_to(np.arange(9, dtype=np.int64), (3, 9)).copy()
    outs = run_prim(lowering, "sort", keys, second, payload, dimension=1, num_keys=num_keys, descending=descending)
    wants = _sort_expected([keys, second, payload], 1, num_keys, descending)
    for got, want, d in zip(outs, wants, (dtype, "int32", "int64")):
        assert_close(got, want, d)


# --- top_k --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ("float32", "float64", "int32", "bfloat16"))
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("k", (0, 1, 3, 8))
def test_top_k(k, lowering, dtype):
    x = _with_nans_and_ties((2, 3, 8), dtype, np.random.default_rng(13))
    values, index = run_prim(lowering, "top_k", x, k=k)
    positions = np.broadcast_to(np.arange(8), x.shape)
    want_v, want_i = _sort_expected([x, positions], 2, 1, True)
    assert_close(values, want_v[..., :k], dtype)
    assert index.dtype == np.int32
    assert_close(index, want_i[..., :k].astype(np.int32))


# --- symbolic dims and errors -------------------------------------------------------------------------------------

B44 = TensorType("float32", ("batch", 4, 4))
IB1 = TensorType("int32", ("batch", 1))

SYMBOLIC = [
    ("gather", [TensorType("float32", (10, 4)), IB1], {}, [("batch", 4)]),
    ("gather", [B44, TensorType("int32", (3, 2))], {}, [(3, 4)]),
    ("scatter", [TensorType("float32", (10, 4)), IB1, TensorType("float32", ("batch", 4))], dict(mode="add"),
     [(10, 4)]),
    ("sort", [B44, TensorType("int32", ("batch", 4, 4))], dict(dimension=0, num_keys=1),
     [("batch", 4, 4), ("batch", 4, 4)]),
    ("top_k", [B44], dict(k=2), [("batch", 4, 2), ("batch", 4, 2)]),
    ("top_k", [TensorType("float32", (2, "n"))], dict(k=3), [(2, 3), (2, 3)]),
]


@pytest.mark.parametrize("prim, in_types, attrs, want", SYMBOLIC, ids=[c[0] for c in SYMBOLIC])
def test_symbolic_shapes(prim, in_types, attrs, want):
    graph = prim_graph(prim, in_types, **attrs)
    assert [v.type.shape for v in graph.outputs] == [tuple(w) for w in want]


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_symbolic_gather_runs(lowering):
    from helpers import run_graph

    graph = prim_graph("gather", [TensorType("float32", (6, 3)), IB1])
    operand = random_array((6, 3), "float32")
    for batch in (1, 4):
        indices = np.arange(batch, dtype=np.int32)[:, None] * 2
        (out,) = run_graph(lowering, graph, operand, indices)
        assert_close(out, _gather_expected(operand, indices))


F54 = TensorType("float32", (5, 4))
ERRORS = [
    ("gather", [F54, TensorType("float32", (3, 1))], {}, DTypeError, "indices must be integer"),
    ("gather", [F54, TensorType("int32", (3, 3))], {}, ShapeError, "1 <= k <= operand rank"),
    ("gather", [F54, TensorType("int32", ())], {}, ShapeError, "rank >= 1"),
    ("gather", [F54, TensorType("int32", (3, "k"))], {}, ShapeError, "must be static"),
    ("scatter", [F54, TensorType("int32", (3, 1)), TensorType("float32", (3, 5))], dict(mode="set"), ShapeError,
     "updates shape"),
    ("scatter", [F54, TensorType("int32", (3, 1)), TensorType("float64", (3, 4))], dict(mode="set"), DTypeError,
     "updates dtype"),
    ("scatter", [TensorType("bool", (5,)), TensorType("int32", (3, 1)), TensorType("bool", (3,))], dict(mode="add"),
     DTypeError, "numeric"),
    ("sort", [F54, TensorType("float32", (5, 3))], dict(dimension=0), ShapeError, "shapes differ"),
    ("sort", [F54], dict(dimension=2), ShapeError, "out of range"),
    ("sort", [F54], dict(dimension=0, num_keys=2), ShapeError, "num_keys"),
    ("sort", [], dict(dimension=0), ShapeError, "at least one"),
    ("top_k", [F54], dict(k=5), ShapeError, "exceeds the last dim"),
    ("top_k", [TensorType("bool", (5,))], dict(k=1), DTypeError, "numeric"),
    ("top_k", [TensorType("float32", ())], dict(k=1), ShapeError, "rank >= 1"),
]


@pytest.mark.parametrize("prim, in_types, attrs, error, match", ERRORS, ids=[f"{c[0]}-{c[4]}" for c in ERRORS])
def test_errors(prim, in_types, attrs, error, match):
    with pytest.raises(error, match=re.escape(match)) as info:
        prim_graph(prim, in_types, **attrs)
    assert f"prim '{prim}'" in str(info.value)


def test_scatter_mode_is_checked():
    with pytest.raises(HornetError, match="mode"):
        prim_graph("scatter", [F54, TensorType("int32", (3, 1)), TensorType("float32", (3, 4))], mode="replace")


def test_all_indexing_prims_tagged():
    from hornet.ir.prims import PRIMITIVES

    for name in ("gather", "scatter", "sort", "top_k"):
        assert "indexing" in PRIMITIVES[name].tags
    assert PRIMITIVES["sort"].multiple_results and PRIMITIVES["top_k"].multiple_results

