"""Attention layers against Keras 3 (JAX backend): MultiHeadAttention (weights, masks, causal, attention axes,
scores), Attention and AdditiveAttention; symbolic batch, lazy build under jit, config round trip, errors."""
import numpy as np
import pytest

from layer_oracle import close, copy_random_weights, rand

import hornet
from hornet.api.layers import attention

B, TQ, TV, DQ, DV = 2, 5, 7, 6, 4


def mha_pair(keras, kwargs, q_shape, v_shape, k_shape=None):
    k_layer = keras.layers.MultiHeadAttention(**kwargs)
    h_layer = attention.MultiHeadAttention(**kwargs)
    k_layer.build(q_shape, v_shape, k_shape)
    h_layer.build(q_shape, v_shape, k_shape)
    copy_random_weights(h_layer, k_layer, scale=0.4)
    return h_layer, k_layer


MHA_CASES = [
    dict(num_heads=2, key_dim=3),
    dict(num_heads=3, key_dim=4, value_dim=2, output_shape=8),
    dict(num_heads=2, key_dim=3, use_bias=False),
    dict(num_heads=2, key_dim=3, use_gate=True),
]


@pytest.mark.parametrize("kwargs", MHA_CASES)
def test_mha_matches_keras(keras, kwargs):
    q, v, kk = rand((B, TQ, DQ), 1), rand((B, TV, DV), 2), rand((B, TV, 3), 3)
    h, k = mha_pair(keras, kwargs, q.shape, v.shape, kk.shape)
    close(h(q, v, kk, return_attention_scores=True), k(q, v, kk, return_attention_scores=True))
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    assert [w.path for w in h.weights] == [w.path.split("/", 1)[1] for w in k.weights]
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]
    assert h.compute_output_shape(q.shape, v.shape, kk.shape) == k.compute_output_shape(q.shape, v.shape, kk.shape)


def test_mha_self_attention_and_lazy_build(keras):
    """Called without build: the projections are created on the first call (key defaults to value)."""
    x = rand((B, TQ, DQ), 4)
    k = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    k(x, x)
    h = attention.MultiHeadAttention(num_heads=2, key_dim=4)
    h(x, x)
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    copy_random_weights(h, k, seed=0, scale=0.4)
    close(h(x, x), k(x, x))


def test_mha_masks(keras):
    q, v = rand((B, TQ, DQ), 5), rand((B, TV, DQ), 6)
    h, k = mha_pair(keras, dict(num_heads=2, key_dim=3), q.shape, v.shape)
    rng = np.random.default_rng(7)
    attn_mask = rng.random((B, TQ, TV)) > 0.3
    attn_mask[..., 0] = True  # no fully-masked rows
    close(h(q, v, attention_mask=attn_mask, return_attention_scores=True),
          k(q, v, attention_mask=attn_mask, return_attention_scores=True))
    value_mask = np.ones((B, TV), bool)
    value_mask[0, 4:] = False
    close(h(q, v, value_mask=value_mask), k(q, v, value_mask=value_mask))


def test_mha_causal(keras):
    x = rand((B, TQ, DQ), 8)
    h, k = mha_pair(keras, dict(num_heads=2, key_dim=3), x.shape, x.shape)
    close(h(x, x, use_causal_mask=True, return_attention_scores=True),
          k(x, x, use_causal_mask=True, return_attention_scores=True))
    _, scores = h(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(np.asarray(scores)[0, 0], 1) == 0)
    attn_mask = np.random.default_rng(9).random((B, TQ, TQ)) > 0.4
    attn_mask[..., 0] = True
    close(h(x, x, attention_mask=attn_mask, use_causal_mask=True),
          k(x, x, attention_mask=attn_mask, use_causal_mask=True))


@pytest.mark.parametrize("axes", [None, (2,), (1, 2)])
def test_mha_attention_axes(keras, axes):
    x = rand((B, 3, 4, DQ), 10)
    h, k = mha_pair(keras, dict(num_heads=2, key_dim=3, attention_axes=axes), x.shape, x.shape)
    close(h(x, x, return_attention_scores=True), k(x, x, return_attention_scores=True))


def test_mha_symbolic_batch_jit_and_config(keras):
    q, v = rand((B, TQ, DQ), 11), rand((B, TV, DV), 12)
    h, k = mha_pair(keras, dict(num_heads=2, key_dim=3, value_dim=5, dropout=0.1), q.shape, v.shape)
    graph = hornet.trace(lambda a, b: h(a, b), hornet.TensorSpec((None, TQ, DQ)), hornet.TensorSpec((None, TV, DV)))
    assert isinstance(graph.outputs[0].type.shape[0], str) and graph.outputs[0].type.shape[1:] == (TQ, DQ)
    jitted = hornet.jit(lambda a, b: h(a, b))
    for batch in (2, 3):
        qb, vb = rand((batch, TQ, DQ), batch), rand((batch, TV, DV), batch + 1)
        close(jitted(qb, vb), k(qb, vb))
    config = h.get_config()
    assert set(config) == set(k.get_config()) - {"build_config"}
    clone = attention.MultiHeadAttention.from_config(config)
    clone.build(q.shape, v.shape)
    clone.set_weights(h.get_weights())
    close(clone(q, v), h(q, v))


