"""Structural prims: each prim x lowering x dtype against NumPy, symbolic shape rules, and shape errors."""
from __future__ import annotations

import re

import numpy as np
import pytest

from helpers import LOWERINGS, assert_close, prim_graph, random_array, run_graph, run_prim
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.prims import PRIMITIVES
from hornet.ir.types import TensorType

DTYPES = ("float32", "float64", "int32", "bool", "bfloat16")
STRUCTURAL = ("iota", "broadcast_in_dim", "reshape", "transpose", "rev", "slice", "dynamic_slice",
              "dynamic_update_slice", "concatenate", "pad")


def _pad_expected(x: np.ndarray, value, config) -> np.ndarray:
    """Independent pad: interleave interior values, pad the positive edges, then crop the negative ones."""
    out = x
    for axis, (low, high, interior) in enumerate(config):
        d = out.shape[axis]
        if interior and d > 1:
            shape = list(out.shape)
            shape[axis] = d + (d - 1) * interior
            dilated = np.full(shape, value, dtype=x.dtype)
            index = [slice(None)] * out.ndim
            index[axis] = slice(None, None, interior + 1)
            dilated[tuple(index)] = out
            out = dilated
        widths = [(0, 0)] * out.ndim
        widths[axis] = (max(low, 0), max(high, 0))
        out = np.pad(out, widths, constant_values=np.asarray(value, dtype=x.dtype))
        crop = [slice(None)] * out.ndim
        crop[axis] = slice(max(-low, 0), out.shape[axis] - max(-high, 0))
        out = out[tuple(crop)]
    return out


# (prim, input shapes, attrs, expected(*arrays)) — the data-carrying structural prims
CASES = {
    "broadcast_in_dim": ([(3, 1)], dict(shape=(2, 3, 4), broadcast_dimensions=(1, 2)),
                         lambda x: np.broadcast_to(x[None], (2, 3, 4))),
    "broadcast_in_dim_scalar": ([()], dict(shape=(2, 3), broadcast_dimensions=()),
                                lambda x: np.broadcast_to(x, (2, 3))),
    "reshape": ([(2, 3, 4)], dict(new_sizes=(6, 4)), lambda x: x.reshape(6, 4)),
    "reshape_to_scalar": ([(1, 1)], dict(new_sizes=()), lambda x: x.reshape(())),
    "transpose": ([(2, 3, 4)], dict(permutation=(2, 0, 1)), lambda x: x.transpose(2, 0, 1)),
    "rev": ([(2, 3, 4)], dict(dimensions=(0, 2)), lambda x: x[::-1, :, ::-1]),
    "rev_none": ([(2, 3)], dict(dimensions=()), lambda x: x),
    "slice": ([(4, 5, 6)], dict(start_indices=(1, 0, 2), limit_indices=(3, 5, 6), strides=None),
              lambda x: x[1:3, 0:5, 2:6]),
    "slice_strided": ([(4, 5, 6)], dict(start_indices=(0, 1, 1), limit_indices=(4, 5, 6), strides=(2, 3, 1)),
                      lambda x: x[0:4:2, 1:5:3, 1:6]),
    "slice_empty": ([(4, 5)], dict(start_indices=(2, 0), limit_indices=(2, 5), strides=None), lambda x: x[2:2]),
    "concatenate": ([(2, 3), (2, 1), (2, 4)], dict(dimension=1), lambda *xs: np.concatenate(xs, axis=1)),
    "concatenate_one": ([(2, 3)], dict(dimension=0), lambda x: x),
}


def _prim_of(case: str) -> str:
    return next(p for p in STRUCTURAL if case == p or case.startswith(p + "_"))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_structural_values(case, lowering, dtype):
    shapes, attrs, expected = CASES[case]
    rng = np.random.default_rng(1)
    xs = [random_array(s, dtype, rng) for s in shapes]
    (out,) = run_prim(lowering, _prim_of(case), *xs, **attrs)
    assert_close(out, expected(*xs), dtype)
    assert out.dtype == to_dtype(dtype).np


