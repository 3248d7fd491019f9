"""Activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax) against Keras 3 (JAX backend): outputs, output
shapes, PReLU weights, masks, symbolic batch, config round trip, errors."""
import functools

import numpy as np
import pytest

from layer_oracle import check_round_trip, close
from layer_oracle import check_symbolic_batch as _check_symbolic_batch
from layer_oracle import rand as _rand

from hornet.api.layers import activation_layers as act

rand = functools.partial(_rand, scale=3.0)  # wide inputs, past ReLU thresholds and max values
check_symbolic_batch = functools.partial(_check_symbolic_batch, make=rand)


ELEMENTWISE = [
    ("ReLU", {}),
    ("ReLU", dict(max_value=2.5)),
    ("ReLU", dict(negative_slope=0.2)),
    ("ReLU", dict(threshold=1.0)),
    ("ReLU", dict(max_value=4.0, negative_slope=0.1, threshold=0.5)),
    ("LeakyReLU", {}),
    ("LeakyReLU", dict(negative_slope=0.05)),
    ("ELU", {}),
    ("ELU", dict(alpha=0.4)),
    ("Softmax", {}),
    ("Softmax", dict(axis=1)),
    ("Softmax", dict(axis=[1, 2])),
]


@pytest.mark.parametrize("name,kwargs", ELEMENTWISE)
def test_elementwise_matches_keras(keras, name, kwargs):
    shape = (3, 4, 5)
    h, k = getattr(act, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    x = rand(shape, 1)
    close(h(x), k(x))
    assert h.compute_output_shape((None, 4, 5)) == k.compute_output_shape((None, 4, 5))
    assert h.weights == [] and h.supports_masking
    assert set(k.get_config()) <= set(h.get_config())
    check_symbolic_batch(h, shape)
    check_round_trip(h, x)


def test_leaky_relu_alpha_alias_and_relu_errors():
    close(act.LeakyReLU(alpha=0.5)(np.array([-2.0], "float32")), np.array([-1.0]))
    for kwargs, arg in [(dict(max_value=-1.0), "max_value"), (dict(negative_slope=-0.1), "negative_slope"),
                        (dict(threshold=None), "threshold")]:
        with pytest.raises(ValueError, match=arg):
            act.ReLU(**kwargs)
    with pytest.raises(ValueError, match="negative_slope"):
        act.LeakyReLU(negative_slope=-1)


@pytest.mark.parametrize("mask_shape,dtype", [((3, 4, 5), bool), ((3, 1, 5), bool), ((5,), "int32"),
                                              ((3, 4, 5), "float32")])
def test_softmax_mask_matches_keras(keras, mask_shape, dtype):
    x = rand((3, 4, 5), 2)
    mask = np.random.default_rng(3).uniform(size=mask_shape) > 0.3
    mask = mask.astype(dtype)
    for axis in (-1, [1, 2]):
        h, k = act.Softmax(axis=axis), keras.layers.Softmax(axis=axis)
        out = np.asarray(h(x, mask=mask))
        close(out, k(x, mask=mask))
        assert np.all(out[np.broadcast_to(np.asarray(mask) <= 0.5, out.shape)] == 0.0)


def test_softmax_bad_mask():
    with pytest.raises(ValueError, match=r"mask.*\(3, 4\)"):
        act.Softmax()(rand((2, 4)), mask=np.ones((3, 4), bool))
    with pytest.raises(ValueError, match="no more dims"):
        act.Softmax()(rand((4,)), mask=np.ones((2, 4), bool))


PRELU = [
    (dict(), (3, 4, 5)),
    (dict(shared_axes=[1]), (3, 4, 5)),
    (dict(shared_axes=[1, 2], alpha_initializer="ones"), (2, 5, 6, 3)),
    (dict(shared_axes=2, alpha_regularizer="l2", alpha_constraint="non_neg"), (2, 3, 4)),
]


@pytest.mark.parametrize("kwargs,shape", PRELU)
def test_prelu_matches_keras(keras, kwargs, shape):
    h, k = act.PReLU(**kwargs), keras.layers.PReLU(**kwargs)
    h.build(shape)
    k.build(shape)
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]
    close(h.get_weights()[0], k.get_weights()[0])  # same initializer
    alpha = np.random.default_rng(5).uniform(0, 1, k.weights[0].shape).astype("float32")
    k.set_weights([alpha])
    h.set_weights([alpha])
    x = rand(shape, 4)
    close(h(x), k(x))
    assert h.compute_output_shape((None, *shape[1:])) == k.compute_output_shape((None, *shape[1:]))
    assert h.input_spec.ndim == k.input_spec.ndim and h.input_spec.axes == k.input_spec.axes
    if "alpha_regularizer" in kwargs:
        close(h.losses[0], k.losses[0])
    check_symbolic_batch(h, shape)
    check_round_trip(h, x)


def test_prelu_gradient_trains_alpha(keras):
    from hornet import ops

    layer = act.PReLU()
    x = rand((4, 3), 6)
    layer.build(x.shape)
    grads = ops.grad(lambda w: ops.sum(layer(x)))(layer.trainable_weights)
    expected = np.where(x < 0, x, 0.0).sum(axis=0)  # d/d alpha of alpha * min(x, 0)
    close(grads[0], expected)


def test_prelu_errors():
    with pytest.raises(ValueError, match="shared_axes"):
        act.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match=r"shared axis 3 is out of range.*\(None, 4, 5\)"):
        act.PReLU(shared_axes=[3]).build((None, 4, 5))
    with pytest.raises(ValueError, match="must be known"):
        act.PReLU().build((None, None, 5))
    layer = act.PReLU()
    layer.build((None, 4))
    with pytest.raises(ValueError, match=r"expected ndim=2, found ndim=3.*\(2, 4, 1\)"):
        layer(np.zeros((2, 4, 1), "float32"))
