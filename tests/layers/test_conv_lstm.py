"""ConvLSTM1D/2D/3D against Keras 3 (JAX backend): outputs with copied weights (strides, padding, dilation,
channels_first, states, go_backwards), masks and initial states, stateful, dropout, the single scan prim,
config round trip, a compiled model (fit, predict, save/load) and errors."""
import json

import numpy as np
import pytest

from layer_oracle import build_pair, close, keras_config_keys, rand
from model_round_trip import fit_predict_save_load

import hornet
from hornet import layers
from hornet.api.layers import conv_lstm
from hornet.ir.errors import ShapeError

B, T = 2, 3

CASES = [
    ("ConvLSTM1D", dict(filters=3, kernel_size=2, dilation_rate=2, return_sequences=True), (B, T, 7, 2)),
    ("ConvLSTM2D", dict(filters=2, kernel_size=2, strides=2, data_format="channels_first", use_bias=False,
                        unit_forget_bias=False, return_state=True, go_backwards=True), (B, T, 3, 6, 5)),
    ("ConvLSTM3D", dict(filters=2, kernel_size=2, recurrent_activation="hard_sigmoid"), (B, T, 3, 4, 3, 1)),
]


def pair(keras, name, kwargs, shape):
    # Keras's random initializers compile for seconds on JAX; the weights are replaced by copied ones anyway
    k_layer = getattr(keras.layers, name)(**kwargs, kernel_initializer="zeros", recurrent_initializer="zeros")
    return build_pair(getattr(conv_lstm, name)(**kwargs), k_layer, shape, scale=0.4)


@pytest.mark.parametrize("name,kwargs,shape", CASES)
def test_matches_keras(keras, name, kwargs, shape):
    h, k = pair(keras, name, kwargs, shape)
    x = rand(shape, 1)
    if kwargs.get("return_state"):  # and initial states
        state = rand(k.compute_output_shape(shape)[1], 2, 0.5)
        close(h(x, initial_state=[state, -state]), k(x, initial_state=[state, -state]), rtol=1e-5, atol=1e-5)
    else:
        close(h(x), k(x), rtol=1e-5, atol=1e-5)
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]
    assert h.compute_output_shape((None, *shape[1:])) == k.compute_output_shape((None, *shape[1:]))
    assert h.filters == kwargs["filters"] and h.kernel_size == k.kernel_size


