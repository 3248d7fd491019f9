"""ReversibleEmbedding and SpectralNormalization against Keras 3 (JAX backend), TernaryDense (a Keras 3.16 layer,
absent from the Keras oracle) against NumPy: outputs with copied weights, training-time state, gradients,
masks in a functional model, config round trips, compiled models (fit, predict, save/load) and errors."""
import json

import numpy as np
import pytest

from layer_oracle import close, copy_random_weights, keras_config_keys, rand
from model_round_trip import fit_predict_save_load

import hornet
from hornet import layers, ops
from hornet.ir.errors import ShapeError

B, T, V, D = 4, 3, 10, 4
IDS = np.array([[1, 2, 0], [3, 4, 5], [9, 0, 0], [6, 7, 8]], "int32")


# --- ReversibleEmbedding ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [dict(), dict(tie_weights=False, logit_soft_cap=2.0, mask_zero=True)])
def test_reversible_embedding_matches_keras(keras, kwargs):
    k = keras.layers.ReversibleEmbedding(V, D, **kwargs, embeddings_initializer="zeros")  # weights copied below
    h = layers.ReversibleEmbedding(V, D, **kwargs)
    k.build()
    h.build()
    copy_random_weights(h, k)
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]
    hidden = rand((B, T, D), 1)
    close(h(IDS), k(IDS))
    close(h(hidden, reverse=True), k(hidden, reverse=True), rtol=1e-5, atol=1e-5)
    assert h.compute_output_shape((None, T, D), reverse=True) == (None, T, V)
    assert h.compute_output_shape((None, T)) == (None, T, D)
    fp16 = layers.ReversibleEmbedding(V, D, reverse_dtype="float16", **kwargs)
    fp16.build()
    fp16.set_weights(h.get_weights())
    logits = fp16(hidden, reverse=True)
    assert ops.dtype(logits) == "float16"
    close(np.asarray(logits, "float32"), h(hidden, reverse=True), rtol=1e-2, atol=1e-2)


def test_reversible_embedding_tied_language_model(keras, tmp_path):
    """A tied-embedding model: only the forward output is masked (the pooling after it averages the real tokens),
    the logits are not."""
    def build(lib, init):
        emb = lib.layers.ReversibleEmbedding(V, D, mask_zero=True, embeddings_initializer=init)
        inp = lib.Input((T,), dtype="int32")
        hidden = lib.layers.Dense(D, activation="tanh", kernel_initializer=init)(emb(inp))
        pooled = lib.layers.GlobalAveragePooling1D()(hidden)
        logits = lib.layers.GlobalAveragePooling1D()(emb(hidden, reverse=True))
        return lib.Model(inp, lib.layers.Concatenate()([pooled, logits]))

    k_model, model = build(keras, "zeros"), build(hornet, "uniform")  # the weights are copied below
    copy_random_weights(model, k_model, scale=0.5)
    assert len(model.weights) == 3  # one embedding table serves both directions
    close(model(IDS), k_model(IDS), rtol=1e-5, atol=1e-6)
    fit_predict_save_load(model, IDS, rand((B, D + V), 2), tmp_path)


def test_reversible_embedding_config_and_errors(keras):
    layer = layers.ReversibleEmbedding(V, D, tie_weights=False, logit_soft_cap=5.0, reverse_dtype="float32",
                                       weights=[rand((V, D), 3), rand((D, V), 4)])
    config = layer.get_config()
    json.dumps(config)
    assert set(config) == keras_config_keys(keras.layers.ReversibleEmbedding) | {
        "activity_regularizer", "quantization_config"}  # Embedding's, which Keras keeps too
    clone = layers.ReversibleEmbedding.from_config(config)
    clone.build()
    clone.set_weights(layer.get_weights())
    hidden = rand((B, D), 5)
    close(clone(hidden, reverse=True), layer(hidden, reverse=True))
    assert clone.get_config() == {**config, "name": clone.name}
    with pytest.raises(ShapeError, match=r"reversible_embedding.*reverse=True.*output_dim=4.*\(4, 3\)"):
        layer(rand((B, 3), 6), reverse=True)
    with pytest.raises(ValueError, match="input_dim"):
        layers.ReversibleEmbedding(0, D)


