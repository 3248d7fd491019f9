"""nn activations, softmax family, encodings and psnr: eager, traced and on each lowering, against jax.nn / NumPy
(and keras.ops where jax.nn has no such function)."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import check_op, random_array  # noqa: E402
import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import HornetError, ShapeError  # noqa: E402

jax.config.update("jax_enable_x64", True)  # float64 references (hornet's JAX lowering enables it too)


def _jax(f, **kw):
    """A reference computed by jax.nn in float64 (then cast to the input's dtype by the caller)."""
    return lambda x: np.asarray(f(jnp.asarray(x, jnp.float64), **kw))


def _np_soft_shrink(x, t=0.5):
    return np.where(x > t, x - t, np.where(x < -t, x + t, 0.0))


# name -> (hornet op with its keyword args, float64 reference)
ACTIVATIONS = {
    "relu": (ops.relu, _jax(jax.nn.relu)),
    "relu6": (ops.relu6, _jax(jax.nn.relu6)),
    "sigmoid": (ops.sigmoid, _jax(jax.nn.sigmoid)),
    "sparse_sigmoid": (ops.sparse_sigmoid, _jax(jax.nn.sparse_sigmoid)),
    "softplus": (ops.softplus, _jax(jax.nn.softplus)),
    "softsign": (ops.softsign, _jax(jax.nn.soft_sign)),
    "soft_shrink": (ops.soft_shrink, _np_soft_shrink),
    "soft_shrink_1": (lambda x: ops.soft_shrink(x, threshold=1.0), lambda x: _np_soft_shrink(x, 1.0)),
    "sparse_plus": (ops.sparse_plus, _jax(jax.nn.sparse_plus)),
    "silu": (ops.silu, _jax(jax.nn.silu)),
    "swish": (ops.swish, _jax(jax.nn.silu)),
    "squareplus": (ops.squareplus, _jax(jax.nn.squareplus)),
    "squareplus_b1": (lambda x: ops.squareplus(x, b=1), _jax(jax.nn.squareplus, b=1)),
    "log_sigmoid": (ops.log_sigmoid, _jax(jax.nn.log_sigmoid)),
    "leaky_relu": (ops.leaky_relu, _jax(jax.nn.leaky_relu, negative_slope=0.2)),
    "leaky_relu_01": (lambda x: ops.leaky_relu(x, 0.1), _jax(jax.nn.leaky_relu, negative_slope=0.1)),
    "hard_sigmoid": (ops.hard_sigmoid, _jax(jax.nn.hard_sigmoid)),
    "hard_silu": (ops.hard_silu, _jax(jax.nn.hard_silu)),
    "hard_swish": (ops.hard_swish, _jax(jax.nn.hard_silu)),
    "elu": (ops.elu, _jax(jax.nn.elu)),
    "elu_alpha": (lambda x: ops.elu(x, alpha=0.5), _jax(jax.nn.elu, alpha=0.5)),
    "selu": (ops.selu, _jax(jax.nn.selu)),
    "gelu_tanh": (ops.gelu, _jax(jax.nn.gelu, approximate=True)),
    "gelu_erf": (lambda x: ops.gelu(x, approximate=False), _jax(jax.nn.gelu, approximate=False)),
    "celu": (ops.celu, _jax(jax.nn.celu)),
    "celu_alpha": (lambda x: ops.celu(x, alpha=2.0), _jax(jax.nn.celu, alpha=2.0)),
    "glu": (ops.glu, _jax(jax.nn.glu)),
    "glu_axis0": (lambda x: ops.glu(x, axis=0), _jax(jax.nn.glu, axis=0)),
    "tanh_shrink": (ops.tanh_shrink, lambda x: x - np.tanh(x)),
    "hard_tanh": (ops.hard_tanh, _jax(jax.nn.hard_tanh)),
    "hard_shrink": (ops.hard_shrink, lambda x: np.where(np.abs(x) > 0.5, x, 0.0)),
    "threshold": (lambda x: ops.threshold(x, 0.3, -2.0), lambda x: np.where(x > 0.3, x, -2.0)),
    "softmax": (ops.softmax, _jax(jax.nn.softmax)),
    "softmax_axis0": (lambda x: ops.softmax(x, axis=0), _jax(jax.nn.softmax, axis=0)),
    "softmax_both": (lambda x: ops.softmax(x, axis=(0, 1)), _jax(jax.nn.softmax, axis=(0, 1))),
    "log_softmax": (ops.log_softmax, _jax(jax.nn.log_softmax)),
    "log_softmax_axis0": (lambda x: ops.log_softmax(x, axis=0), _jax(jax.nn.log_softmax, axis=0)),
}


# every activation in float32; the ones with exp/log/erf/tanh inside also in half and double precision
PRECISION_CASES = ("softplus", "log_sigmoid", "gelu_tanh", "gelu_erf", "selu", "celu", "squareplus", "softmax",
                   "log_softmax", "silu")
CASES = [(n, "float32") for n in sorted(ACTIVATIONS)] + [(n, d) for n in PRECISION_CASES for d in ("float16",
                                                                                                      "float64")]


@pytest.mark.parametrize("name,dtype", CASES)
def test_activation(name, dtype):
    fn, ref = ACTIVATIONS[name]
    x = random_array((4, 6), dtype, np.random.default_rng(3), low=-4.0, high=4.0)
    x[0, :4] = np.array([-1.0, 0.0, 1.0, 3.0], x.dtype)  # the kinks of the piecewise activations
    want = ref(x.astype(np.float64)).astype(x.dtype)
    check_op(fn, x, expected=want)


@pytest.mark.parametrize("name", ["relu", "relu6"])
def test_relu_keeps_integers(name):
    x = np.array([-3, 0, 4, 9], np.int32)
    want = {"relu": np.maximum(x, 0), "relu6": np.clip(x, 0, 6)}[name].astype(np.int32)
    check_op(getattr(ops, name), x, expected=want)


@pytest.mark.parametrize("name", ["sigmoid", "gelu", "softmax", "elu"])
def test_integer_inputs_become_float32(name):
    x = np.array([[-2, 0, 3]], np.int32)
    out = check_op(getattr(ops, name), x)
    assert out.dtype == np.float32


def test_softplus_and_log_sigmoid_are_stable_for_large_inputs():
    x = np.array([-200.0, -30.0, 0.0, 30.0, 200.0], np.float32)
    check_op(ops.softplus, x, expected=np.logaddexp(x.astype(np.float64), 0.0).astype(np.float32))
    check_op(ops.log_sigmoid, x, expected=(-np.logaddexp(-x.astype(np.float64), 0.0)).astype(np.float32))


def test_softmax_of_large_logits():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1e4, 0.0, -1e4]], np.float32)
    check_op(ops.softmax, x, expected=np.asarray(jax.nn.softmax(x)))
    check_op(ops.log_softmax, x, expected=np.asarray(jax.nn.log_softmax(x)))


