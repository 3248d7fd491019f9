"""Recurrent layers against Keras 3 (JAX backend): outputs with copied weights, masks, initial states, the
single scan prim in the IR, symbolic batch/time, config round trip, gradients, dropout, stateful, errors."""
import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, close, copy_random_weights, rand
from layer_oracle import build_pair as build_layers

import hornet
from hornet import ops
from hornet.api.layers import rnn
from hornet.api.layers.layer import Layer
from hornet.ir.errors import ShapeError

B, T, F, U = 3, 6, 4, 5


def build_pair(keras, name, kwargs, shape=(B, T, F)):
    """hornet and Keras layers built on ``shape``, with the same random weights."""
    return build_layers(getattr(rnn, name)(**kwargs), getattr(keras.layers, name)(**kwargs), shape, scale=0.5)


CASES = [
    ("SimpleRNN", dict(units=U, activation="relu", use_bias=False, return_sequences=True)),
    ("LSTM", dict(units=U, return_sequences=True, return_state=True)),
    ("LSTM", dict(units=U, go_backwards=True, use_bias=False, recurrent_activation="hard_sigmoid")),
    ("GRU", dict(units=U, return_state=True)),
    ("GRU", dict(units=U, reset_after=False, return_sequences=True, go_backwards=True)),
    ("GRU", dict(units=U, use_bias=False, reset_after=False)),
]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_matches_keras(keras, name, kwargs):
    h, k = build_pair(keras, name, kwargs)
    x = rand((B, T, F), 1)
    close(h(x), k(x))
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_output_shape_matches_keras(keras, name, kwargs):
    h, k = build_pair(keras, name, kwargs)
    assert h.compute_output_shape((None, T, F)) == k.compute_output_shape((None, T, F))


@pytest.mark.parametrize("name,extra", [
    ("SimpleRNN", dict(return_sequences=True)), ("LSTM", dict()),
    ("LSTM", dict(go_backwards=True, return_sequences=True)), ("GRU", dict(return_sequences=True)),
    ("GRU", dict(return_sequences=True, zero_output_for_mask=True))])
def test_mask_keeps_previous_state(keras, name, extra):
    h, k = build_pair(keras, name, dict(units=U, return_state=True, **extra))
    x = rand((B, T, F), 2)
    mask = np.ones((B, T), bool)
    mask[0, 4:] = False      # right padding
    mask[1, :2] = False      # left padding
    mask[2, 3] = False       # a hole
    close(h(x, mask=mask), k(x, mask=mask))


def test_embedding_mask_zero_in_functional_model(keras):
    """Token ids with 0 as padding: the Embedding's mask reaches the LSTM, which skips the padded steps."""
    from hornet.api.layers.core import Embedding
    from hornet.api.layers.input_layer import Input
    from hornet.api.models.functional import Functional

    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2], [5, 0, 0, 0, 0]], "int32")
    k_in = keras.Input((5,), dtype="int32")
    k_emb = keras.layers.Embedding(10, F, mask_zero=True)
    k_lstm = keras.layers.LSTM(U, return_sequences=True)
    k_model = keras.Model(k_in, k_lstm(k_emb(k_in)))
    h_in = Input((5,), dtype="int32")
    h_emb = Embedding(10, F, mask_zero=True)
    h_lstm = rnn.LSTM(U, return_sequences=True)
    h_model = Functional(h_in, h_lstm(h_emb(h_in)))
    copy_random_weights(h_model, k_model, seed=0, scale=0.5)
    out = np.asarray(h_model(ids))
    close(out, k_model(ids))
    # a padded step repeats the previous output, exactly as Keras does
    np.testing.assert_array_equal(out[2, 1:], np.broadcast_to(out[2, :1], (4, U)))


@pytest.mark.parametrize("name,n_states", [("LSTM", 2), ("GRU", 1)])
def test_initial_state(keras, name, n_states):
    h, k = build_pair(keras, name, dict(units=U, return_sequences=True, return_state=True))
    x = rand((B, T, F), 3)
    states = [rand((B, U), 20 + i) for i in range(n_states)]
    close(h(x, initial_state=states), k(x, initial_state=states))
    if n_states == 1:  # a single tensor is accepted too
        close(h(x, initial_state=states[0]), k(x, initial_state=states))
    with pytest.raises(ValueError, match="initial_state"):
        h(x, initial_state=states + [states[0]])


