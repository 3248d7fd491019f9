"""Bidirectional and TimeDistributed against Keras 3 (JAX backend): merged outputs with copied weights, states,
masks, a custom backward layer, output shapes, symbolic batch, config round trip and errors."""
import functools

import numpy as np
import pytest

import layer_oracle
from layer_oracle import close, rand

import hornet
from hornet.api.layers import core, rnn, wrappers
from hornet.ir.errors import ShapeError

B, T, F, U = 3, 5, 4, 3
build_pair = functools.partial(layer_oracle.build_pair, seed=40, scale=0.5)


def bidi_pair(keras, rnn_name, rnn_kwargs, merge_mode="concat", shape=(B, T, F)):
    k = keras.layers.Bidirectional(getattr(keras.layers, rnn_name)(U, **rnn_kwargs), merge_mode=merge_mode)
    h = wrappers.Bidirectional(getattr(rnn, rnn_name)(U, **rnn_kwargs), merge_mode=merge_mode)
    return build_pair(h, k, shape)


@pytest.mark.parametrize("rnn_name,rnn_kwargs,merge_mode", [
    ("LSTM", dict(), "concat"),
    ("LSTM", dict(return_sequences=True), "sum"),
    ("GRU", dict(return_sequences=True), "mul"),
    ("GRU", dict(return_state=True), "ave"),
    ("SimpleRNN", dict(return_sequences=True, return_state=True), None),
    ("LSTM", dict(return_state=True, return_sequences=True), "concat"),
])
def test_bidirectional_matches_keras(keras, rnn_name, rnn_kwargs, merge_mode):
    h, k = bidi_pair(keras, rnn_name, rnn_kwargs, merge_mode)
    x = rand((B, T, F), 1)
    close(h(x), k(x))
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    assert [w.path for w in h.weights] == ["/".join(w.path.split("/")[-2:]) for w in k.weights]
    assert h.compute_output_shape((None, T, F)) == k.compute_output_shape((None, T, F))


@pytest.mark.parametrize("return_sequences", [True, False])
def test_bidirectional_mask(keras, return_sequences):
    h, k = bidi_pair(keras, "GRU", dict(return_sequences=return_sequences))
    x = rand((B, T, F), 2)
    mask = np.ones((B, T), bool)
    mask[0, 3:] = False
    mask[2, 1:] = False
    close(h(x, mask=mask), k(x, mask=mask))
    assert h.forward_layer.zero_output_for_mask == return_sequences
    assert h.compute_mask(x, mask) is (mask if return_sequences else None)


def test_bidirectional_initial_state_and_backward_layer(keras):
    k_fwd, k_bwd = keras.layers.LSTM(U, return_sequences=True), keras.layers.LSTM(U, return_sequences=True,
                                                                                    go_backwards=True,
                                                                                    activation="relu")
    h_fwd, h_bwd = rnn.LSTM(U, return_sequences=True), rnn.LSTM(U, return_sequences=True, go_backwards=True,
                                                                activation="relu")
    k = keras.layers.Bidirectional(k_fwd, backward_layer=k_bwd)
    h = wrappers.Bidirectional(h_fwd, backward_layer=h_bwd)
    assert h.backward_layer is h_bwd and h.forward_layer is not h_fwd
    build_pair(h, k, (B, T, F))
    x = rand((B, T, F), 3)
    states = [rand((B, U), 10 + i) for i in range(4)]
    close(h(x, initial_state=states), k(x, initial_state=states))


def test_bidirectional_symbolic_batch_and_config(keras):
    h, k = bidi_pair(keras, "LSTM", dict(return_sequences=True), "ave")
    graph = hornet.trace(lambda x: h(x), hornet.TensorSpec((None, None, F)))
    assert len([n for n in graph.nodes if n.prim == "scan"]) == 2
    shape = graph.outputs[0].type.shape
    assert isinstance(shape[0], str) and isinstance(shape[1], str) and shape[2] == U
    config = h.get_config()
    assert set(config) == set(k.get_config()) - {"build_config"}
    clone = wrappers.Bidirectional.from_config(config)
    assert clone.merge_mode == "ave" and clone.backward_layer.go_backwards
    x = rand((B, T, F), 4)
    clone.build(x.shape)
    clone.set_weights(h.get_weights())
    close(clone(x), h(x))


def test_bidirectional_errors():
    with pytest.raises(ValueError, match="merge_mode"):
        wrappers.Bidirectional(rnn.LSTM(U), merge_mode="max")
    with pytest.raises(ValueError, match="RNN"):
        wrappers.Bidirectional(core.Dense(U))
    with pytest.raises(ValueError, match="go_backwards"):
        wrappers.Bidirectional(rnn.LSTM(U), backward_layer=rnn.LSTM(U))
    with pytest.raises(ValueError, match="return_sequences"):
        wrappers.Bidirectional(rnn.LSTM(U), backward_layer=rnn.LSTM(U, go_backwards=True, return_sequences=True))
    with pytest.raises(ShapeError, match="rank-3"):
        wrappers.Bidirectional(rnn.GRU(U))(rand((B, F)))


def test_time_distributed_dense(keras):
    k = keras.layers.TimeDistributed(keras.layers.Dense(U, activation="tanh"))
    h = wrappers.TimeDistributed(core.Dense(U, activation="tanh"))
    build_pair(h, k, (B, T, F))
    x = rand((B, T, F), 5)
    close(h(x), k(x))
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    assert h.compute_output_shape((None, T, F)) == k.compute_output_shape((None, T, F))
    graph = hornet.trace(lambda a: h(a), hornet.TensorSpec((None, None, F)))
    shape = graph.outputs[0].type.shape
    assert isinstance(shape[0], str) and isinstance(shape[1], str) and shape[2] == U
    jitted = hornet.jit(h)
    for batch in (2, 4):
        xb = rand((batch, T, F), batch)
        close(jitted(xb), k(xb))
    config = h.get_config()
    assert set(config) == set(k.get_config()) - {"build_config"}
    clone = wrappers.TimeDistributed.from_config(config)
    clone.build(x.shape)
    clone.set_weights(h.get_weights())
    close(clone(x), h(x))


def test_time_distributed_rnn_with_mask(keras):
    """An RNN over the inner axis of (batch, outer, inner, features), with a per-(batch, outer) mask passed on."""
    k = keras.layers.TimeDistributed(keras.layers.GRU(U))
    h = wrappers.TimeDistributed(rnn.GRU(U))
    shape = (B, 2, T, F)
    build_pair(h, k, shape)
    x = rand(shape, 6)
    close(h(x), k(x))
    mask = np.ones((B, 2, T), bool)
    mask[0, 1, 2:] = False
    close(h(x, mask=mask), k(x, mask=mask))
    assert h.compute_output_shape((None, 2, T, F)) == k.compute_output_shape((None, 2, T, F))


def test_time_distributed_errors():
    with pytest.raises(ValueError, match="Layer instance"):
        wrappers.TimeDistributed("dense")
    with pytest.raises(ValueError, match="at least 3 dims"):
        wrappers.TimeDistributed(core.Dense(U)).build((None, F))
    with pytest.raises(ValueError, match="at least 3 dims"):
        wrappers.TimeDistributed(core.Dense(U))(rand((B, F)))