def test_mask_and_one_scan():
    shape = (B, T, 4, 4, 2)
    h = conv_lstm.ConvLSTM2D(filters=2, kernel_size=3, padding="same", return_sequences=True, return_state=True)
    x = rand(shape, 2)
    states = [rand((B, 4, 4, 2), 3, 0.5), rand((B, 4, 4, 2), 4, 0.5)]
    # masked steps keep the states (Keras's own ConvLSTM fails on a mask): as running each sample on its
    # unmasked steps only
    mask = np.array([[True, True, False], [False, True, True]])
    seq, h_t, c_t = h(x, mask=mask, initial_state=states)
    for i, steps in enumerate((slice(0, 2), slice(1, 3))):
        _, want_h, want_c = h(x[i:i + 1, steps], initial_state=[s[i:i + 1] for s in states])
        close([h_t[i:i + 1], c_t[i:i + 1]], [want_h, want_c], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(np.asarray(seq)[0, 2], np.asarray(seq)[0, 1])  # a masked step repeats
    graph = hornet.trace(lambda t: h(t), hornet.TensorSpec((None, None, 4, 4, 2)))
    assert [n.prim for n in graph.nodes].count("scan") == 1
    assert [str(t) for t in graph.output_types][1] == "float32[batch,4,4,2]"


def test_stateful_and_dropout():
    shape = (B, T, 5, 2)
    layer = conv_lstm.ConvLSTM1D(2, 2, stateful=True, return_state=True)
    x1, x2 = rand(shape, 5), rand(shape, 6)
    _, h1, c1 = layer(x1)
    close(layer(x2), _copy(layer)(x2, initial_state=[h1, c1]), rtol=1e-6, atol=1e-6)  # continues from x1's
    layer.reset_state()
    close(layer(x2), _copy(layer)(x2), rtol=1e-6, atol=1e-6)
    assert len(layer.weights) == 3  # the state variables are not weights
    drop = conv_lstm.ConvLSTM1D(2, 2, dropout=0.4, recurrent_dropout=0.3, seed=1, return_sequences=True)
    x = rand(shape, 7)
    a, b = np.asarray(drop(x, training=True)), np.asarray(drop(x, training=True))
    assert a.shape == (B, T, 4, 2) and np.all(np.isfinite(a))
    plain = _copy(drop)
    close(drop(x, training=False), plain(x))
    assert not np.allclose(a, b) and not np.allclose(a, np.asarray(plain(x)))
    assert drop.cell._dropout_mask is None and drop.cell._recurrent_dropout_mask is None  # masks are per call


def _copy(layer):
    """A non-stateful, dropout-free layer with the same weights."""
    config = {**layer.get_config(), "stateful": False, "dropout": 0.0, "recurrent_dropout": 0.0,
              "name": layer.name + "_copy"}
    clone = type(layer).from_config(config)
    clone.build((B, T, *layer.cell.spatial_dims, layer.cell.input_dim))
    clone.set_weights(layer.get_weights())
    return clone


def test_config_round_trip(keras):
    kwargs = dict(filters=2, kernel_size=(2, 3), strides=1, padding="same", dilation_rate=(1, 2),
                  return_sequences=True, go_backwards=True, dropout=0.1, seed=3)
    shape = (B, T, 4, 5, 2)
    h = conv_lstm.ConvLSTM2D(**kwargs)
    h.build(shape)
    config = h.get_config()
    json.dumps(config)
    # Keras's ConvLSTM configs also hold the RNN arguments its constructors take through **kwargs
    assert set(config) == keras_config_keys(keras.layers.ConvLSTM2D) | {"unroll", "zero_output_for_mask"}
    assert {key: config[key] for key in kwargs} == {**kwargs, "kernel_size": (2, 3), "strides": (1, 1)}
    assert config["unit_forget_bias"] and config["recurrent_initializer"]["class_name"] == "Orthogonal"
    clone = conv_lstm.ConvLSTM2D.from_config(config)
    clone.build(shape)
    clone.set_weights(h.get_weights())
    x = rand(shape, 8)
    close(clone(x), h(x))
    assert clone.get_config() == {**config, "name": clone.name}


def test_compiled_model_fit_predict_save_load(tmp_path):
    inp = hornet.Input((T, 4, 4, 1))
    conv = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, return_state=True)
    seq, h, c = conv(inp)
    assert tuple(seq.shape) == (None, T, 4, 4, 2) and tuple(h.shape) == tuple(c.shape) == (None, 4, 4, 2)
    model = hornet.Model(inp, layers.GlobalAveragePooling2D()(layers.Add()([h, c])))
    x = rand((4, T, 4, 4, 1), 11)
    _, h_eager, c_eager = conv(x)
    close(model.predict(x, verbose=0), np.mean(np.asarray(h_eager) + np.asarray(c_eager), axis=(1, 2)),
          rtol=1e-5, atol=1e-6)
    fit_predict_save_load(model, x, rand((4, 2), 12), tmp_path)


def test_errors():
    with pytest.raises(ShapeError, match=r"conv_lstm2d.*ConvLSTM2D.*rank-5 input \(batch, time, rows, cols, "
                                         r"channels\).*\(2, 3, 4, 2\)"):
        layers.ConvLSTM2D(2, 2)(np.zeros((2, 3, 4, 2), "float32"))
    with pytest.raises(ShapeError, match=r"ConvLSTM1D.*rank-4"):
        layers.ConvLSTM1D(2, 2)(np.zeros((2, 3, 4, 2, 1), "float32"))
    with pytest.raises(ShapeError, match="static spatial dims"):
        layers.ConvLSTM1D(2, 2).build((None, T, None, 2))
    with pytest.raises(ValueError, match="output size would be zero"):
        layers.ConvLSTM1D(2, 5).build((None, T, 3, 2))
    with pytest.raises(ValueError, match="filters"):
        layers.ConvLSTM2D(0, 2)
    with pytest.raises(ValueError, match="padding"):
        layers.ConvLSTM3D(2, 2, padding="causal")
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.ConvLSTM2D(2, 2, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="static batch"):
        layers.ConvLSTM1D(2, 2, stateful=True).build((None, T, 5, 2))