# --- SpectralNormalization ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("inner,args,shape,iterations", [("Conv2D", (3, 2), (2, 5, 5, 2), 2),
                                                        ("Embedding", (V, D), (B, T), 1)])
def test_spectral_normalization_training_calls_match_keras(keras, inner, args, shape, iterations):
    init = {"embeddings_initializer" if inner == "Embedding" else "kernel_initializer": "zeros"}
    k_inner = getattr(keras.layers, inner)(*args, **init)  # Keras's random init is slow; weights are copied below
    k = keras.layers.SpectralNormalization(k_inner, power_iterations=iterations)
    h = layers.SpectralNormalization(getattr(layers, inner)(*args), power_iterations=iterations)
    k.build(shape)
    h.build(shape)
    assert [w.short_name for w in h.weights] == [w.name for w in k.weights]  # kernel, vector_u(, bias)
    assert [w.trainable for w in h.weights] == [w.trainable for w in k.weights]
    copy_random_weights(h, k)
    # as Keras, the wrapper casts outputs to the input dtype: float ids keep the embeddings float
    x = IDS.astype("float32") if inner == "Embedding" else rand(shape, 1)
    for training in (True, True, False):
        close(h(x, training=training), k(x, training=training), rtol=1e-5, atol=1e-5)
        close(h.get_weights(), [np.asarray(w) for w in k.get_weights()], rtol=1e-5, atol=1e-6)
    w = h.kernel.numpy().reshape(-1, h.kernel.shape[-1])
    assert np.linalg.norm(w, 2) == pytest.approx(1.0, abs=0.05)  # after a few power-iteration steps


def test_spectral_normalization_fit_matches_keras_and_saves(keras, tmp_path):
    """In a compiled training step the normalized kernel shapes the forward pass and the gradients; the optimizer
    then updates the kernel variable and vector_u keeps the power-iteration state (as Keras on JAX)."""
    x, y = rand((8, 4), 2), rand((8, 3), 3)
    k_model = keras.Sequential([keras.Input((4,)), keras.layers.SpectralNormalization(
        keras.layers.Dense(3, kernel_initializer="zeros"))])  # the weights are copied below
    model = hornet.Sequential([hornet.Input((4,)), layers.SpectralNormalization(layers.Dense(3))])
    copy_random_weights(model, k_model)
    u0 = model.layers[0].vector_u.numpy()
    for m, lib in ((k_model, keras), (model, hornet)):
        m.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
    h_loss = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    k_loss = k_model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_loss, k_loss, rtol=1e-5)
    close(model.get_weights(), [np.asarray(w) for w in k_model.get_weights()], rtol=1e-5, atol=1e-6)
    assert not np.allclose(model.layers[0].vector_u.numpy(), u0)
    close(model.predict(x, verbose=0), k_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    fit_predict_save_load(model, x, y, tmp_path)


def test_spectral_normalization_config_zero_kernel_and_errors(keras):
    layer = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"), power_iterations=3)
    config = layer.get_config()
    json.dumps(config)
    assert set(config) == keras_config_keys(keras.layers.SpectralNormalization)
    clone = layers.SpectralNormalization.from_config(config)
    assert clone.power_iterations == 3 and type(clone.layer).__name__ == "Dense"
    x = rand((B, 3), 4)
    out = np.asarray(layer(x, training=True))  # an all-zero kernel is left as it is
    assert np.all(np.isfinite(out)) and not np.any(layer.kernel.numpy())
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="neither a `kernel` nor an `embeddings`"):
        layers.SpectralNormalization(layers.Activation("relu")).build((None, 3))
    with pytest.raises(ValueError, match="spectral_normalization"):
        layer(rand((B, 5), 5))  # the last dim was 3 when built