@pytest.mark.parametrize("dtype", ("float32", "float64", "int32", "int64", "uint8", "bfloat16"))
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("dimension", (0, 1, 2))
def test_iota(dimension, lowering, dtype):
    shape = (2, 3, 4)
    (out,) = run_graph(lowering, prim_graph("iota", [], dtype=dtype, shape=shape, dimension=dimension))
    view = [1, 1, 1]
    view[dimension] = shape[dimension]
    want = np.broadcast_to(np.arange(shape[dimension]).reshape(view), shape).astype(to_dtype(dtype).np)
    assert_close(out, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("index_dtype", ("int32", "int64"))
@pytest.mark.parametrize("starts", [(1, 2), (0, 0), (-4, 9), (3, -1)])
def test_dynamic_slice_clamps(starts, index_dtype, lowering, dtype):
    x = random_array((5, 6), dtype, np.random.default_rng(2))
    idx = [np.asarray(s, dtype=index_dtype) for s in starts]
    (out,) = run_prim(lowering, "dynamic_slice", x, *idx, slice_sizes=(2, 3))
    r, c = min(max(starts[0], 0), 3), min(max(starts[1], 0), 3)
    assert_close(out, x[r:r + 2, c:c + 3], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("starts", [(1, 2), (0, 0), (-4, 9), (4, -1)])
def test_dynamic_update_slice_clamps(starts, lowering, dtype):
    rng = np.random.default_rng(3)
    x, update = random_array((5, 6), dtype, rng), random_array((2, 3), dtype, rng)
    idx = [np.int32(s) for s in starts]
    (out,) = run_prim(lowering, "dynamic_update_slice", x, update, *idx)
    r, c = min(max(starts[0], 0), 3), min(max(starts[1], 0), 3)
    want = x.copy()
    want[r:r + 2, c:c + 3] = update
    assert_close(out, want, dtype)


PAD_CONFIGS = [
    ((1, 2, 0), (0, 0, 0)),
    ((0, 0, 1), (2, 1, 2)),
    ((-1, 2, 0), (1, -2, 1)),
    ((-2, -1, 1), (0, 0, 0)),
    ((-3, 0, 2), (-1, -1, 0)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("config", PAD_CONFIGS)
def test_pad(config, lowering, dtype):
    rng = np.random.default_rng(4)
    x = random_array((3, 4), dtype, rng)
    value = np.asarray(True if dtype == "bool" else 7, dtype=to_dtype(dtype).np)
    (out,) = run_prim(lowering, "pad", x, value, padding_config=config)
    assert_close(out, _pad_expected(x, value, config), dtype)


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_pad_crops_everything(lowering):
    x = np.arange(3, dtype=np.float32)
    (out,) = run_prim(lowering, "pad", x, np.float32(0), padding_config=[(-2, -1, 0)])
    assert out.shape == (0,)
    (out,) = run_prim(lowering, "pad", np.zeros((0,), np.float32), np.float32(5), padding_config=[(1, 1, 3)])
    assert_close(out, np.full(2, 5, np.float32))


def test_every_structural_prim_is_tagged_shape():
    for name in STRUCTURAL:
        assert "shape" in PRIMITIVES[name].tags, name


# --- symbolic dims ------------------------------------------------------------------------------------------------

B44 = TensorType("float32", ("batch", 4, 4))

SYMBOLIC = [
    ("reshape", [B44], dict(new_sizes=("batch", 16)), ("batch", 16)),
    ("reshape", [B44], dict(new_sizes=("16*batch",)), ("16*batch",)),
    ("reshape", [TensorType("float32", ("batch", 16))], dict(new_sizes=("batch", 4, 2, 2)), ("batch", 4, 2, 2)),
    ("transpose", [B44], dict(permutation=(1, 0, 2)), (4, "batch", 4)),
    ("rev", [B44], dict(dimensions=(0,)), ("batch", 4, 4)),
    ("broadcast_in_dim", [TensorType("float32", (4,))], dict(shape=("batch", 3, 4), broadcast_dimensions=(2,)),
     ("batch", 3, 4)),
    ("broadcast_in_dim", [TensorType("float32", ("batch", 1))], dict(shape=("batch", 5), broadcast_dimensions=(0, 1)),
     ("batch", 5)),
    ("slice", [B44], dict(start_indices=(1, 0, 0), limit_indices=("batch", 4, 4), strides=None), ("batch-1", 4, 4)),
    ("slice", [B44], dict(start_indices=(0, 0, 0), limit_indices=("batch", 4, 4), strides=(1, 2, 3)),
     ("batch", 2, 2)),
    ("concatenate", [B44, B44], dict(dimension=0), ("2*batch", 4, 4)),
    ("concatenate", [B44, TensorType("float32", ("batch", 2, 4))], dict(dimension=1), ("batch", 6, 4)),
    ("pad", [TensorType("float32", ("batch", 3)), TensorType("float32", ())],
     dict(padding_config=((1, 2, 1), (0, 0, 0))), ("2*batch+2", 3)),
    ("dynamic_slice", [B44, TensorType("int32", ()), TensorType("int32", ()), TensorType("int32", ())],
     dict(slice_sizes=(1, 2, 2)), (1, 2, 2)),
    ("dynamic_update_slice", [B44, TensorType("float32", (1, 4, 4))] + [TensorType("int32", ())] * 3, {},
     ("batch", 4, 4)),
]


@pytest.mark.parametrize("prim, in_types, attrs, want", SYMBOLIC, ids=[c[0] for c in SYMBOLIC])
def test_symbolic_shapes(prim, in_types, attrs, want):
    graph = prim_graph(prim, in_types, **attrs)
    assert graph.outputs[0].type == TensorType(in_types[0].dtype, want)


def test_iota_symbolic_shape():
    graph = prim_graph("iota", [], dtype="int32", shape=("batch", 4), dimension=0)
    assert graph.outputs[0].type == TensorType("int32", ("batch", 4))


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("batch", (1, 3))
def test_symbolic_graph_runs(lowering, batch):
    """One graph traced with a symbolic batch runs at several batch sizes, attrs resolved per call."""
    from hornet.ir.tracer import Trace

    tr = Trace("sym")
    x = tr.new_input(B44)
    y = tr.record(PRIMITIVES["reshape"], [x], {"new_sizes": ("batch", 16)})
    i = tr.record(PRIMITIVES["iota"], [], {"dtype": to_dtype("float32"), "shape": ("batch", 16), "dimension": 0})
    s = tr.record(PRIMITIVES["slice"], [y], {"start_indices": (1, 0), "limit_indices": ("batch", 16),
                                              "strides": None})
    c = tr.record(PRIMITIVES["concatenate"], [y, i], {"dimension": 0})
    tr.graph.outputs = [y.value, i.value, s.value, c.value]
    arr = random_array((batch, 4, 4), "float32")
    y_out, i_out, s_out, c_out = run_graph(lowering, tr.graph, arr)
    flat = arr.reshape(batch, 16)
    iota = np.broadcast_to(np.arange(batch, dtype=np.float32)[:, None], (batch, 16))
    assert_close(y_out, flat)
    assert_close(i_out, iota)
    assert_close(s_out, flat[1:])
    assert_close(c_out, np.concatenate([flat, iota]))


def test_symbolic_export():
    """Under jax.export the resolved sizes are JAX symbolic dims: one exported module serves every batch."""
    from hornet.ir.tracer import Trace
    from hornet.runtime.jax_export import JaxLowered

    tr = Trace("export")
    x = tr.new_input(TensorType("float32", ("batch", 4)))
    flat = tr.record(PRIMITIVES["reshape"], [x], {"new_sizes": ("4*batch",)})
    i = tr.record(PRIMITIVES["iota"], [], {"dtype": to_dtype("float32"), "shape": ("batch", 4), "dimension": 0})
    b = tr.record(PRIMITIVES["broadcast_in_dim"], [x], {"shape": (2, "batch", 4), "broadcast_dimensions": (1, 2)})
    s = tr.record(PRIMITIVES["slice"], [x], {"start_indices": (1, 0), "limit_indices": ("batch", 4),
                                              "strides": None})
    c = tr.record(PRIMITIVES["concatenate"], [x, s], {"dimension": 0})
    p = tr.record(PRIMITIVES["pad"], [x, np.float32(9)], {"padding_config": ((1, -1, 1), (0, 0, 0))})
    tr.graph.outputs = [flat.value, i.value, b.value, s.value, c.value, p.value]
    exported = JaxLowered(tr.graph).exported
    for batch in (2, 5):
        arr = random_array((batch, 4), "float32")
        f, io, bo, so, co, po = (np.asarray(o) for o in exported.call(arr))
        assert_close(f, arr.reshape(-1))
        assert_close(io, np.broadcast_to(np.arange(batch, dtype=np.float32)[:, None], (batch, 4)))
        assert_close(bo, np.broadcast_to(arr, (2, batch, 4)))
        assert_close(so, arr[1:])
        assert_close(co, np.concatenate([arr, arr[1:]]))
        assert_close(po, _pad_expected(arr, np.float32(9), ((1, -1, 1), (0, 0, 0))))


# --- errors -------------------------------------------------------------------------------------------------------

F234 = TensorType("float32", (2, 3, 4))
I32 = TensorType("int32", ())

ERRORS = [
    ("transpose", [F234], dict(permutation=(0, 0, 1)), ShapeError, "not a permutation"),
    ("transpose", [F234], dict(permutation=(0, 1)), ShapeError, "not a permutation"),
    ("reshape", [F234], dict(new_sizes=(5, 5)), ShapeError, "cannot reshape"),
    ("reshape", [B44], dict(new_sizes=("batch", 15)), ShapeError, "cannot reshape"),
    ("reshape", [F234], dict(new_sizes=(-1, 24)), ShapeError, "negative"),
    ("rev", [F234], dict(dimensions=(3,)), ShapeError, "dimensions"),
    ("rev", [F234], dict(dimensions=(1, 1)), ShapeError, "dimensions"),
    ("slice", [F234], dict(start_indices=(0, 0, 0), limit_indices=(2, 3, 5), strides=None), ShapeError,
     "limit is past the end"),
    ("slice", [F234], dict(start_indices=(0, 2, 0), limit_indices=(2, 1, 4), strides=None), ShapeError,
     "start is past limit"),
    ("slice", [F234], dict(start_indices=(-1, 0, 0), limit_indices=(2, 3, 4), strides=None), ShapeError,
     "start is negative"),
    ("slice", [F234], dict(start_indices=(0, 0), limit_indices=(2, 3), strides=None), ShapeError, "one entry per dim"),
    ("slice", [F234], dict(start_indices=(0, 0, 0), limit_indices=(2, 3, 4), strides=(1, 0, 1)), ShapeError,
     "stride 0"),
    ("slice", [B44], dict(start_indices=(0, 0, 0), limit_indices=("batch+1", 4, 4), strides=None), ShapeError,
     "past the end"),
    ("slice", [B44], dict(start_indices=(0, 0, 0), limit_indices=("batch", 4, 4), strides=(2, 1, 1)), ShapeError,
     "needs stride 1"),
    ("broadcast_in_dim", [TensorType("float32", (3,))], dict(shape=(2, 4), broadcast_dimensions=(1,)), ShapeError,
     "cannot broadcast"),
    ("broadcast_in_dim", [TensorType("float32", (2, 2))], dict(shape=(2, 2), broadcast_dimensions=(1, 0)), ShapeError,
     "strictly increasing"),
    ("broadcast_in_dim", [TensorType("float32", (2,))], dict(shape=(2, 2), broadcast_dimensions=()), ShapeError,
     "one entry per operand dim"),
    ("broadcast_in_dim", [TensorType("float32", ("n",))], dict(shape=("batch",), broadcast_dimensions=(0,)),
     ShapeError, "cannot broadcast"),
    ("iota", [], dict(dtype="bool", shape=(3,), dimension=0), DTypeError, "numeric"),
    ("iota", [], dict(dtype="int32", shape=(3,), dimension=1), ShapeError, "out of range"),
    ("dynamic_slice", [F234, I32, I32], dict(slice_sizes=(1, 1, 1)), ShapeError, "one start index per"),
    ("dynamic_slice", [F234, I32, I32, I32], dict(slice_sizes=(1, 4, 1)), ShapeError, "exceeds"),
    ("dynamic_slice", [F234, I32, I32, TensorType("float32", ())], dict(slice_sizes=(1, 1, 1)), DTypeError,
     "integer"),
    ("dynamic_slice", [F234, I32, I32, TensorType("int64", ())], dict(slice_sizes=(1, 1, 1)), DTypeError,
     "dtypes differ"),
    ("dynamic_slice", [F234, I32, I32, TensorType("int32", (1,))], dict(slice_sizes=(1, 1, 1)), ShapeError,
     "scalar"),
    ("dynamic_update_slice", [F234, TensorType("float32", (1, 4, 1)), I32, I32, I32], {}, ShapeError, "exceeds"),
    ("dynamic_update_slice", [F234, TensorType("int32", (1, 1, 1)), I32, I32, I32], {}, DTypeError, "dtypes differ"),
    ("dynamic_update_slice", [F234, TensorType("float32", (1, 1)), I32, I32, I32], {}, ShapeError, "rank"),
    ("concatenate", [F234, TensorType("float32", (2, 4, 4))], dict(dimension=0), ShapeError, "differ on dim 1"),
    ("concatenate", [F234, TensorType("int32", (2, 3, 4))], dict(dimension=0), DTypeError, "dtypes differ"),
    ("concatenate", [F234, TensorType("float32", (2, 3))], dict(dimension=0), ShapeError, "ranks differ"),
    ("concatenate", [F234], dict(dimension=3), ShapeError, "out of range"),
    ("concatenate", [], dict(dimension=0), ShapeError, "at least one operand"),
    ("pad", [F234, TensorType("int32", ())], dict(padding_config=((0, 0, 0),) * 3), DTypeError, "padding_value"),
    ("pad", [F234, TensorType("float32", (1,))], dict(padding_config=((0, 0, 0),) * 3), ShapeError, "scalar"),
    ("pad", [F234, TensorType("float32", ())], dict(padding_config=((0, 0, 0),) * 2), ShapeError, "one (low"),
    ("pad", [F234, TensorType("float32", ())], dict(padding_config=((0, 0, -1),) * 3), ShapeError, "interior"),
    ("pad", [F234, TensorType("float32", ())], dict(padding_config=((-2, -1, 0), (0, 0, 0), (0, 0, 0))),
     ShapeError, "negative"),
]


@pytest.mark.parametrize("prim, in_types, attrs, error, match", ERRORS,
                         ids=[f"{c[0]}-{c[4]}" for c in ERRORS])
def test_shape_errors(prim, in_types, attrs, error, match):
    with pytest.raises(error, match=re.escape(match)) as info:
        prim_graph(prim, in_types, **attrs)
    assert f"prim '{prim}'" in str(info.value)
