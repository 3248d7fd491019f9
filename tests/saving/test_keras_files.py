"""Keras 3's own files: ``.weights.h5`` and ``.keras`` archives that Keras 3 (on JAX) writes load in hornet with
the same predictions, and the ones hornet writes load in Keras 3; mismatches and hostile H5 input give clear
errors naming the file and the H5 path."""
from __future__ import annotations

import os

import numpy as np
import pytest

import hornet
from hornet import layers, ops
from hornet.api.saving.file_errors import ModelFileError

os.environ.setdefault("KERAS_BACKEND", "jax")  # before anything imports keras

TOL = dict(rtol=1e-5, atol=1e-5)
X = np.random.default_rng(0).normal(size=(3, 5, 8)).astype("float32")
X_FLAT = np.random.default_rng(1).normal(size=(4, 4)).astype("float32")


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras as k

    assert k.backend.backend() == "jax"
    return k


def _randomize(model, seed=3):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) if "variance" in w.path
                       else rng.normal(size=w.shape).astype(w.dtype) for w in model.weights])


@pytest.fixture(scope="module")
def keras_sequential(keras, tmp_path_factory):
    """A compiled, trained Keras Sequential with BatchNormalization, saved as weights and as an archive."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X_FLAT, np.ones((4, 2), "float32"), verbose=0)
    _randomize(model)
    d = tmp_path_factory.mktemp("keras_seq")
    model.save_weights(d / "k.weights.h5")
    model.save(d / "k.keras")
    return model, d


@pytest.fixture(scope="module")
def keras_functional(keras, tmp_path_factory):
    """A Keras functional model: a Dense called twice, MultiHeadAttention, an LSTM."""
    x = keras.Input((5, 8))
    shared = keras.layers.Dense(8, activation="tanh")
    y = shared(shared(x))
    y = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(y, y)
    model = keras.Model(x, keras.layers.LSTM(3)(y))
    _randomize(model)
    d = tmp_path_factory.mktemp("keras_fn")
    model.save(d / "k.keras")
    model.save_weights(d / "k.weights.h5")
    return model, d


def _hornet_sequential():
    return hornet.Sequential([hornet.Input((4,)), layers.Dense(3, activation="relu"), layers.BatchNormalization(),
                              layers.Dense(2)])


def test_a_keras_weights_file_loads_in_hornet_and_back(keras_sequential, tmp_path):
    k_model, d = keras_sequential
    model = _hornet_sequential()
    model.load_weights(str(d / "k.weights.h5"))
    want = np.asarray(k_model.predict(X_FLAT, verbose=0))
    np.testing.assert_allclose(model.predict(X_FLAT, verbose=0), want, **TOL)
    _randomize(model, seed=7)
    model.save_weights(str(tmp_path / "h.weights.h5"))
    k_model2 = k_model.__class__.from_config(k_model.get_config())
    k_model2.load_weights(tmp_path / "h.weights.h5")
    np.testing.assert_allclose(k_model2.predict(X_FLAT, verbose=0), model.predict(X_FLAT, verbose=0), **TOL)


def test_a_keras_archive_with_shared_layer_attention_and_lstm_loads_both_ways(keras, keras_functional, tmp_path):
    k_model, d = keras_functional
    model = hornet.models.load_model(str(d / "k.keras"))
    assert [layer.name for layer in model.layers] == [layer.name for layer in k_model.layers]
    np.testing.assert_allclose(model.predict(X, verbose=0), np.asarray(k_model.predict(X, verbose=0)), **TOL)
    _randomize(model, seed=11)
    model.save(str(tmp_path / "h.keras"))
    back = keras.saving.load_model(tmp_path / "h.keras")
    np.testing.assert_allclose(np.asarray(back.predict(X, verbose=0)), model.predict(X, verbose=0), **TOL)
    k_model.load_weights(d / "k.weights.h5")  # a hornet-loaded model's weights file also loads in Keras
    model.save_weights(str(tmp_path / "h.weights.h5"))
    back.load_weights(tmp_path / "h.weights.h5")
    np.testing.assert_allclose(np.asarray(back.predict(X, verbose=0)), model.predict(X, verbose=0), **TOL)


def test_a_compiled_keras_archive_restores_compile_and_optimizer_state(keras, keras_sequential, tmp_path):
    k_model, d = keras_sequential
    model = hornet.models.load_model(str(d / "k.keras"))
    np.testing.assert_allclose(model.predict(X_FLAT, verbose=0), np.asarray(k_model.predict(X_FLAT, verbose=0)),
                               **TOL)
    assert model.optimizer is not None and int(model.optimizer.iterations.numpy()) == 1
    model.save(str(tmp_path / "h.keras"))
    back = keras.saving.load_model(tmp_path / "h.keras")
    assert int(back.optimizer.iterations.numpy()) == 1
    k_slots = [np.asarray(v) for v in back.optimizer.variables[2:]]
    np.testing.assert_allclose(k_slots[0], np.asarray(k_model.optimizer.variables[2]), **TOL)
    assert len(k_slots) == len(model.optimizer.variables) - 2


class TwoDense(hornet.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.d1 = layers.Dense(units)
        self.d2 = layers.Dense(2)

    def call(self, x):
        return self.d2(ops.relu(self.d1(x)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _keras_two_dense(keras):
    class TwoDense(keras.Model):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.d1 = keras.layers.Dense(units)
            self.d2 = keras.layers.Dense(2)

        def call(self, x):
            return self.d2(keras.ops.relu(self.d1(x)))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return TwoDense


def test_a_subclassed_model_loads_both_ways_with_custom_objects(keras, tmp_path):
    k_cls = _keras_two_dense(keras)
    k_model = k_cls(units=5)
    k_model(X_FLAT[:, :3])
    _randomize(k_model)
    k_model.save(tmp_path / "k.keras")
    with pytest.raises(ModelFileError, match="TwoDense"):
        hornet.models.load_model(str(tmp_path / "k.keras"))
    model = hornet.models.load_model(str(tmp_path / "k.keras"), custom_objects={"TwoDense": TwoDense})
    assert isinstance(model, TwoDense) and model.units == 5
    np.testing.assert_allclose(model.predict(X_FLAT[:, :3], verbose=0), np.asarray(k_model(X_FLAT[:, :3])), **TOL)
    _randomize(model, seed=5)
    model.save(str(tmp_path / "h.keras"))
    back = keras.saving.load_model(tmp_path / "h.keras", custom_objects={"TwoDense": k_cls})
    np.testing.assert_allclose(np.asarray(back(X_FLAT[:, :3])), model.predict(X_FLAT[:, :3], verbose=0), **TOL)


def test_a_shape_mismatch_names_layer_variable_and_shapes_or_is_skipped(keras_sequential):
    _, d = keras_sequential
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3, activation="relu"), layers.BatchNormalization(),
                               layers.Dense(5)])
    before = [w.numpy() for w in model.weights]
    with pytest.raises(ModelFileError, match=r"dense_\d+.*variable 0 .*\(3, 2\) in the file but \(3, 5\)") as e:
        model.load_weights(str(d / "k.weights.h5"))
    assert "k.weights.h5" in str(e.value) and "/layers/dense_1/vars" in str(e.value)
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(before, model.weights))  # nothing was assigned
    with pytest.warns(UserWarning, match=r"skipping layer .*\(3, 2\) in the file but \(3, 5\)"):
        model.load_weights(str(d / "k.weights.h5"), skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[2].kernel.numpy(), before[-2])  # the mismatched layer kept its own
    assert not np.array_equal(model.layers[0].kernel.numpy(), before[0])  # the others loaded


def _edited_archive(source, target, edit):
    import json
    import zipfile

    with zipfile.ZipFile(source) as z:
        members = {n: z.read(n) for n in z.namelist()}
    config = json.loads(members["config.json"])
    edit(config["config"])
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(target, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return str(target)


def test_an_unknown_class_in_a_keras_archive_is_named(keras_sequential, tmp_path):
    _, d = keras_sequential
    path = _edited_archive(d / "k.keras", tmp_path / "bad.keras",
                           lambda c: c["layers"][1].__setitem__("class_name", "NoSuchLayer"))
    with pytest.raises(ModelFileError, match="bad.keras.*NoSuchLayer"):
        hornet.models.load_model(path)


def test_a_call_on_a_tensor_never_computed_is_refused_naming_the_node(keras_functional, tmp_path):
    _, d = keras_functional

    def edit(config):
        config["layers"][2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["lstm", 0, 0]  # a cycle

    path = _edited_archive(d / "k.keras", tmp_path / "cycle.keras", edit)
    with pytest.raises(ModelFileError, match=r"cycle.keras: config.json: \$.config.layers\[2\].inbound_nodes\[0\]: "
                                             "this call's inputs are never computed"):
        hornet.models.load_model(path)


def test_hornet_files_keep_their_formats(tmp_path):
    model = _hornet_sequential()
    model.save(str(tmp_path / "m.hornet"))
    model.save_weights(str(tmp_path / "m.weights.safetensors"))
    other = _hornet_sequential()
    other.load_weights(str(tmp_path / "m.weights.safetensors"))
    np.testing.assert_allclose(other.predict(X_FLAT, verbose=0), model.predict(X_FLAT, verbose=0), **TOL)
    np.testing.assert_allclose(hornet.models.load_model(str(tmp_path / "m.hornet")).predict(X_FLAT, verbose=0),
                               model.predict(X_FLAT, verbose=0), **TOL)


def test_a_nested_functional_model_called_twice_loads_both_ways(keras, tmp_path):
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, keras.layers.Dense(4)(inner_in), name="inner")
    x = keras.Input((4,))
    k_model = keras.Model(x, inner(keras.layers.Add()([inner(x), inner(keras.layers.Dense(4)(x))])))
    k_model.save(tmp_path / "k.keras")
    model = hornet.models.load_model(str(tmp_path / "k.keras"))
    np.testing.assert_allclose(model.predict(X_FLAT, verbose=0), np.asarray(k_model.predict(X_FLAT, verbose=0)),
                               **TOL)
    _randomize(model, seed=2)
    model.save(str(tmp_path / "h.keras"))
    back = keras.saving.load_model(tmp_path / "h.keras")
    np.testing.assert_allclose(np.asarray(back.predict(X_FLAT, verbose=0)), model.predict(X_FLAT, verbose=0), **TOL)


def test_bfloat16_weights_load_both_ways(keras, tmp_path):
    k_model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, dtype="bfloat16")])
    _randomize(k_model)
    k_model.save_weights(tmp_path / "k.weights.h5")
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3, dtype="bfloat16")])
    model.load_weights(str(tmp_path / "k.weights.h5"))
    for h, k in zip(model.get_weights(), k_model.get_weights()):
        np.testing.assert_array_equal(np.asarray(h, "float32"), np.asarray(k, "float32"))
    _randomize(model, seed=9)
    model.save_weights(str(tmp_path / "h.weights.h5"))
    k_model.load_weights(tmp_path / "h.weights.h5")
    for h, k in zip(model.get_weights(), k_model.get_weights()):
        np.testing.assert_array_equal(np.asarray(h, "float32"), np.asarray(k, "float32"))
