"""The TensorFlow backend: the same training as on JAX, eager ops on TF tensors, version skew and the LAPACK
fallback stated clearly."""
from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import hornet  # noqa: E402
from hornet import layers, ops  # noqa: E402
from hornet.ir.errors import HornetError  # noqa: E402
from hornet.runtime.backend import get_backend, using_backend  # noqa: E402


def _trained_weights(backend: str, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    hornet.utils.set_random_seed(4)
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(16, activation="tanh"), layers.BatchNormalization(),
                               layers.Dropout(0.2), layers.Dense(3)])
    model.compile(optimizer=hornet.optimizers.Adam(1e-2), loss=hornet.losses.SparseCategoricalCrossentropy(
        from_logits=True), metrics=["accuracy"], backend=backend)
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)  # 30 rows: a padded last batch each epoch
    assert model.compile_stats["train"] == 1
    return model.get_weights()


def test_training_reaches_the_weights_it_reaches_on_jax():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 6)).astype("float32"), rng.integers(0, 3, 30)
    on_jax, on_tf = _trained_weights("jax", x, y), _trained_weights("tensorflow", x, y)
    assert len(on_jax) == len(on_tf)
    for a, b in zip(on_jax, on_tf):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


def test_fit_reads_a_tf_data_dataset():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(20, 4)).astype("float32"), rng.normal(size=(20, 1)).astype("float32")
    with using_backend("tensorflow"):
        model = hornet.Sequential([hornet.Input((4,)), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(6), epochs=2, verbose=0)
        assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
        assert isinstance(model.layers[0].kernel.value, tf.Tensor)


@pytest.mark.parametrize("dtype", ["float32", "int64", "bfloat16", "uint8"])
def test_eager_ops_on_tf_tensors_return_tf_tensors(dtype):
    x = tf.constant(np.arange(6).reshape(2, 3).astype("float32")) if dtype == "float32" else \
        tf.cast(tf.constant(np.arange(6).reshape(2, 3)), dtype)
    with using_backend("tensorflow"):
        out = ops.add(x, x)
    assert isinstance(out, tf.Tensor) and out.dtype == x.dtype
    np.testing.assert_array_equal(np.asarray(out, dtype="float64"), 2 * np.arange(6).reshape(2, 3))


def test_a_newer_calling_convention_than_tf_runs_is_refused(monkeypatch):
    from hornet.runtime import tf_backend

    monkeypatch.setattr(tf_backend.tfxla, "call_module_maximum_supported_version", lambda: 3)
    graph = hornet.trace(lambda a: ops.exp(a), hornet.TensorSpec((None, 2)))
    with pytest.raises(HornetError, match=r"calling convention version \d+, but TensorFlow .* at most version 3"):
        get_backend("tensorflow").compile(graph)


def test_linear_algebra_runs_on_the_reference_interpreter_with_a_warning():
    a = np.array([[4.0, 1.0], [1.0, 3.0]], "float32")
    graph = hornet.trace(lambda m: ops.linalg.cholesky(m), hornet.TensorSpec((2, 2)))
    with pytest.warns(UserWarning, match="lapack_"):
        run = get_backend("tensorflow").compile(graph)
    (out,) = run(a)
    np.testing.assert_allclose(np.asarray(out), np.linalg.cholesky(a), rtol=1e-6)