def scan_nodes(graph):
    return [n for n in graph.nodes if n.prim == "scan"]


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_one_scan_prim_symbolic_batch_and_time(name):
    layer = getattr(rnn, name)(U, return_sequences=True)
    graph = hornet.trace(lambda x: layer(x), hornet.TensorSpec((None, None, F)))
    assert len(scan_nodes(graph)) == 1
    out = graph.outputs[0].type.shape
    assert isinstance(out[0], str) and isinstance(out[1], str) and out[2] == U
    graph = hornet.trace(lambda x: layer(x), hornet.TensorSpec((None, 50, F)))
    assert len(scan_nodes(graph)) == 1  # no unrolling, whatever the length


def test_jit_two_batch_sizes(keras):
    h, k = build_pair(keras, "GRU", dict(units=U, return_sequences=True))
    jitted = hornet.jit(h)
    for batch in (2, 5):
        x = rand((batch, T, F), batch)
        close(jitted(x), k(x))
    assert jitted.cache_size <= 2


@pytest.mark.parametrize("name,kwargs", [("LSTM", dict(units=U, return_state=True, go_backwards=True)),
                                         ("GRU", dict(units=U, reset_after=False, return_sequences=True)),
                                         ("SimpleRNN", dict(units=U, activation="relu"))])
def test_config_round_trip(keras, name, kwargs):
    h, k = build_pair(keras, name, kwargs)
    config = h.get_config()
    # Keras's SimpleRNN omits `seed` from its config although it accepts it; hornet keeps it
    assert set(k.get_config()) - {"build_config"} <= set(config) <= set(k.get_config()) | {"seed"}
    clone = getattr(rnn, name).from_config(config)
    x = rand((B, T, F), 4, 0.5)
    clone.build(x.shape)
    clone.set_weights(h.get_weights())
    close(clone(x), h(x))
    assert clone.units == U and clone.return_state == h.return_state


def test_generic_rnn_over_cells(keras):
    for cell in ("SimpleRNNCell", "GRUCell"):
        h = rnn.RNN(getattr(rnn, cell)(U), return_sequences=True)
        k = keras.layers.RNN(getattr(keras.layers, cell)(U), return_sequences=True)
        x = rand((B, T, F), 5)
        build_layers(h, k, x.shape, seed=0, scale=0.5)
        close(h(x), k(x))
        clone = rnn.RNN.from_config(h.get_config())
        clone.build(x.shape)
        clone.set_weights(h.get_weights())
        close(clone(x), h(x))


def test_gru_without_bias_reset_after(keras):
    """Keras's fused GRU path fails for use_bias=False under jax x64, so its generic RNN(GRUCell) is the oracle."""
    k = keras.layers.RNN(keras.layers.GRUCell(U, use_bias=False), return_sequences=True)
    h = rnn.GRU(U, use_bias=False, return_sequences=True)
    x = rand((B, T, F), 12)
    build_layers(h, k, x.shape, seed=0, scale=0.5)
    close(h(x), k(x))


