"""Convolutions and pooling against keras.ops (on JAX) and jax.lax, eager, traced and on each lowering, over
ranks, strides, padding, dilation, groups and data formats; symbolic batches; shape errors."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import LOWERINGS, check_op, random_array, run_graph  # noqa: E402
import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import HornetError, ShapeError  # noqa: E402

TOL = dict(rtol=1e-4, atol=1e-4)  # float32 sums of a few dozen products
RNG = np.random.default_rng(7)


def rand(*shape, dtype="float32"):
    return random_array(shape, dtype, RNG, low=-1.0, high=1.0)


def cf(shape, data_format):
    """A channels_last shape (N, *S, C) in the given layout."""
    return shape if data_format == "channels_last" else (shape[0], shape[-1], *shape[1:-1])


# (input shape channels_last, kernel shape, strides, padding, dilation)
CONV_CASES = [
    ((2, 9, 3), (3, 3, 4), 1, "valid", 1),
    ((2, 9, 3), (3, 3, 4), 2, "same", 1),
    ((2, 10, 3), (4, 3, 2), 3, "same", 1),
    ((2, 9, 3), (3, 3, 4), 1, "same", 2),
    ((2, 7, 8, 4), (3, 2, 4, 6), 1, "valid", 1),
    ((2, 7, 8, 4), (3, 3, 4, 5), (2, 1), "same", 1),
    ((2, 8, 8, 4), (3, 3, 4, 5), 2, "same", 1),
    ((2, 9, 9, 4), (3, 3, 4, 5), 1, "valid", (2, 1)),
    ((1, 9, 8, 4), (3, 3, 2, 6), 1, "same", 1),       # 2 groups
    ((1, 9, 8, 4), (2, 2, 1, 8), 2, "valid", 1),      # 4 groups (depthwise-like)
    ((1, 5, 6, 4, 2), (2, 3, 2, 2, 3), 1, "valid", 1),
    ((1, 5, 6, 5, 2), (3, 3, 3, 2, 3), 2, "same", 1),
]


def layouts(cases):
    """Every case channels_last, every other one channels_first too."""
    return [(c, "channels_last") for c in cases] + [(c, "channels_first") for c in cases[1::2]]


def case_id(c):
    return c if isinstance(c, str) else "-".join(str(v) for v in c[1:])


@pytest.mark.parametrize("case,data_format", layouts(CONV_CASES), ids=case_id)
def test_conv(case, data_format):
    xs, ks, strides, padding, dilation = case
    x, k = rand(*cf(xs, data_format)), rand(*ks)
    want = keras.ops.conv(x, k, strides, padding, data_format, dilation)
    check_op(lambda a, b: ops.conv(a, b, strides, padding, data_format, dilation), x, k,
             expected=np.asarray(want), **TOL)


def test_conv_matches_lax_with_groups_and_dilation():
    x, k = rand(2, 10, 9, 6), rand(3, 2, 3, 4)  # 2 groups
    # "same" here pads (1, 2) and (0, 1): TensorFlow puts the odd unit of padding last
    want = jax.lax.conv_general_dilated(x, k, (2, 1), [(1, 2), (0, 1)], rhs_dilation=(2, 1),
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"), feature_group_count=2)
    check_op(lambda a, b: ops.conv(a, b, strides=(2, 1), padding="same", dilation_rate=(2, 1)), x, k,
             expected=np.asarray(want), **TOL)


@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_conv_dtypes(dtype):
    x, k = rand(2, 6, 6, 3, dtype=dtype), rand(3, 3, 3, 2, dtype=dtype)
    want = jax.lax.conv_general_dilated(x.astype(np.float64), k.astype(np.float64), (1, 1), "SAME",
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))
    out = check_op(lambda a, b: ops.conv(a, b, padding="same"), x, k, expected=np.asarray(want).astype(dtype),
                   rtol=1e-2 if dtype == "float16" else None, atol=1e-2 if dtype == "float16" else None)
    assert out.dtype == dtype


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("strides,padding,dilation", [(1, "valid", 1), (2, "same", 1), (1, "same", 2)])
def test_depthwise_conv(strides, padding, dilation, data_format):
    x, k = rand(*cf((2, 7, 7, 3), data_format)), rand(3, 3, 3, 2)
    want = keras.ops.depthwise_conv(x, k, strides, padding, data_format, dilation)
    check_op(lambda a, b: ops.depthwise_conv(a, b, strides, padding, data_format, dilation), x, k,
             expected=np.asarray(want), **TOL)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("strides,padding", [(1, "valid"), (2, "same")])
def test_separable_conv(strides, padding, data_format):
    x, dk, pk = rand(*cf((2, 7, 7, 3), data_format)), rand(3, 3, 3, 2), rand(1, 1, 6, 5)
    want = keras.ops.separable_conv(x, dk, pk, strides, padding, data_format)
    check_op(lambda a, b, c: ops.separable_conv(a, b, c, strides, padding, data_format), x, dk, pk,
             expected=np.asarray(want), **TOL)


# (input shape channels_last, kernel shape (*K, out, in), strides, padding, output_padding, dilation)
TRANSPOSE_CASES = [
    ((2, 5, 5, 3), (3, 3, 4, 3), 1, "valid", None, 1),
    ((2, 5, 5, 3), (3, 3, 4, 3), 2, "same", None, 1),
    ((2, 5, 5, 3), (3, 3, 4, 3), 2, "valid", None, 1),
    ((2, 5, 5, 3), (2, 2, 4, 3), 2, "same", None, 1),
    ((2, 5, 5, 3), (3, 3, 4, 3), 2, "same", 1, 1),
    ((2, 5, 5, 3), (3, 3, 4, 3), 3, "valid", 2, 1),
    ((2, 5, 5, 3), (3, 3, 4, 3), 1, "same", None, 2),
    ((2, 6, 3), (4, 2, 3), 2, "same", None, 1),
    ((1, 3, 4, 3, 2), (2, 2, 2, 3, 2), 2, "valid", None, 1),
]


@pytest.mark.parametrize("case,data_format", layouts(TRANSPOSE_CASES), ids=case_id)
def test_conv_transpose(case, data_format):
    xs, ks, strides, padding, output_padding, dilation = case
    x, k = rand(*cf(xs, data_format)), rand(*ks)
    want = keras.ops.conv_transpose(x, k, strides, padding, output_padding, data_format, dilation)
    check_op(lambda a, b: ops.conv_transpose(a, b, strides, padding, output_padding, data_format, dilation), x, k,
             expected=np.asarray(want), **TOL)


# (input shape channels_last, pool_size, strides, padding)
POOL_CASES = [
    ((2, 9, 3), 2, None, "valid"),
    ((2, 9, 3), 3, 2, "same"),
    ((2, 8, 7, 3), 2, None, "valid"),
    ((2, 8, 7, 3), (3, 2), (2, 1), "same"),
    ((2, 7, 7, 3), 3, 1, "same"),
    ((2, 7, 7, 3), 2, 2, "same"),
    ((1, 5, 4, 6, 2), 2, None, "valid"),
    ((1, 5, 4, 6, 2), (3, 2, 2), 2, "same"),
]


@pytest.mark.parametrize("kind", ["max_pool", "average_pool"])
@pytest.mark.parametrize("case,data_format", layouts(POOL_CASES), ids=case_id)
def test_pool(case, data_format, kind):
    xs, pool, strides, padding = case
    x = rand(*cf(xs, data_format))
    want = getattr(keras.ops, kind)(x, pool, strides or pool, padding, data_format)  # Keras mishandles None
    check_op(lambda a: getattr(ops, kind)(a, pool, strides, padding, data_format), x,
             expected=np.asarray(want), **TOL)


def test_average_pool_same_counts_only_real_elements():
    x = np.ones((1, 3, 3, 1), np.float32)
    out = check_op(lambda a: ops.average_pool(a, 2, 1, "same"), x)
    np.testing.assert_array_equal(out, np.ones((1, 3, 3, 1), np.float32))  # padding never dilutes the mean


def test_pools_on_integers():
    x = np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1)
    check_op(lambda a: ops.max_pool(a, 2), x, expected=np.array([[[[5], [7]], [[13], [15]]]], np.int32))
    check_op(lambda a: ops.average_pool(a, 2), x, expected=np.array([[[[2.5], [4.5]], [[10.5], [12.5]]]], np.float32))


# (input shape channels_last, output_size)
ADAPTIVE_CASES = [
    ((2, 7, 3), 3),
    ((2, 8, 3), 4),
    ((2, 5, 3), 5),
    ((2, 4, 3), 6),
    ((2, 7, 8, 3), (3, 4)),
    ((2, 11, 5, 3), (4, 3)),
    ((1, 5, 6, 7, 2), (2, 3, 4)),
]


def _np_adaptive(x, out_size, reduce, data_format):
    """Adaptive pooling by its definition: output i pools input [floor(i L / out), ceil((i + 1) L / out))."""
    first = 1 if data_format == "channels_last" else 2
    outs = (out_size,) * (x.ndim - 2) if isinstance(out_size, int) else out_size
    for axis, out in enumerate(outs, start=first):
        windows = [(i * x.shape[axis] // out, -(-(i + 1) * x.shape[axis] // out)) for i in range(out)]
        x = np.stack([reduce(np.take(x, range(a, b), axis=axis), axis=axis) for a, b in windows], axis=axis)
    return x


REDUCERS = {"adaptive_average_pool": np.mean, "adaptive_max_pool": np.max}


@pytest.mark.parametrize("kind", sorted(REDUCERS))
@pytest.mark.parametrize("case,data_format", layouts(ADAPTIVE_CASES), ids=case_id)
def test_adaptive_pool(case, data_format, kind):
    xs, out_size = case
    x = rand(*cf(xs, data_format))
    want = _np_adaptive(x.astype(np.float64), out_size, REDUCERS[kind], data_format).astype(np.float32)
    check_op(lambda a: getattr(ops, kind)(a, out_size, data_format), x, expected=want, **TOL)


@pytest.mark.parametrize("kind", sorted(REDUCERS))
def test_adaptive_reference_agrees_with_keras(kind):
    for xs, out_size in (ADAPTIVE_CASES[0], ADAPTIVE_CASES[5]):
        x = rand(*xs)
        want = _np_adaptive(x.astype(np.float64), out_size, REDUCERS[kind], "channels_last")
        np.testing.assert_allclose(np.asarray(getattr(keras.ops, kind)(x, out_size)), want, **TOL)


def test_adaptive_average_pool_windows():
    x = np.arange(11, dtype=np.float32).reshape(1, 11, 1)
    want = [x[0, 0:3, 0].mean(), x[0, 2:6, 0].mean(), x[0, 5:9, 0].mean(), x[0, 8:11, 0].mean()]
    check_op(lambda a: ops.adaptive_average_pool(a, 4), x, expected=np.array(want, np.float32).reshape(1, 4, 1))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("block", [2, 3])
def test_depth_to_space_and_back(block, data_format):
    shape = (2, 2, 3, 2 * block * block) if data_format == "channels_last" else (2, 2 * block * block, 2, 3)
    x = rand(*shape)
    want = keras.ops.depth_to_space(x, block, data_format)
    y = check_op(lambda a: ops.depth_to_space(a, block, data_format), x, expected=np.asarray(want))
    back = keras.ops.space_to_depth(y, block, data_format)
    check_op(lambda a: ops.space_to_depth(a, block, data_format), y, expected=np.asarray(back))
    np.testing.assert_array_equal(np.asarray(back), x)


def _cnn(x, k1, k2):
    h = ops.relu(ops.conv(x, k1, padding="same"))
    h = ops.max_pool(ops.conv(h, k2, strides=2), 2, padding="same")
    return ops.average_pool(h, 2, 1, "same")


def test_symbolic_batch_flows_through_conv_and_pool():
    k1, k2 = rand(3, 3, 1, 4), rand(3, 3, 4, 8)
    g = hornet.trace(lambda x: _cnn(x, k1, k2), hornet.TensorSpec((None, 28, 28, 1)))
    assert [str(t) for t in g.output_types] == ["float32[batch,7,7,8]"]
    x = rand(3, 28, 28, 1)
    want = np.asarray(_cnn(x, k1, k2))
    for lowering in LOWERINGS:
        np.testing.assert_allclose(run_graph(lowering, g, x)[0], want, **TOL)


def test_symbolic_batch_through_transpose_adaptive_and_pixel_shuffle():
    k = rand(3, 3, 4, 8)

    def f(x):
        y = ops.conv_transpose(x, k, strides=2, padding="same")
        y = ops.depth_to_space(ops.adaptive_max_pool(y, (5, 5)), 2)
        return ops.space_to_depth(y, 2, "channels_last")

    g = hornet.trace(f, hornet.TensorSpec((None, 6, 6, 8)))
    assert [str(t) for t in g.output_types] == ["float32[batch,5,5,4]"]
    x = rand(2, 6, 6, 8)
    np.testing.assert_allclose(run_graph("numpy", g, x)[0], np.asarray(f(x)), **TOL)


def test_conv_channel_mismatch_names_the_shapes():
    with pytest.raises(ShapeError, match=r"\(2, 8, 8, 3\).*\(3, 3, 2, 4\)"):
        ops.conv(np.ones((2, 8, 8, 3), np.float32), np.ones((3, 3, 2, 4), np.float32))
    with pytest.raises(ShapeError, match=r"\(batch, 8, 8, 3\).*\(3, 3, 5, 4\)"):
        hornet.trace(lambda x: ops.conv(x, np.ones((3, 3, 5, 4), np.float32)), hornet.TensorSpec((None, 8, 8, 3)))
    with pytest.raises(ShapeError, match=r"\(2, 8, 8, 3\).*\(3, 3, 4, 4\)"):
        ops.conv_transpose(np.ones((2, 8, 8, 3), np.float32), np.ones((3, 3, 4, 4), np.float32))
    with pytest.raises(ShapeError, match="rank"):
        ops.conv(np.ones((2, 8, 8, 3), np.float32), np.ones((3, 3, 4), np.float32))


def test_window_larger_than_input_with_valid_padding():
    with pytest.raises(ShapeError, match=r"larger than the input.*\(1, 3, 3, 2\)"):
        ops.max_pool(np.ones((1, 3, 3, 2), np.float32), 4)
    with pytest.raises(ShapeError, match="larger than the input"):
        ops.average_pool(np.ones((1, 3, 3, 2), np.float32), (2, 5))
    with pytest.raises(ShapeError, match="larger than the input"):
        ops.conv(np.ones((1, 4, 4, 2), np.float32), np.ones((3, 3, 2, 1), np.float32), dilation_rate=2)
    assert ops.max_pool(np.ones((1, 3, 3, 2), np.float32), 4, padding="same").shape == (1, 1, 1, 2)


def test_argument_errors():
    x = np.ones((1, 4, 4, 2), np.float32)
    with pytest.raises(HornetError, match="padding"):
        ops.max_pool(x, 2, padding="full")
    with pytest.raises(HornetError, match="data_format"):
        ops.max_pool(x, 2, data_format="NHWC")
    with pytest.raises(HornetError, match="pool_size"):
        ops.max_pool(x, (2, 2, 2))
    with pytest.raises(ShapeError, match="divisible"):
        ops.depth_to_space(np.ones((1, 2, 2, 6), np.float32), 2)