def _np_sparsemax(x, axis):
    """Sparsemax by its definition, one slice at a time (Keras 3's JAX version sums the wrong terms for tau)."""
    def one(z):
        zs = np.sort(z)[::-1]
        k = np.arange(1, z.size + 1)
        kmax = k[1 + k * zs > np.cumsum(zs)].max()
        return np.maximum(z - (zs[:kmax].sum() - 1) / kmax, 0)

    return np.apply_along_axis(one, axis, x.astype(np.float64))


@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sparsemax(dtype, axis):
    x = random_array((5, 4), dtype, np.random.default_rng(4), low=-2.0, high=2.0)
    out = check_op(lambda t: ops.sparsemax(t, axis=axis), x, expected=_np_sparsemax(x, axis).astype(x.dtype))
    np.testing.assert_allclose(out.sum(axis=axis), 1.0, rtol=1e-5)
    assert (out == 0).any()


@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("dtype", [None, "int32", "bool", "float16"])
def test_one_hot(axis, dtype):
    x = np.array([[0, 3, 1], [2, -1, 4]], np.int32)  # -1 and 4 are out of range: all-zero rows
    want = np.asarray(jax.nn.one_hot(x, 4, axis=axis, dtype=dtype or jnp.float32))
    check_op(lambda t: ops.one_hot(t, 4, axis=axis, dtype=dtype), x, expected=want)


@pytest.mark.parametrize("shape", [(4,), (2, 3)])
def test_multi_hot(shape):
    x = np.array([0, 2, 2, 4, 1, 0][: int(np.prod(shape))], np.int32).reshape(shape)
    want = np.asarray(keras.ops.multi_hot(x, num_classes=5))
    check_op(lambda t: ops.multi_hot(t, num_classes=5), x, expected=want)
    check_op(lambda t: ops.multi_hot(t, num_tokens=5, dtype="int32"), x, expected=want.astype(np.int32))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_psnr(dtype):
    rng = np.random.default_rng(5)
    a = rng.uniform(0, 1, (2, 8, 8, 3)).astype(dtype)
    b = np.clip(a + rng.normal(0, 0.05, a.shape), 0, 1).astype(dtype)
    mse = np.mean((a.astype(np.float64) - b) ** 2)
    want = np.asarray(20 * np.log10(1.0) - 10 * np.log10(mse), dtype)
    check_op(lambda x, y: ops.psnr(x, y, 1.0), a, b, expected=want, rtol=1e-5 if dtype == "float32" else None)
    np.testing.assert_allclose(np.asarray(keras.ops.psnr(a, b, 1.0)), want, rtol=1e-5)


def test_activations_trace_with_a_symbolic_batch():
    g = hornet.trace(lambda x: ops.softmax(ops.gelu(x)) + ops.relu(x), hornet.TensorSpec((None, 10)))
    assert [str(t) for t in g.output_types] == ["float32[batch,10]"]


def test_softmax_binds_its_composite():
    g = hornet.trace(ops.softmax, hornet.TensorSpec((None, 10)))
    assert g.prim_counts() == {"softmax": 1}
    assert g.nodes[0].op == "softmax"


def test_errors():
    with pytest.raises(ShapeError, match="even"):
        ops.glu(np.ones((2, 3), np.float32))
    with pytest.raises(HornetError, match="num_classes"):
        ops.multi_hot(np.array([1, 2]))
    with pytest.raises(HornetError, match="sparse"):
        ops.one_hot(np.array([1, 2]), 3, sparse=True)
    with pytest.raises(ShapeError, match="must match"):
        ops.psnr(np.ones((2, 2)), np.ones((2, 3)), 1.0)
    with pytest.raises(ShapeError, match="out of bounds"):
        ops.softmax(np.ones((2, 3)), axis=2)
