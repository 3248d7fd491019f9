"""Indexing ops: get_item, take, where, slices, scatters, searches, segment reductions, diagonals."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
from hornet import ops
from hornet.ir.errors import ShapeError, TracerError
from helpers import LOWERINGS, check_op, random_array, run_graph

DTYPES = ("float32", "int32", "bool")
MASK0 = np.array([True, False, True])
MASK2 = np.arange(20).reshape(4, 5) % 3 == 0

# keys for a (3, 4, 5) tensor, compared with NumPy's x[key]
KEYS = {
    "int": 0,
    "negative_int": -1,
    "ints": (1, 2),
    "slice": slice(1, 3),
    "step": (slice(None), slice(None, None, 2)),
    "ellipsis": (Ellipsis, 1),
    "newaxis": (None, 0),
    "reverse": slice(None, None, -1),
    "negative_step": (slice(None), slice(3, 0, -2)),
    "negative_bounds": (slice(-2, None), slice(None, -1, 3)),
    "out_of_range_slice": slice(10, 20),
    "empty_key": (),
    "array": np.array([0, 2]),
    "nested_list": [[0, 1], [2, 2]],
    "array_axis1": (slice(None), [0, 3]),
    "int_and_array": (0, slice(None), [1, 2]),  # separated advanced indices go first
    "split_arrays": ([0, 2], slice(None), [1, 2]),
    "adjacent_arrays": (slice(None), [0, 1], [1, 2]),
    "negative_array": (Ellipsis, [-1, 0]),
    "broadcast_arrays": ([[0], [2]], slice(1, 3), [[1, 2, 3]]),
    "mask": MASK0,
    "mask_2d": (slice(None), MASK2),
    "newaxes_ellipsis": (None, Ellipsis, None),
    "mixed": (1, None, slice(None, None, -1), -2),
    "newaxis_between_arrays": (slice(None), [0, 1], None, [1, 2]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(KEYS))
def test_get_item(name, dtype):
    x = random_array((3, 4, 5), dtype)
    key = KEYS[name]
    check_op(lambda a: ops.get_item(a, key), x, expected=x[key])


@pytest.mark.parametrize("key", [
    lambda i: i,
    lambda i: (slice(None), i),
    lambda i: (i, slice(1, 3), i),
    lambda i: (Ellipsis, None, i),
])
def test_get_item_tensor_indices(key):
    x = random_array((4, 4, 3), "float32")
    idx = np.array([[0, -1], [2, 1]], "int32")
    check_op(lambda a, i: ops.get_item(a, key(i)), x, idx, expected=x[key(idx)])


def test_get_item_scalar_tensor_index():
    x = random_array((4, 3), "int32")
    check_op(lambda a, i: ops.get_item(a, i), x, np.asarray(-2, "int32"), expected=x[-2])


def test_get_item_symbolic_batch():
    keys = {"rest": slice(1, None), "last": -1, "reverse": slice(None, None, -1), "column": (slice(None), 0),
            "static_step": slice(0, 2, 2), "index": [0, -1], "pairs": ([0, -1], [1, 2])}
    x = np.arange(48, dtype="float32").reshape(3, 4, 4)
    expected_types = {"rest": "float32[batch-1,4,4]", "last": "float32[4,4]", "reverse": "float32[batch,4,4]",
                      "column": "float32[batch,4]", "static_step": "float32[1,4,4]", "index": "float32[2,4,4]",
                      "pairs": "float32[2,4]"}
    for name, key in keys.items():
        graph = hornet.trace(lambda t: ops.get_item(t, key), hornet.TensorSpec((None, 4, 4)))
        assert str(graph.outputs[0].type) == expected_types[name], name
        for lowering in LOWERINGS:
            np.testing.assert_array_equal(run_graph(lowering, graph, x)[0], x[key])


def test_get_item_errors():
    x = np.zeros((3, 4), "float32")
    with pytest.raises(IndexError, match="too many indices"):
        ops.get_item(x, (0, 0, 0))
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 3"):
        ops.get_item(x, 3)
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 1 with size 4"):
        ops.get_item(x, (slice(None), [0, 5]))
    with pytest.raises(IndexError, match="single ellipsis"):
        ops.get_item(x, (Ellipsis, Ellipsis))
    with pytest.raises(IndexError, match="mask of size 2 does not match axis 0 of size 3"):
        ops.get_item(x, np.array([True, False]))
    with pytest.raises(IndexError, match="integers"):
        ops.get_item(x, np.array([0.5]))
    with pytest.raises(TracerError, match="boolean mask"):
        hornet.trace(lambda a, m: ops.get_item(a, m), hornet.TensorSpec((3, 4)), hornet.TensorSpec((3,), "bool"))


# --- take, take_along_axis ----------------------------------------------------------------------------------------

TAKE = {
    "flat": (None, np.array([0, 5, -1])),
    "axis0": (0, np.array([2, 0, -3])),
    "axis1_2d": (1, np.array([[0, 3], [-1, 1]])),
    "last_scalar": (-1, np.asarray(2)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(TAKE))
def test_take(name, dtype):
    axis, idx = TAKE[name]
    x = random_array((3, 4, 5), dtype)
    want = np.take(x, idx, axis=axis)
    check_op(lambda a, i: ops.take(a, i, axis=axis), x, idx.astype("int32"), expected=want)
    check_op(lambda a: ops.take(a, idx, axis=axis), x, expected=want)  # constant indices


def test_take_symbolic_axis_wraps_negative_indices():
    graph = hornet.trace(lambda x, i: ops.take(x, i, axis=0), hornet.TensorSpec((None, 3)),
                         hornet.TensorSpec((2,), "int32"))
    assert str(graph.outputs[0].type) == "float32[2,3]"
    x = random_array((5, 3), "float32")
    for lowering in LOWERINGS:
        np.testing.assert_array_equal(run_graph(lowering, graph, x, np.array([-1, 1], "int32"))[0], x[[-1, 1]])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis, idx_shape", [(1, (3, 2, 5)), (-1, (3, 4, 2)), (0, (1, 4, 5)), (None, (7,)),
                                             (2, (1, 4, 3))])
def test_take_along_axis(axis, idx_shape, dtype):
    rng = np.random.default_rng(3)
    x = random_array((3, 4, 5), dtype, rng)
    d = x.size if axis is None else x.shape[axis]
    idx = rng.integers(-d, d, size=idx_shape).astype("int32")
    want = np.take_along_axis(x.reshape(-1) if axis is None else x, np.where(idx < 0, idx + d, idx),
                              axis=0 if axis is None else axis)
    check_op(lambda a, i: ops.take_along_axis(a, i, axis=axis), x, idx, expected=want)


def test_take_errors():
    x = np.zeros((2, 3), "float32")
    with pytest.raises(ShapeError, match="axis 2 is out of bounds for a tensor of rank 2"):
        ops.take(x, [0], axis=2)
    with pytest.raises(ShapeError, match="need the rank of x"):
        ops.take_along_axis(x, np.zeros((2,), "int32"), axis=1)
    with pytest.raises(TypeError, match="indices must be integers"):
        ops.take(x, np.array([0.5]))


# --- where, select ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_where(dtype):
    rng = np.random.default_rng(4)
    c, a, b = random_array((3, 1), "bool", rng), random_array((3, 4), dtype, rng), random_array((4,), dtype, rng)
    check_op(ops.where, c, a, b, expected=np.where(c, a, b))


def test_where_promotion_and_scalars():
    c = np.array([1, 0, 2], "int32")  # non-bool conditions test != 0
    x = np.array([1.5, 2.5, 3.5], "float32")
    out = check_op(lambda cond, v: ops.where(cond, v, 0), c, x, expected=np.array([1.5, 0, 3.5], "float32"))
    assert out.dtype == np.float32
    out = check_op(lambda cond, v: ops.where(cond, v, np.float32(1)), c, np.array([1, 2, 3], "int32"),
                   expected=np.array([1, 1, 3], "float32"))
    assert out.dtype == np.float32


def test_where_one_argument_is_nonzero():
    x = np.array([[0, 3], [4, 0]], "int32")
    got = ops.where(x)
    assert len(got) == 2 and all(g.dtype == np.int32 for g in got)
    for g, w in zip(got, np.nonzero(x)):
        np.testing.assert_array_equal(g, w)
    with pytest.raises(ValueError, match="both x1 and x2"):
        ops.where(x, 1)


def test_where_symbolic_with_scalar():
    graph = hornet.trace(lambda x, c: ops.where(c, x, 0.0), hornet.TensorSpec((None, 3)),
                         hornet.TensorSpec((None, 3), "bool"))
    assert str(graph.outputs[0].type) == "float32[batch,3]"
    x, c = random_array((2, 3), "float32"), random_array((2, 3), "bool")
    for lowering in LOWERINGS:
        np.testing.assert_array_equal(run_graph(lowering, graph, x, c)[0], np.where(c, x, 0.0))


@pytest.mark.parametrize("dtype", ("float32", "int32"))
def test_select(dtype):
    rng = np.random.default_rng(5)
    c1, c2 = random_array((2, 3), "bool", rng), random_array((3,), "bool", rng)
    v1, v2 = random_array((2, 3), dtype, rng), random_array((2, 3), dtype, rng)
    check_op(lambda a, b, x, y: ops.select([a, b], [x, y], 7), c1, c2, v1, v2,
             expected=np.select([c1, c2], [v1, v2], 7))


# --- slice, slice_update ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("start, shape", [((1, 0, 2), (2, 4, 2)), ((0, 3, 4), (3, 2, 3)), ((2, 1, 0), (-1, 2, -1))])
def test_slice(start, shape, dtype):
    x = random_array((3, 4, 5), dtype)
    size = [x.shape[i] - start[i] if n == -1 else n for i, n in enumerate(shape)]
    clamped = [min(s, x.shape[i] - size[i]) for i, s in enumerate(start)]  # starts clamp so the block fits
    want = x[tuple(slice(s, s + n) for s, n in zip(clamped, size))]
    check_op(lambda a: ops.slice(a, start, shape), x, expected=want)
    if -1 not in shape:  # runtime starts: a dynamic slice
        check_op(lambda a, s: ops.slice(a, s, shape), x, np.array(start, "int32"), expected=want)


@pytest.mark.parametrize("dtype", DTYPES)
def test_slice_update(dtype):
    rng = np.random.default_rng(6)
    x, u = random_array((4, 5), dtype, rng), random_array((2, 3), dtype, rng)
    for start in ((1, 2), (3, 4)):
        want = x.copy()
        s0, s1 = min(start[0], 2), min(start[1], 2)
        want[s0:s0 + 2, s1:s1 + 3] = u
        check_op(lambda a, b: ops.slice_update(a, start, b), x, u, expected=want)
        check_op(lambda a, b, s: ops.slice_update(a, s, b), x, u, np.array(start, "int32"), expected=want)


# --- scatter ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ("float32", "int32"))
def test_scatter_adds_duplicates(dtype):
    idx = np.array([[0, 1], [2, 3], [0, 1], [-1, 0]], "int32")
    vals = random_array((4,), dtype)
    want = np.zeros((3, 4), dtype)
    np.add.at(want, (idx[:, 0], idx[:, 1]), vals)
    check_op(lambda i, v: ops.scatter(i, v, (3, 4)), idx, vals, expected=want)


def test_scatter_rows():
    idx = np.array([[1], [1]], "int32")
    vals = random_array((2, 3), "float32")
    want = np.zeros((2, 3), "float32")
    want[1] = vals.sum(0)
    check_op(lambda i, v: ops.scatter(i, v, (2, 3)), idx, vals, expected=want)


@pytest.mark.parametrize("dtype", ("float32", "int32"))
@pytest.mark.parametrize("reduction", [None, "add", "mul", "max", "min"])
def test_scatter_update(reduction, dtype):
    rng = np.random.default_rng(7)
    x = random_array((4, 3), dtype, rng)
    idx = np.array([[0, 1], [3, 2], [-2, 0]], "int32")
    upd = random_array((3,), dtype, rng)
    want = x.copy()
    ufunc = {None: None, "add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}[reduction]
    rows, cols = idx[:, 0] % 4, idx[:, 1]
    if ufunc is None:
        want[rows, cols] = upd
    else:
        ufunc.at(want, (rows, cols), upd)
    check_op(lambda a, i, u: ops.scatter_update(a, i, u, reduction=reduction), x, idx, upd, expected=want)


def test_scatter_update_rejects_unknown_reduction():
    with pytest.raises(ValueError, match="unsupported reduction 'mean'"):
        ops.scatter_update(np.zeros((2,)), [[0]], [1.0], reduction="mean")


# --- segment reductions -------------------------------------------------------------------------------------------

SEGMENT = {"segment_sum": (np.add, 0), "segment_prod": (np.multiply, 1), "segment_max": (np.maximum, None),
           "segment_min": (np.minimum, None)}


@pytest.mark.parametrize("dtype", ("float32", "int32"))
@pytest.mark.parametrize("name", sorted(SEGMENT))
def test_segment_ops(name, dtype):
    ufunc, init = SEGMENT[name]
    rng = np.random.default_rng(8)
    data = random_array((6, 2), dtype, rng)
    ids = np.array([0, 0, 2, 5, 2, 0], "int32")  # segment 1 is empty; id 5 is out of range and dropped
    if init is None:
        big = np.inf if dtype == "float32" else np.iinfo(dtype).max
        init = -big if name == "segment_max" else big
        if dtype == "int32" and name == "segment_max":
            init = np.iinfo(dtype).min
    want = np.full((4, 2), init, dtype)
    keep = ids < 4
    ufunc.at(want, ids[keep], data[keep])
    fn = getattr(ops, name)
    check_op(lambda d, i: fn(d, i, num_segments=4), data, ids, expected=want)
    if name == "segment_sum":  # eagerly, num_segments defaults to max(ids) + 1
        full = np.zeros((6, 2), dtype)
        np.add.at(full, ids, data)
        np.testing.assert_array_equal(fn(data, ids), full)


def test_segment_needs_num_segments_while_tracing():
    with pytest.raises(TracerError, match="num_segments"):
        hornet.trace(lambda d, i: ops.segment_sum(d, i), hornet.TensorSpec((4,)), hornet.TensorSpec((4,), "int32"))


# --- searching and counting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("dtype", ("float32", "int32"))
def test_searchsorted(side, dtype):
    seq = np.array([-2, 0, 0, 1, 3], dtype)
    values = np.array([[-3, 0, 2], [3, 1, 5]], dtype)
    out = check_op(lambda s, v: ops.searchsorted(s, v, side=side), seq, values,
                   expected=np.searchsorted(seq, values, side=side).astype("int32"))
    assert out.dtype == np.int32


def test_searchsorted_nan_sorts_last():
    seq = np.array([0.0, 1.0, np.nan], "float32")
    values = np.array([np.nan, 1.0, 5.0], "float32")
    for side in ("left", "right"):
        check_op(lambda s, v: ops.searchsorted(s, v, side=side), seq, values,
                 expected=np.searchsorted(seq, values, side=side).astype("int32"))


def test_digitize():
    x = np.array([0.0, 1.0, 3.0, 1.6, -1.0, 7.0], "float32")
    bins = np.array([0.0, 3.0, 4.5, 7.0], "float32")
    check_op(ops.digitize, x, bins, expected=np.digitize(x, bins).astype("int32"))


@pytest.mark.parametrize("invert", [False, True])
def test_isin(invert):
    x1 = np.array([[1, 5], [3, 0]], "int32")
    x2 = np.array([0, 1, 2, 3], "int32")
    check_op(lambda a, b: ops.isin(a, b, invert=invert), x1, x2, expected=np.isin(x1, x2, invert=invert))


def test_bincount():
    x = np.array([1, 1, 3, 0], "int32")
    w = np.array([0.5, 1.0, 2.0, 0.25], "float32")
    # traced, the length is minlength; eagerly, max(max(x) + 1, minlength)
    check_op(lambda a: ops.bincount(a, minlength=4), x, expected=np.bincount(x).astype("int32"))
    check_op(lambda a, b: ops.bincount(a, weights=b, minlength=4), x, w,
             expected=np.bincount(x, w).astype("float32"))
    np.testing.assert_array_equal(ops.bincount(x), np.bincount(x))
    np.testing.assert_array_equal(ops.bincount(x, minlength=6), np.bincount(x, minlength=6))
    rows = np.array([[0, 2, 2], [1, 1, 0]], "int32")
    want = np.stack([np.bincount(r, minlength=3) for r in rows]).astype("int32")
    check_op(lambda a: ops.bincount(a, minlength=3), rows, expected=want)
    graph = hornet.trace(lambda a: ops.bincount(a, minlength=5), hornet.TensorSpec((4,), "int32"))
    assert str(graph.outputs[0].type) == "int32[5]"
    with pytest.raises(TracerError, match="minlength"):
        hornet.trace(lambda a: ops.bincount(a), hornet.TensorSpec((4,), "int32"))


def test_unravel_index():
    idx = np.array([0, 5, 11, 7], "int32")
    got = check_op(lambda i: ops.unravel_index(i, (3, 4)), idx, expected=list(np.unravel_index(idx, (3, 4))))
    assert all(g.dtype == np.int32 for g in got)


def test_nonzero_and_unique_are_eager_only():
    x = np.array([[0, 2], [3, 0], [0, 1]], "int32")
    for got, want in zip(ops.nonzero(x), np.nonzero(x)):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(TracerError, match="nonzero: the output shape depends on the values"):
        hornet.trace(ops.nonzero, hornet.TensorSpec((3,), "int32"))
    with pytest.raises(TracerError, match="unique: the output shape depends on the values"):
        hornet.trace(ops.unique, hornet.TensorSpec((3,), "int32"))


UNIQUE_X = np.array([[3, 1], [1, 5], [3, 1]], "int32")
# kwargs -> expected outputs (NumPy's; with `size`, JAX's padding: the smallest value, its first index, count 0)
UNIQUE = {
    "values": ({}, [np.unique(UNIQUE_X)]),
    "all": ({"return_index": True, "return_inverse": True, "return_counts": True},
            list(np.unique(UNIQUE_X, return_index=True, return_inverse=True, return_counts=True))),
    "axis": ({"axis": 0, "return_inverse": True}, list(np.unique(UNIQUE_X, axis=0, return_inverse=True))),
    "size_pad": ({"size": 5, "return_index": True, "return_counts": True},
                 [[1, 3, 5, 1, 1], [1, 0, 3, 1, 1], [3, 2, 1, 0, 0]]),
    "size_cut": ({"size": 2, "fill_value": 9, "return_counts": True}, [[1, 3], [3, 2]]),
    "size_fill": ({"size": 4, "fill_value": 9}, [[1, 3, 5, 9]]),
}


@pytest.mark.parametrize("name", sorted(UNIQUE))
def test_unique(name):
    kwargs, want = UNIQUE[name]
    got = ops.unique(UNIQUE_X, **kwargs)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(want)
    assert all(g.dtype == np.int32 for g in got)  # values keep x's dtype; indices and counts are int32
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


# --- diagonals, sequences -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 0, 1), (-2, 0, 1), (2, -1, 0), (7, 0, 2)])
def test_diagonal(offset, axis1, axis2, dtype):
    x = random_array((3, 4, 5), dtype)
    check_op(lambda a: ops.diagonal(a, offset, axis1, axis2), x, expected=np.diagonal(x, offset, axis1, axis2))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 1, 2), (-1, 2, 0)])
def test_trace(offset, axis1, axis2, dtype):
    x = random_array((3, 4, 5), dtype)
    want = np.trace(x, offset, axis1, axis2).astype("float32" if dtype == "float32" else "int32")
    out = check_op(lambda a: ops.trace(a, offset, axis1, axis2), x, expected=want)
    assert out.dtype == want.dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [0, 2, -1])
def test_diag_and_diagflat(k, dtype):
    rng = np.random.default_rng(9)
    v, m, g = random_array((3,), dtype, rng), random_array((3, 4), dtype, rng), random_array((2, 2), dtype, rng)
    check_op(lambda a: ops.diag(a, k), v, expected=np.diag(v, k))
    check_op(lambda a: ops.diag(a, k), m, expected=np.diag(m, k))
    check_op(lambda a: ops.diagflat(a, k), g, expected=np.diagflat(g, k))


def test_diag_of_empty_vector():
    check_op(lambda a: ops.diag(a, 2), np.zeros((0,), "float32"), expected=np.diag(np.zeros((0,), "float32"), 2))


def test_diagonal_with_symbolic_batch():
    graph = hornet.trace(lambda x: ops.diagonal(x, 0, 1, 2), hornet.TensorSpec((None, 3, 4)))
    assert str(graph.outputs[0].type) == "float32[batch,3]"
    x = random_array((2, 3, 4), "float32")
    for lowering in LOWERINGS:
        np.testing.assert_array_equal(run_graph(lowering, graph, x)[0], np.diagonal(x, 0, 1, 2))


@pytest.mark.parametrize("length, stride", [(3, 2), (4, 1), (7, 3)])
def test_extract_sequences(length, stride):
    x = random_array((2, 7), "float32")
    frames = np.lib.stride_tricks.sliding_window_view(x, length, axis=-1)[:, ::stride]
    check_op(lambda a: ops.extract_sequences(a, length, stride), x, expected=frames)


def test_extract_sequences_errors():
    with pytest.raises(ShapeError, match="sequence_length 9 exceeds the last axis"):
        ops.extract_sequences(np.zeros((7,)), 9, 1)


# --- symbolic batch: one traced graph, run with a concrete batch ----------------------------------------------------

_IDX = np.array([[0, 1], [3, -1]], "int32")
_IN = np.array([1.0, 5.0], "float32")


def _np_slice_update(x):
    out = x.copy()
    out[0, 1:3, 1:3] = 1.0
    return out


def _np_scatter_update(x):
    out = x.copy()
    out[0, 3] = 9.0
    return out


def _np_segment_sum(x):
    return np.stack([x[:, 0] + x[:, 3], np.zeros_like(x[:, 0]), x[:, 1] + x[:, 2]])


# name -> (op on a [batch, 4, 4] float32 tensor, NumPy reference, expected traced output type)
SYMBOLIC = {
    "take_along_axis": (lambda x: ops.take_along_axis(x, np.zeros((1, 2, 4), "int32"), axis=1),
                        lambda x: np.take_along_axis(x, np.zeros((1, 2, 4), "int64"), axis=1), "float32[batch,2,4]"),
    "take_last": (lambda x: ops.take(x, _IDX, axis=-1), lambda x: np.take(x, _IDX, axis=-1),
                  "float32[batch,4,2,2]"),
    "where": (lambda x: ops.where(ops.isin(x, _IN), x, -1.0), lambda x: np.where(np.isin(x, _IN), x, -1.0),
              "float32[batch,4,4]"),
    "select": (lambda x: ops.select([ops.isin(x, _IN)], [x], 7.0), lambda x: np.where(np.isin(x, _IN), x, 7.0),
               "float32[batch,4,4]"),
    "slice": (lambda x: ops.slice(x, (1, 0, 2), (-1, 3, 2)), lambda x: x[1:, 0:3, 2:4], "float32[batch-1,3,2]"),
    "slice_update": (lambda x: ops.slice_update(x, (0, 1, 1), np.ones((1, 2, 2), "float32")), _np_slice_update,
                     "float32[batch,4,4]"),
    "scatter_update": (lambda x: ops.scatter_update(x, [[0, 3]], np.full((1, 4), 9.0, "float32")),
                       _np_scatter_update, "float32[batch,4,4]"),
    "segment_sum": (lambda x: ops.segment_sum(ops.moveaxis(x, 1, 0), np.array([0, 2, 2, 0], "int32"), 3),
                    _np_segment_sum, "float32[3,batch,4]"),
    "searchsorted": (lambda x: ops.searchsorted(np.array([0.0, 10.0, 20.0], "float32"), x),
                     lambda x: np.searchsorted([0.0, 10.0, 20.0], x).astype("int32"), "int32[batch,4,4]"),
    "bincount_rows": (lambda x: ops.bincount(ops.cast(ops.reshape(x, (-1, 16)), "int32"), minlength=64),
                      lambda x: np.stack([np.bincount(r, minlength=64) for r in x.reshape(-1, 16).astype(int)]),
                      "int32[batch,64]"),
    "extract_sequences": (lambda x: ops.extract_sequences(x, 2, 2), lambda x: x.reshape(-1, 4, 2, 2),
                          "float32[batch,4,2,2]"),
    "trace": (lambda x: ops.trace(x, 0, 1, 2), lambda x: np.trace(x, 0, 1, 2).astype("float32"), "float32[batch]"),
}


@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_symbolic_batch(name):
    fn, ref, want_type = SYMBOLIC[name]
    graph = hornet.trace(fn, hornet.TensorSpec((None, 4, 4)))
    assert str(graph.outputs[0].type) == want_type
    x = np.arange(48, dtype="float32").reshape(3, 4, 4)
    for lowering in LOWERINGS:
        np.testing.assert_array_equal(run_graph(lowering, graph, x)[0], ref(x))