def test_mha_built_lazily_inside_jit():
    layer = attention.MultiHeadAttention(num_heads=2, key_dim=4)
    x = rand((B, TQ, DQ), 13)
    out = hornet.jit(lambda a: layer(a, a))(x)
    assert out.shape == (B, TQ, DQ) and len(layer.weights) == 8
    close(out, layer(x, x))  # the weights created while tracing are the ones used eagerly


def test_mha_dropout_training():
    layer = attention.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.5, seed=3)
    x = rand((B, TQ, DQ), 14)
    infer = np.asarray(layer(x, x, training=False))
    a, b = np.asarray(layer(x, x, training=True)), np.asarray(layer(x, x, training=True))
    assert a.shape == infer.shape and not np.allclose(a, infer) and not np.allclose(a, b)


def test_mha_errors():
    with pytest.raises(ValueError, match="num_heads"):
        attention.MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="key_dim"):
        attention.MultiHeadAttention(num_heads=2, key_dim=None)
    layer = attention.MultiHeadAttention(num_heads=2, key_dim=2)
    with pytest.raises(ValueError, match="`value` and `key`"):
        layer(rand((B, TQ, DQ)), rand((B, TV, DV)), rand((B, TV + 1, DV)))
    with pytest.raises(ValueError, match="same rank"):
        attention.MultiHeadAttention(num_heads=2, key_dim=2)(rand((B, TQ, DQ)), rand((B, DV)))


ATTN_CASES = [
    ("Attention", dict()),
    ("Attention", dict(use_scale=True)),
    ("Attention", dict(use_scale=True, score_mode="concat")),
    ("AdditiveAttention", dict()),
    ("AdditiveAttention", dict(use_scale=False)),
]


@pytest.mark.parametrize("name,kwargs", ATTN_CASES)
def test_attention_matches_keras(keras, name, kwargs):
    q, v, kk = rand((B, TQ, DV), 15), rand((B, TV, DV), 16), rand((B, TV, DV), 17)
    k = getattr(keras.layers, name)(**kwargs)
    h = getattr(attention, name)(**kwargs)
    k.build([q.shape, v.shape, kk.shape])
    h.build([q.shape, v.shape, kk.shape])
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    copy_random_weights(h, k, seed=30, scale=0.7)
    close(h([q, v]), k([q, v]))
    mask = [np.random.default_rng(18).random((B, TQ)) > 0.3, np.random.default_rng(19).random((B, TV)) > 0.3]
    mask[1][:, 0] = True
    for causal in (False, True):
        close(h([q, v, kk], mask=mask, return_attention_scores=True, use_causal_mask=causal),
              k([q, v, kk], mask=mask, return_attention_scores=True, use_causal_mask=causal))
    shapes = [(None, TQ, DV), (None, TV, DV)]
    assert h.compute_output_shape(shapes) == k.compute_output_shape(shapes)
    config = h.get_config()
    assert set(config) == set(k.get_config()) - {"build_config"}
    clone = getattr(attention, name).from_config(config)
    clone.build([q.shape, v.shape])
    clone.set_weights(h.get_weights())
    close(clone([q, v]), h([q, v]))
    graph = hornet.trace(lambda a, b: h([a, b]), hornet.TensorSpec((None, TQ, DV)), hornet.TensorSpec((None, TV, DV)))
    assert isinstance(graph.outputs[0].type.shape[0], str)


def test_attention_errors_and_mask_output():
    layer = attention.Attention()
    with pytest.raises(ValueError, match="list"):
        layer(rand((B, TQ, DV)))
    with pytest.raises(ValueError, match="list"):
        attention.AdditiveAttention()(rand((B, TQ, DV)))
    with pytest.raises(ValueError, match="mask"):
        layer([rand((B, TQ, DV)), rand((B, TV, DV))], mask=np.ones((B, TQ), bool))
    with pytest.raises(ValueError, match="score_mode"):
        attention.Attention(score_mode="bilinear")
    q_mask = np.ones((B, TQ), bool)
    assert layer.compute_mask(None, [q_mask, None]) is q_mask
    assert layer.compute_mask(None, None) is None


def test_attention_dropout_training():
    layer = attention.Attention(dropout=0.5, seed=1)
    q, v = rand((B, TQ, DV), 20), rand((B, TV, DV), 21)
    infer = np.asarray(layer([q, v], training=False))
    train = np.asarray(layer([q, v], training=True))
    assert train.shape == infer.shape and not np.allclose(train, infer)