# --- TernaryDense ---------------------------------------------------------------------------------------------------


def ternary_oracle(x, kernel, bias, threshold):
    magnitude = np.abs(kernel)
    t = 0.5 * magnitude.mean() if threshold is None else threshold
    beta = magnitude.mean() if threshold is None else 1.0
    return beta * (x @ (np.sign(kernel) * (magnitude > t))) + bias


@pytest.mark.parametrize("threshold", [None, 0.3])
def test_ternary_dense_matches_numpy_and_straight_through_gradient(threshold):
    layer = layers.TernaryDense(3, threshold=threshold, activation="relu")
    x = rand((2, T, 5), 1)
    layer.build(x.shape)
    kernel, bias = rand((5, 3), 2, 0.5), rand((3,), 3, 0.1)
    layer.set_weights([kernel, bias])
    close(layer(x), np.maximum(ternary_oracle(x, kernel, bias, threshold), 0.0), rtol=1e-5, atol=1e-6)
    assert sorted(np.unique(np.asarray(layer.ternary_kernel())).tolist()) == [-1.0, 0.0, 1.0]
    assert layer.compute_output_shape((None, T, 5)) == (None, T, 3)

    linear = layers.TernaryDense(3, threshold=threshold)
    linear.build(x.shape)
    linear.set_weights([kernel, bias])
    grads = ops.grad(lambda w: ops.sum(linear(x)))(linear.trainable_weights)
    flat_x = x.reshape(-1, 5)
    upstream = np.ones((flat_x.shape[0], 3), "float32")
    # the ternarization passes the gradient straight through; beta = mean(|kernel|) adds its own term
    want = flat_x.T @ upstream
    if threshold is None:
        hard = np.sign(kernel) * (np.abs(kernel) > 0.5 * np.abs(kernel).mean())
        want = np.abs(kernel).mean() * want + (flat_x @ hard).sum() * np.sign(kernel) / kernel.size
    close(grads[0], want, rtol=1e-5, atol=1e-5)
    close(grads[1], upstream.sum(0), rtol=1e-6, atol=1e-6)


def test_ternary_dense_model_config_and_errors(tmp_path):
    model = hornet.Sequential([hornet.Input((5,)), layers.TernaryDense(4, activation="tanh"), layers.Dense(1)])
    x = rand((8, 5), 4)
    kernel = model.layers[0].kernel.numpy()
    close(model.predict(x, verbose=0), np.tanh(ternary_oracle(x, kernel, 0.0, None)) @ model.layers[1].kernel.numpy(),
          rtol=1e-5, atol=1e-5)
    fit_predict_save_load(model, x, rand((8, 1), 5), tmp_path)
    layer = layers.TernaryDense(3, threshold=0.1, use_bias=False, kernel_regularizer="l2")
    config = layer.get_config()
    json.dumps(config)
    assert set(config) == {"name", "trainable", "dtype", "units", "threshold", "activation", "use_bias",
                           "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                           "activity_regularizer", "kernel_constraint", "bias_constraint"}  # Keras 3.16's keys
    clone = layers.TernaryDense.from_config(config)
    assert clone.get_config() == {**config, "name": clone.name} and clone.threshold == 0.1
    with pytest.raises(ValueError, match="units"):
        layers.TernaryDense(0)
    with pytest.raises(ValueError, match="threshold"):
        layers.TernaryDense(2, threshold=-1.0)
    with pytest.raises(ValueError, match="ternary_dense.*ndim"):
        layers.TernaryDense(2, name="ternary_dense_rank")(np.zeros((3,), "float32"))
    built = layers.TernaryDense(2)
    built(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=built.name):
        built(np.zeros((2, 4), "float32"))