class MinimalCell(Layer):
    """A user cell (as in the Keras guide): output = x @ W + h @ U."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
        self.u = self.add_weight(shape=(self.units, self.units), name="u")

    def call(self, inputs, states):
        out = ops.matmul(inputs, self.w) + ops.matmul(states[0], self.u)
        return out, [out]


def test_custom_cell():
    layer = rnn.RNN(MinimalCell(3), return_sequences=True)
    x = rand((2, 4, F), 6)
    y = np.asarray(layer(x))
    w, u = (v.numpy() for v in layer.weights)
    h = np.zeros((2, 3), "float32")
    for t in range(4):
        h = x[:, t] @ w + h @ u
        np.testing.assert_allclose(y[:, t], h, rtol=RTOL, atol=ATOL)
    assert len(scan_nodes(hornet.trace(lambda x: layer(x), hornet.TensorSpec((None, 4, F))))) == 1


@pytest.mark.parametrize("name,kwargs", [("LSTMCell", {}), ("GRUCell", {"reset_after": False})])
def test_cell_step_matches_keras(keras, name, kwargs):
    h, k = build_pair(keras, name, dict(units=U, **kwargs), shape=(B, F))
    x = rand((B, F), 7)
    states = [rand((B, U), 30 + i, 0.5) for i in range(2 if name == "LSTMCell" else 1)]
    close(h(x, states), k(x, states))


def test_lstm_unit_forget_bias_and_initializers():
    layer = rnn.LSTM(U, bias_initializer="ones")
    layer.build((None, T, F))
    np.testing.assert_array_equal(layer.cell.bias.numpy(), np.ones(4 * U))
    layer = rnn.LSTM(U)
    layer.build((None, T, F))
    bias = layer.cell.bias.numpy()
    np.testing.assert_array_equal(bias[U:2 * U], 1.0)
    np.testing.assert_array_equal(np.delete(bias, np.s_[U:2 * U]), 0.0)
    r = layer.cell.recurrent_kernel.numpy()  # orthogonal: (U, 4U) with orthonormal rows
    np.testing.assert_allclose(r @ r.T, np.eye(U), atol=1e-5)


def test_grad_through_lstm_matches_jax(keras):
    import jax
    import jax.numpy as jnp

    h, k = build_pair(keras, "LSTM", dict(units=U, return_sequences=True))
    x = rand((B, T, F), 8)

    def h_loss(weights, x):
        return ops.sum(ops.square(h(x)))

    h_grads = ops.grad(h_loss, argnums=(0, 1))(h.trainable_weights, x)

    def k_loss(weights, x):
        out, _ = k.stateless_call(weights, [v.value for v in k.non_trainable_variables], x)
        return jnp.sum(jnp.square(out))

    k_grads = jax.grad(k_loss, argnums=(0, 1))([v.value for v in k.trainable_weights], jnp.asarray(x))
    for a, b in zip(h_grads[0], k_grads[0]):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(h_grads[1]), np.asarray(k_grads[1]), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM"])
def test_dropout(keras, name):
    h, k = build_pair(keras, name, dict(units=U, dropout=0.5, recurrent_dropout=0.3, return_sequences=True,
                                        seed=1))
    x = rand((B, T, F), 9)
    close(h(x, training=False), k(x, training=False))
    a, b = np.asarray(h(x, training=True)), np.asarray(h(x, training=True))
    assert a.shape == (B, T, U) and np.all(np.isfinite(a))
    assert not np.allclose(a, np.asarray(h(x, training=False)))
    assert not np.allclose(a, b)  # fresh masks per call
    graph = hornet.trace(lambda x: h(x, training=True), hornet.TensorSpec((None, T, F)))
    assert len(scan_nodes(graph)) == 1


def test_stateful(keras):
    h, k = build_pair(keras, "GRU", dict(units=U, stateful=True), shape=(B, T, F))
    x1, x2 = rand((B, T, F), 10), rand((B, T, F), 11)
    close(h(x1), k(x1))
    close(h(x2), k(x2))  # continues from the state left by x1
    h.reset_state()
    k.reset_state()
    close(h(x2), k(x2))
    assert len(h.weights) == 3  # the state variables are not weights
    with pytest.raises(ValueError, match="static batch"):
        rnn.LSTM(U, stateful=True).build((None, T, F))


def test_errors():
    with pytest.raises(ShapeError, match="rank-3"):
        rnn.LSTM(U)(np.zeros((B, F), "float32"))
    with pytest.raises(ValueError, match="units"):
        rnn.GRU(0)
    with pytest.raises(ValueError, match="state_size"):
        rnn.RNN(object())
    with pytest.raises(ValueError, match="mask"):
        rnn.LSTM(U)(np.zeros((B, T, F), "float32"), mask=np.ones((B, T, 1), bool))


# --- StackedRNNCells ------------------------------------------------------------------------------------------------


def stacked_pair(keras, cells, shape=(B, T, F), **kwargs):
    """RNN([cells...]) in hornet and Keras with the same random weights; ``cells`` are (name, kwargs) pairs."""
    k = keras.layers.RNN([getattr(keras.layers, n)(**kw) for n, kw in cells], **kwargs)
    h = rnn.RNN([getattr(rnn, n)(**kw) for n, kw in cells], **kwargs)
    return build_layers(h, k, shape, seed=40, scale=0.5)


STACK = [("GRUCell", dict(units=U)), ("LSTMCell", dict(units=3)), ("SimpleRNNCell", dict(units=2))]


@pytest.mark.parametrize("kwargs", [dict(return_sequences=True, return_state=True),
                                    dict(go_backwards=True, return_sequences=True, zero_output_for_mask=True)])
def test_stacked_cells_match_keras(keras, kwargs):
    h, k = stacked_pair(keras, STACK, **kwargs)
    assert isinstance(h.cell, rnn.StackedRNNCells) and h.cell.state_size == [U, [3, 3], 2]
    x = rand((B, T, F), 50)
    close(h(x), k(x))
    mask = np.ones((B, T), bool)
    mask[0, 4:] = False
    mask[1, :2] = False
    close(h(x, mask=mask), k(x, mask=mask))
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]


def test_stacked_cells_initial_state_config_and_symbolic(keras):
    h, k = stacked_pair(keras, STACK[:2], return_state=True)
    x = rand((B, T, F), 51)
    init = [[rand((B, U), 52, 0.5)], [rand((B, 3), 53, 0.5), rand((B, 3), 54, 0.5)]]
    close(h(x, initial_state=init), k(x, initial_state=init))
    config = h.get_config()
    assert config["cell"]["class_name"] == "StackedRNNCells"
    assert [c["class_name"] for c in config["cell"]["config"]["cells"]] == ["GRUCell", "LSTMCell"]
    clone = rnn.RNN.from_config(config)
    clone.build(x.shape)
    clone.set_weights(h.get_weights())
    close(clone(x), h(x))
    graph = hornet.trace(lambda t: h(t), hornet.TensorSpec((None, None, F)))
    assert len(scan_nodes(graph)) == 1
    assert [str(t) for t in graph.output_types] == ["float32[batch,3]", f"float32[batch,{U}]", "float32[batch,3]",
                                                    "float32[batch,3]"]


def test_stacked_cells_step_matches_keras(keras):
    cells_h = rnn.StackedRNNCells([rnn.LSTMCell(U), rnn.GRUCell(3, reset_after=False)])
    cells_k = keras.layers.StackedRNNCells([keras.layers.LSTMCell(U), keras.layers.GRUCell(3, reset_after=False)])
    build_layers(cells_h, cells_k, (B, F), seed=60, scale=0.5)
    x = rand((B, F), 61)
    states = [[rand((B, U), 62, 0.5), rand((B, U), 63, 0.5)], [rand((B, 3), 64, 0.5)]]
    close(cells_h(x, states), cells_k(x, states))
    assert cells_h.output_size == 3 and cells_h.state_size == [[U, U], 3]
    clone = rnn.StackedRNNCells.from_config(cells_h.get_config())
    assert [type(c).__name__ for c in clone.cells] == ["LSTMCell", "GRUCell"] and not clone.cells[1].reset_after


def test_stacked_cells_stateful_and_dropout(keras):
    h, k = stacked_pair(keras, STACK[:2], stateful=True)
    x1, x2 = rand((B, T, F), 70), rand((B, T, F), 71)
    close(h(x1), k(x1))
    close(h(x2), k(x2))
    h.reset_state()
    for v in keras.tree.flatten(k.states):  # Keras's reset_state() fails on nested (stacked) states
        v.assign(np.zeros(v.shape, "float32"))
    close(h(x2), k(x2))
    assert len(h.weights) == len(k.weights)  # the state variables are not weights
    layer = rnn.RNN([rnn.LSTMCell(U, dropout=0.5, recurrent_dropout=0.3, seed=1),
                     rnn.GRUCell(3, dropout=0.4, seed=2)], return_sequences=True)
    x = rand((B, T, F), 72)
    a, b = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert a.shape == (B, T, 3) and not np.allclose(a, b)
    assert not np.allclose(a, np.asarray(layer(x, training=False)))
    graph = hornet.trace(lambda t: layer(t, training=True), hornet.TensorSpec((None, T, F)))
    assert len(scan_nodes(graph)) == 1
    assert all(c._dropout_mask is None for c in layer.cell.cells)  # masks are per call


def test_stacked_cells_errors():
    with pytest.raises(ValueError, match="state_size"):
        rnn.StackedRNNCells([rnn.GRUCell(U), Layer()])
    with pytest.raises(ValueError, match="call"):
        rnn.StackedRNNCells([rnn.GRUCell(U), object()])
    with pytest.raises(ValueError, match="non-empty list"):
        rnn.StackedRNNCells([])
    layer = rnn.RNN([rnn.GRUCell(U), rnn.GRUCell(U)], return_state=True)
    with pytest.raises(ValueError, match="initial_state"):
        layer(np.zeros((B, T, F), "float32"), initial_state=[np.zeros((B, U), "float32")])
