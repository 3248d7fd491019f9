"""GroupQueryAttention against Keras 3 (JAX backend): weights, outputs and scores with copied weights (gate, no
bias, separate key), masks (padding, causal, sliding window, attention_mask), masks propagated in a functional
model, dropout, config round trip, a compiled model (fit, predict, save/load) and errors."""
import json

import numpy as np
import pytest

from layer_oracle import close, copy_random_weights, keras_config_keys, rand
from model_round_trip import fit_predict_save_load

import hornet
from hornet import layers
from hornet.api.layers.grouped_query_attention import GroupQueryAttention
from hornet.api.saving.serialize import serialize_layer
from hornet.ir.errors import ShapeError

B, TQ, TV, D = 2, 4, 5, 6


def gqa_pair(keras, kwargs, q_shape, v_shape, k_shape=None):
    # Keras's random initializers compile for seconds on JAX; the weights are replaced by copied ones anyway
    k_layer = keras.layers.GroupQueryAttention(**kwargs, kernel_initializer="zeros")
    h_layer = GroupQueryAttention(**kwargs)
    k_layer.build(q_shape, v_shape, k_shape)
    h_layer.build(q_shape, v_shape, k_shape)
    copy_random_weights(h_layer, k_layer, scale=0.4)
    return h_layer, k_layer


CASES = [
    dict(head_dim=3, num_query_heads=4, num_key_value_heads=2),
    dict(head_dim=2, num_query_heads=3, num_key_value_heads=1, use_gate=True, use_bias=False, sliding_window=2),
]


@pytest.mark.parametrize("kwargs", CASES)
def test_matches_keras(keras, kwargs):
    q, v, kk = rand((B, TQ, D), 1), rand((B, TV, D), 2), rand((B, TV, 3), 3)
    h, k = gqa_pair(keras, kwargs, q.shape, v.shape, kk.shape)
    assert [w.path for w in h.weights] == [w.path.split("/", 1)[1] for w in k.weights]
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]
    k_out, k_scores = k(q, v, kk, return_attention_scores=True)
    close(h(q, v, kk), k_out, rtol=1e-5, atol=1e-5)  # the fused attention op
    out, scores = h(q, v, kk, return_attention_scores=True)  # explicit scores
    assert tuple(scores.shape) == (B, kwargs["num_query_heads"], TQ, TV)
    close([out, scores], [k_out, k_scores], rtol=1e-5, atol=1e-5)


def test_masks_match_keras(keras):
    q, v = rand((B, TQ, D), 4), rand((B, TV, D), 5)
    h, k = gqa_pair(keras, CASES[0], q.shape, v.shape)
    v_mask = np.ones((B, TV), bool)
    v_mask[0, 3:] = False
    attn = np.random.default_rng(6).random((B, TQ, TV)) > 0.3
    attn[..., 0] = True  # no fully masked rows
    close(h(q, v, value_mask=v_mask, attention_mask=attn), k(q, v, value_mask=v_mask, attention_mask=attn),
          rtol=1e-5, atol=1e-5)
    close(h(q, q, use_causal_mask=True, return_attention_scores=True),
          k(q, q, use_causal_mask=True, return_attention_scores=True), rtol=1e-5, atol=1e-5)


def test_functional_masks_fit_predict_save_load(keras, tmp_path):
    """Token ids with 0 as padding: the Embedding's mask reaches the attention as query and value masks."""
    ids = np.array([[3, 1, 4, 0], [2, 7, 1, 8], [5, 6, 0, 0], [1, 2, 3, 4]], "int32")

    def build(lib, make, init):
        inp = lib.Input((TQ,), dtype="int32")
        x = lib.layers.Embedding(10, D, mask_zero=True, embeddings_initializer=init)(inp)
        x = make(head_dim=2, num_query_heads=2, num_key_value_heads=1, kernel_initializer=init)(x, x)
        return lib.Model(inp, lib.layers.Dense(1, kernel_initializer=init)(lib.layers.Flatten()(x)))

    k_model = build(keras, keras.layers.GroupQueryAttention, "zeros")  # the weights are copied below
    model = build(hornet, layers.GroupQueryAttention, "glorot_uniform")
    copy_random_weights(model, k_model, seed=0, scale=0.5)
    close(model(ids), k_model(ids), rtol=1e-5, atol=1e-5)
    fit_predict_save_load(model, ids, rand((4, 1), 7), tmp_path)


def test_dropout_and_symbolic_batch():
    layer = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=0.5, seed=1)
    x = rand((B, TQ, D), 8)
    a, b = np.asarray(layer(x, x, training=True)), np.asarray(layer(x, x, training=True))
    inference = np.asarray(layer(x, x))
    assert not np.allclose(a, b) and not np.allclose(a, inference)
    close(layer(x, x, return_attention_scores=True, training=True)[1], layer(x, x, return_attention_scores=True)[1])
    graph = hornet.trace(lambda t: layer(t, t), hornet.TensorSpec((None, None, D)))
    assert str(graph.output_types[0]).startswith("float32[batch,") and graph.output_types[0].shape[-1] == D
    close(hornet.jit(lambda t: layer(t, t))(x), inference, rtol=1e-6, atol=1e-6)


def test_config_round_trip(keras):
    kwargs = dict(head_dim=2, num_query_heads=4, num_key_value_heads=2, dropout=0.1, use_gate=True,
                  sliding_window=3, kernel_initializer="he_normal", seed=2)
    layer = GroupQueryAttention(**kwargs, flash_attention=False)
    config = layer.get_config()
    json.dumps(config)
    # as in Keras, flash_attention (a backend hint) is not part of the config
    assert set(config) == keras_config_keys(keras.layers.GroupQueryAttention) - {"flash_attention"}
    assert {key: config[key] for key in kwargs if key != "kernel_initializer"} == \
        {key: v for key, v in kwargs.items() if key != "kernel_initializer"}
    clone = GroupQueryAttention.from_config(config)
    x = rand((B, TQ, D), 9)
    layer(x, x)
    clone(x, x)
    clone.set_weights(layer.get_weights())
    close(clone(x, x), layer(x, x))
    assert clone.get_config() == {**config, "name": clone.name}
    # Keras files name the class by its exported name; its layers are named after its class GroupedQueryAttention
    assert serialize_layer(layer)["class_name"] == "GroupQueryAttention"
    assert GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1).name.startswith(
        "grouped_query_attention")


def test_errors():
    with pytest.raises(ValueError, match="divisible"):
        GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="head_dim"):
        GroupQueryAttention(head_dim=0, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ValueError, match="flash attention"):
        GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=0.2, flash_attention=True)
    flash = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, flash_attention=True)
    x = rand((B, TQ, D), 10)
    with pytest.raises(ValueError, match="flash_attention=True"):
        flash(x, x, return_attention_scores=True)
    layer = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ShapeError, match=r"grouped_query_attention.*rank-3 `query`.*\(2, 4, 3, 2\)"):
        layer(np.zeros((B, TQ, 3, 2), "float32"), x)
    with pytest.raises(ValueError, match="last dims of the query and value"):
        layer.compute_output_shape((None, TQ, D), (None, TV, 4))
