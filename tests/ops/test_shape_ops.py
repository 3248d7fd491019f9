"""Shape ops: eager vs NumPy, traced graph on each lowering vs eager, symbolic dims, errors."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
from hornet import ops
from hornet.ir.errors import ShapeError, TracerError
from helpers import LOWERINGS, check_op, random_array, run_graph

DTYPES = ("float32", "int32", "bool")

# name -> (op on x, NumPy reference, input shape)
UNARY = {
    "reshape": (lambda x: ops.reshape(x, (4, -1)), lambda x: x.reshape(4, -1), (2, 3, 4)),
    "reshape_flat": (lambda x: ops.reshape(x, -1), lambda x: x.reshape(-1), (2, 3, 4)),
    "reshape_scalar": (lambda x: ops.reshape(x, ()), lambda x: x.reshape(()), (1, 1)),
    "ravel": (ops.ravel, np.ravel, (2, 3, 4)),
    "transpose": (ops.transpose, np.transpose, (2, 3, 4)),
    "transpose_axes": (lambda x: ops.transpose(x, (1, -1, 0)), lambda x: np.transpose(x, (1, 2, 0)), (2, 3, 4)),
    "expand_dims": (lambda x: ops.expand_dims(x, -1), lambda x: np.expand_dims(x, -1), (2, 3)),
    "expand_dims_many": (lambda x: ops.expand_dims(x, (0, 2)), lambda x: np.expand_dims(x, (0, 2)), (2, 3)),
    "squeeze": (ops.squeeze, np.squeeze, (2, 1, 3, 1)),
    "squeeze_axis": (lambda x: ops.squeeze(x, -1), lambda x: np.squeeze(x, -1), (2, 1, 3, 1)),
    "broadcast_to": (lambda x: ops.broadcast_to(x, (4, 2, 5, 3)), lambda x: np.broadcast_to(x, (4, 2, 5, 3)),
                     (2, 1, 3)),
    "moveaxis": (lambda x: ops.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1), (2, 3, 4)),
    "moveaxis_many": (lambda x: ops.moveaxis(x, (0, 1), (-1, 0)), lambda x: np.moveaxis(x, (0, 1), (-1, 0)),
                      (2, 3, 4)),
    "swapaxes": (lambda x: ops.swapaxes(x, 0, 2), lambda x: np.swapaxes(x, 0, 2), (2, 3, 4)),
    "tile_int": (lambda x: ops.tile(x, 2), lambda x: np.tile(x, 2), (2, 3)),
    "tile_short": (lambda x: ops.tile(x, (2, 1)), lambda x: np.tile(x, (2, 1)), (2, 3, 2)),
    "tile_long": (lambda x: ops.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), (2, 3)),
    "repeat_flat": (lambda x: ops.repeat(x, 2), lambda x: np.repeat(x, 2), (2, 3)),
    "repeat_axis": (lambda x: ops.repeat(x, 3, axis=1), lambda x: np.repeat(x, 3, axis=1), (2, 3)),
    "repeat_counts": (lambda x: ops.repeat(x, [1, 0, 2], axis=-1), lambda x: np.repeat(x, [1, 0, 2], axis=-1),
                      (2, 3)),
    "flip_all": (ops.flip, np.flip, (2, 3, 4)),
    "flip_axes": (lambda x: ops.flip(x, (0, 2)), lambda x: np.flip(x, (0, 2)), (2, 3, 4)),
    "fliplr": (ops.fliplr, np.fliplr, (2, 3, 4)),
    "flipud": (ops.flipud, np.flipud, (2, 3)),
    "rot90": (ops.rot90, np.rot90, (2, 3, 4)),
    "rot90_k2": (lambda x: ops.rot90(x, 2), lambda x: np.rot90(x, 2), (2, 3)),
    "rot90_k3_axes": (lambda x: ops.rot90(x, -1, (2, 1)), lambda x: np.rot90(x, -1, (2, 1)), (2, 3, 4)),
    "roll_flat": (lambda x: ops.roll(x, 5), lambda x: np.roll(x, 5), (2, 3, 4)),
    "roll_axis": (lambda x: ops.roll(x, -2, axis=1), lambda x: np.roll(x, -2, axis=1), (2, 3, 4)),
    "roll_axes": (lambda x: ops.roll(x, (1, 7), axis=(0, 2)), lambda x: np.roll(x, (1, 7), axis=(0, 2)),
                  (2, 3, 4)),
    "pad_constant": (lambda x: ops.pad(x, ((1, 2), (0, 1))), lambda x: np.pad(x, ((1, 2), (0, 1))), (2, 3)),
    "pad_value": (lambda x: ops.pad(x, 1, constant_values=1), lambda x: np.pad(x, 1, constant_values=1), (2, 3)),
    "pad_reflect": (lambda x: ops.pad(x, ((1, 2), (2, 0)), "reflect"),
                    lambda x: np.pad(x, ((1, 2), (2, 0)), "reflect"), (3, 4)),
    "pad_reflect_wide": (lambda x: ops.pad(x, ((5, 4), (0, 0)), "reflect"),
                         lambda x: np.pad(x, ((5, 4), (0, 0)), "reflect"), (3, 2)),
    "pad_symmetric": (lambda x: ops.pad(x, (2, 3), "symmetric"), lambda x: np.pad(x, (2, 3), "symmetric"), (3, 4)),
    "pad_edge": (lambda x: ops.pad(x, ((0, 3), (2, 1)), "edge"), lambda x: np.pad(x, ((0, 3), (2, 1)), "edge"),
                 (3, 4)),
    "pad_wrap": (lambda x: ops.pad(x, ((4, 1), (1, 2)), "wrap"), lambda x: np.pad(x, ((4, 1), (1, 2)), "wrap"),
                 (3, 4)),
    "diff": (ops.diff, np.diff, (3, 5)),
    "diff_n2_axis0": (lambda x: ops.diff(x, 2, axis=0), lambda x: np.diff(x, 2, axis=0), (4, 3)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_shape_ops(name, dtype):
    fn, ref, shape = UNARY[name]
    x = random_array(shape, dtype)
    check_op(fn, x, expected=ref(x))


# name -> (op on a list of tensors, NumPy reference, input shapes)
JOIN = {
    "concatenate": (lambda *xs: ops.concatenate(xs), np.concatenate, [(2, 3), (1, 3), (3, 3)]),
    "concatenate_axis": (lambda *xs: ops.concatenate(xs, axis=-1), lambda xs: np.concatenate(xs, -1),
                         [(2, 3), (2, 1)]),
    "concatenate_none": (lambda *xs: ops.concatenate(xs, axis=None), lambda xs: np.concatenate(xs, None),
                         [(2, 3), (4,)]),
    "append": (lambda a, b: ops.append(a, b), lambda xs: np.append(*xs), [(2, 3), (2,)]),
    "append_axis": (lambda a, b: ops.append(a, b, axis=1), lambda xs: np.append(*xs, axis=1), [(2, 3), (2, 2)]),
    "stack": (lambda *xs: ops.stack(xs), np.stack, [(2, 3), (2, 3)]),
    "stack_last": (lambda *xs: ops.stack(xs, axis=-1), lambda xs: np.stack(xs, -1), [(2, 3)] * 3),
    "hstack_1d": (lambda *xs: ops.hstack(xs), np.hstack, [(2,), (3,)]),
    "hstack": (lambda *xs: ops.hstack(xs), np.hstack, [(2, 3), (2, 1)]),
    "vstack_1d": (lambda *xs: ops.vstack(xs), np.vstack, [(3,), (3,)]),
    "vstack": (lambda *xs: ops.vstack(xs), np.vstack, [(2, 3), (1, 3)]),
    "dstack_1d": (lambda *xs: ops.dstack(xs), np.dstack, [(3,), (3,)]),
    "dstack": (lambda *xs: ops.dstack(xs), np.dstack, [(2, 3), (2, 3)]),
    "column_stack": (lambda *xs: ops.column_stack(xs), np.column_stack, [(3,), (3, 2)]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(JOIN))
def test_join_ops(name, dtype):
    fn, ref, shapes = JOIN[name]
    rng = np.random.default_rng(1)
    xs = [random_array(s, dtype, rng) for s in shapes]
    check_op(fn, *xs, expected=ref(xs))


def test_concatenate_promotes_dtypes():
    a, b = np.ones((2,), "int32"), np.full((1,), 0.5, "float32")
    out = check_op(lambda x, y: ops.concatenate([x, y]), a, b, expected=np.array([1, 1, 0.5], "float32"))
    assert out.dtype == np.float32


# name -> (op returning a list, NumPy reference, input shape)
SPLIT = {
    "split": (lambda x: ops.split(x, 2), lambda x: np.split(x, 2), (4, 3)),
    "split_indices": (lambda x: ops.split(x, [1, 3], axis=1), lambda x: np.split(x, [1, 3], axis=1), (2, 5)),
    "split_indices_clamped": (lambda x: ops.split(x, [-2, 9]), lambda x: np.split(x, [-2, 9]), (4, 2)),
    "array_split": (lambda x: ops.array_split(x, 3), lambda x: np.array_split(x, 3), (5, 2)),
    "array_split_axis": (lambda x: ops.array_split(x, 4, axis=1), lambda x: np.array_split(x, 4, axis=1), (2, 7)),
    "hsplit": (lambda x: ops.hsplit(x, 3), lambda x: np.hsplit(x, 3), (2, 6)),
    "hsplit_1d": (lambda x: ops.hsplit(x, [2]), lambda x: np.hsplit(x, [2]), (5,)),
    "vsplit": (lambda x: ops.vsplit(x, 2), lambda x: np.vsplit(x, 2), (4, 3)),
    "dsplit": (lambda x: ops.dsplit(x, [1]), lambda x: np.dsplit(x, [1]), (2, 2, 3)),
    "unstack": (ops.unstack, lambda x: list(x), (3, 2)),
    "unstack_axis": (lambda x: ops.unstack(x, num=4, axis=-1), lambda x: list(np.moveaxis(x, -1, 0)), (2, 4)),
}


@pytest.mark.parametrize("dtype", ("float32", "int32"))
@pytest.mark.parametrize("name", sorted(SPLIT))
def test_split_ops(name, dtype):
    fn, ref, shape = SPLIT[name]
    x = random_array(shape, dtype)
    check_op(fn, x, expected=list(ref(x)))


def test_roll_with_tensor_shift():
    x = random_array((3, 4), "float32")
    for shift in (1, -3, 6):
        check_op(lambda a, s: ops.roll(a, s, axis=1), x, np.asarray(shift, "int32"),
                 expected=np.roll(x, shift, axis=1))


def test_size():
    assert ops.size(np.zeros((2, 3, 4))) == 24
    graph = hornet.trace(lambda x: ops.size(x), hornet.TensorSpec((None, 4, 4)))
    assert str(graph.outputs[0].type) == "int32[]"
    for lowering in LOWERINGS:
        (got,) = run_graph(lowering, graph, np.zeros((5, 4, 4), "float32"))
        assert int(got) == 80


# --- symbolic dims ------------------------------------------------------------------------------------------------

def _x(b):
    return np.arange(b * 16, dtype="float32").reshape(b, 4, 4)


# name -> (op, NumPy reference, expected traced output type(s)) on a [batch, 4, 4] float32 input
SYMBOLIC = {
    "reshape_-1": (lambda x: ops.reshape(x, (-1, 16)), lambda x: x.reshape(-1, 16), ["float32[batch,16]"]),
    "reshape_shape": (lambda x: ops.reshape(x, (ops.shape(x)[0], 2, 8)), lambda x: x.reshape(-1, 2, 8),
                      ["float32[batch,2,8]"]),
    "reshape_flat": (lambda x: ops.reshape(x, (-1,)), lambda x: x.reshape(-1), ["float32[16*batch]"]),
    "ravel": (ops.ravel, np.ravel, ["float32[16*batch]"]),
    "transpose": (ops.transpose, np.transpose, ["float32[4,4,batch]"]),
    "expand_squeeze": (lambda x: ops.squeeze(ops.expand_dims(x, 1), 1), lambda x: x, ["float32[batch,4,4]"]),
    "concatenate": (lambda x: ops.concatenate([x, x]), lambda x: np.concatenate([x, x]), ["float32[2*batch,4,4]"]),
    "stack": (lambda x: ops.stack([x, x], 1), lambda x: np.stack([x, x], 1), ["float32[batch,2,4,4]"]),
    "split": (lambda x: ops.split(x, 2, axis=1), lambda x: np.split(x, 2, axis=1), ["float32[batch,2,4]"] * 2),
    "split_batch": (lambda x: ops.split(x, [1], axis=0), lambda x: np.split(x, [1], axis=0),
                    ["float32[1,4,4]", "float32[batch-1,4,4]"]),
    "tile": (lambda x: ops.tile(x, (2, 1, 1)), lambda x: np.tile(x, (2, 1, 1)), ["float32[2*batch,4,4]"]),
    "repeat": (lambda x: ops.repeat(x, 2, axis=0), lambda x: np.repeat(x, 2, axis=0), ["float32[2*batch,4,4]"]),
    "flip": (lambda x: ops.flip(x, 0), lambda x: np.flip(x, 0), ["float32[batch,4,4]"]),
    "roll_batch": (lambda x: ops.roll(x, 1, axis=0), lambda x: np.roll(x, 1, axis=0), ["float32[batch,4,4]"]),
    "pad": (lambda x: ops.pad(x, ((1, 2), (0, 0), (0, 0))), lambda x: np.pad(x, ((1, 2), (0, 0), (0, 0))),
            ["float32[batch+3,4,4]"]),
    "pad_reflect": (lambda x: ops.pad(x, ((1, 1), (0, 0), (0, 0)), "reflect"),
                    lambda x: np.pad(x, ((1, 1), (0, 0), (0, 0)), "reflect"), ["float32[batch+2,4,4]"]),
    "pad_wrap": (lambda x: ops.pad(x, ((2, 1), (0, 0), (0, 0)), "wrap"),
                 lambda x: np.pad(x, ((2, 1), (0, 0), (0, 0)), "wrap"), ["float32[batch+3,4,4]"]),
    "diff": (lambda x: ops.diff(x, axis=0), lambda x: np.diff(x, axis=0), ["float32[batch-1,4,4]"]),
    "moveaxis": (lambda x: ops.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1), ["float32[4,4,batch]"]),
}


@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_symbolic_batch(name):
    fn, ref, types = SYMBOLIC[name]
    graph = hornet.trace(fn, hornet.TensorSpec((None, 4, 4)))
    assert [str(v.type) for v in graph.outputs] == types
    x = _x(3)
    want = ref(x)
    want = want if isinstance(want, list) else [want]
    for lowering in LOWERINGS:
        got = run_graph(lowering, graph, x)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


# --- errors -------------------------------------------------------------------------------------------------------

def test_reshape_error_names_both_shapes():
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(4, 2\)"):
        ops.reshape(np.zeros((2, 3)), (4, 2))
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(4, -1\)"):
        ops.reshape(np.zeros((2, 3)), (4, -1))
    with pytest.raises(ShapeError, match="at most one -1"):
        ops.reshape(np.zeros((2, 3)), (-1, -1))
    with pytest.raises(ShapeError, match=r"\(batch, 4, 4\).*\(3, -1\)"):
        hornet.trace(lambda x: ops.reshape(x, (3, -1)), hornet.TensorSpec((None, 4, 4)))


@pytest.mark.parametrize("fn, match", [
    (lambda x: ops.split(x, 4), "axis 0 of size 6 cannot be split into 4 equal parts"),
    (lambda x: ops.split(x, 0), "must be positive"),
    (lambda x: ops.squeeze(x, 0), "axis 0 .* has size 6, not 1"),
    (lambda x: ops.concatenate([x, np.zeros((6,))]), "same rank"),
    (lambda x: ops.stack([x, np.zeros((6, 3))]), "same shape"),
    (lambda x: ops.transpose(x, (0, 0)), "not a permutation"),
    (lambda x: ops.expand_dims(x, 5), "axis 5 is out of bounds"),
    (lambda x: ops.repeat(x, [1, 2], axis=0), "2 repeat counts for axis 0 of size 6"),
    (lambda x: ops.pad(x, ((1, 2, 3),)), "does not fit"),
    (lambda x: ops.rot90(x, axes=(1, 1)), "axes must differ"),
    (lambda x: ops.unstack(x, num=3), "num=3 differs"),
    (lambda x: ops.vsplit(x[0], 2), "rank >= 2"),
])
def test_shape_errors(fn, match):
    with pytest.raises(ShapeError, match=match):
        fn(np.zeros((6, 2), "float32"))


def test_pad_mode_errors():
    x = np.zeros((3,), "float32")
    with pytest.raises(ValueError, match="mode 'median' is not supported"):
        ops.pad(x, 1, mode="median")
    with pytest.raises(ValueError, match="constant_values can only be given"):
        ops.pad(x, 1, mode="edge", constant_values=1)
    with pytest.raises(ShapeError, match="empty axis"):
        ops.pad(np.zeros((0,), "float32"), 1, mode="wrap")


def test_static_arguments_needed_while_tracing():
    with pytest.raises(TracerError, match="repeats must be known while tracing"):
        hornet.trace(lambda x, r: ops.repeat(x, r), hornet.TensorSpec((3,)), hornet.TensorSpec((3,), "int32"))
    with pytest.raises(ShapeError, match="symbolic"):
        hornet.trace(lambda x: ops.unstack(x), hornet.TensorSpec((None, 4)))
