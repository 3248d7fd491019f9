"""save -> load_model in the same process: the same class, identical predictions, the same compile state and
optimizer state (continuing a fit equals an uninterrupted one); save_weights / load_weights round trips."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
from hornet import layers, ops

RNG = np.random.default_rng(0)
X = RNG.normal(size=(70, 6)).astype("float32")
Y = RNG.integers(0, 3, size=(70,))
XA, XB = RNG.normal(size=(40, 4)).astype("float32"), RNG.normal(size=(40, 3)).astype("float32")
YD = {"o1": RNG.normal(size=(40, 2)).astype("float32"), "o2": RNG.normal(size=(40, 1)).astype("float32")}


def _same(a, b):
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert len(a) == len(b)


def _classifier():
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(),
                               layers.Dense(3)], name="clf")
    model.compile(optimizer=hornet.optimizers.Adam(learning_rate=0.02, beta_1=0.8),
                  loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def test_sequential_round_trip_keeps_class_predictions_compile_and_optimizer_state(tmp_path):
    model = _classifier()
    model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    path = tmp_path / "clf.hornet"
    model.save(path)
    loaded = hornet.models.load_model(path)
    assert type(loaded) is hornet.Sequential and loaded.name == "clf"
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    _same(loaded.get_weights(), model.get_weights())
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    # compile state
    assert loaded.compiled
    assert type(loaded.optimizer) is type(model.optimizer)
    assert float(np.asarray(loaded.optimizer.learning_rate)) == pytest.approx(0.02)
    assert loaded.optimizer.get_config()["beta_1"] == pytest.approx(0.8)
    assert type(loaded.loss).__name__ == "SparseCategoricalCrossentropy" and loaded.loss.from_logits
    assert loaded.evaluate(X, Y, verbose=0, return_dict=True) == model.evaluate(X, Y, verbose=0, return_dict=True)
    # optimizer state: iteration count and slots
    assert int(np.asarray(loaded.optimizer.iterations.numpy())) == int(np.asarray(model.optimizer.iterations.numpy()))
    assert int(np.asarray(model.optimizer.iterations.numpy())) == 10
    _same([v.numpy() for v in loaded.optimizer.variables], [v.numpy() for v in model.optimizer.variables])
    # continuing the fit gives exactly what the uninterrupted one gives
    h_orig = model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    h_load = loaded.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    assert h_load == h_orig
    _same(loaded.get_weights(), model.get_weights())


def _functional():
    a = hornet.Input((4,), name="a")
    b = hornet.Input((3,), name="b")
    shared = layers.Dense(5, activation="tanh", name="shared")
    inner = hornet.Sequential([hornet.Input((5,)), layers.Dense(5, activation="relu", name="inner_dense")],
                              name="inner")
    h = layers.Concatenate(name="cat")([inner(shared(layers.Dense(5, name="pa")(a))),
                                        shared(layers.Dense(5, name="pb")(b))])
    model = hornet.Model({"a": a, "b": b}, {"o1": layers.Dense(2, name="o1")(h), "o2": layers.Dense(1, name="o2")(h)},
                         name="two_heads")
    model.compile(optimizer=hornet.optimizers.RMSprop(0.01), loss={"o1": "mse", "o2": "mae"},
                  loss_weights={"o1": 1.0, "o2": 0.3}, metrics={"o1": ["mae"]})
    return model


def test_functional_dict_io_shared_and_nested_round_trip(tmp_path):
    model = _functional()
    x = {"a": XA, "b": XB}
    model.fit(x, YD, batch_size=16, epochs=2, shuffle=False, verbose=0)
    model.save(tmp_path / "f.hornet")
    loaded = hornet.models.load_model(tmp_path / "f.hornet")
    assert type(loaded) is type(model) and loaded.name == "two_heads"
    assert [w.path for w in loaded.weights] == [w.path for w in model.weights]
    assert loaded.count_params() == model.count_params()
    p, q = model.predict(x, verbose=0), loaded.predict(x, verbose=0)
    assert set(q) == {"o1", "o2"}
    for key in p:
        np.testing.assert_array_equal(q[key], p[key])
    assert loaded.evaluate(x, YD, verbose=0, return_dict=True) == model.evaluate(x, YD, verbose=0, return_dict=True)
    h_orig = model.fit(x, YD, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    h_load = loaded.fit(x, YD, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    assert h_load == h_orig
    _same(loaded.get_weights(), model.get_weights())


@hornet.saving.register_keras_serializable(package="save_load_tests")
class Gate(hornet.Layer):
    """A custom layer with a config and a weight."""

    def __init__(self, bias_init: float = 0.5, **kwargs):
        super().__init__(**kwargs)
        self.bias_init = bias_init

    def build(self, input_shape):
        self.gate = self.add_weight(shape=(input_shape[-1],), initializer=hornet.initializers.Constant(self.bias_init))

    def call(self, x):
        return x * ops.sigmoid(self.gate)

    def get_config(self):
        return {**super().get_config(), "bias_init": self.bias_init}


@hornet.saving.register_keras_serializable(package="save_load_tests")
class Tower(hornet.Model):
    def __init__(self, width: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.gate = Gate(1.5)
        self.hidden = layers.Dense(width, activation="relu")
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(self.gate(x)))

    def get_config(self):
        return {**super().get_config(), "width": self.width}


def test_subclassed_model_with_custom_layer_round_trip(tmp_path):
    model = Tower(width=7)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y.astype("float32"), batch_size=16, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "t.hornet")
    loaded = hornet.models.load_model(tmp_path / "t.hornet")
    assert type(loaded) is Tower and loaded.width == 7
    assert type(loaded.gate) is Gate and loaded.gate.bias_init == 1.5
    _same(loaded.get_weights(), model.get_weights())
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    h_orig = model.fit(X, Y.astype("float32"), batch_size=16, epochs=2, shuffle=False, verbose=0).history
    h_load = loaded.fit(X, Y.astype("float32"), batch_size=16, epochs=2, shuffle=False, verbose=0).history
    assert h_load == h_orig


def test_custom_layer_in_functional_model_found_by_custom_objects(tmp_path):
    inp = hornet.Input((6,))
    model = hornet.Model(inp, layers.Dense(2)(Gate(0.1, name="g")(inp)))
    model.save(tmp_path / "g.hornet")
    loaded = hornet.models.load_model(tmp_path / "g.hornet", custom_objects={"Gate": Gate})
    assert type(loaded.get_layer("g")) is Gate
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


@hornet.saving.register_keras_serializable(package="save_load_tests")
class AutoConfig(hornet.Model):
    """No get_config: Keras captures the __init__ arguments automatically."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x)


def test_subclassed_model_without_get_config_keeps_its_init_arguments(tmp_path):
    model = AutoConfig(5)
    model(X[:2])
    model.save(tmp_path / "auto.hornet")
    loaded = hornet.models.load_model(tmp_path / "auto.hornet")
    assert loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


class Unregistered(hornet.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x)


def test_an_unregistered_class_loads_only_with_safe_mode_off(tmp_path):
    model = Unregistered()
    model(X[:2])
    model.save(tmp_path / "u.hornet")
    safe = hornet.models.load_model(tmp_path / "u.hornet")
    assert type(safe).__name__ == "GraphModel"
    assert "Unregistered" in safe.missing and "safe_mode=False" in safe.missing
    np.testing.assert_array_equal(safe.predict(X, verbose=0), model.predict(X, verbose=0))
    unsafe = hornet.models.load_model(tmp_path / "u.hornet", safe_mode=False)
    assert type(unsafe) is Unregistered
    np.testing.assert_array_equal(unsafe.predict(X, verbose=0), model.predict(X, verbose=0))
    by_name = hornet.models.load_model(tmp_path / "u.hornet", custom_objects={"Unregistered": Unregistered})
    assert type(by_name) is Unregistered
    with pytest.raises(TypeError, match="safe_mode"):
        hornet.models.load_model(tmp_path / "u.hornet", safe_mode="no")


def test_load_without_compile(tmp_path):
    model = _classifier()
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    model.save(tmp_path / "c.hornet")
    loaded = hornet.models.load_model(tmp_path / "c.hornet", compile=False)
    assert not loaded.compiled and loaded.optimizer is None
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    with pytest.raises(RuntimeError, match="compile"):
        loaded.fit(X, Y, verbose=0)


def test_uncompiled_model_round_trip(tmp_path):
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(3)])
    model.save(tmp_path / "u.hornet")
    loaded = hornet.models.load_model(tmp_path / "u.hornet")
    assert not loaded.compiled
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


# --- weights only -----------------------------------------------------------------------------------------------


def test_save_weights_load_weights_round_trip(tmp_path):
    trained = _classifier()
    trained.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    path = tmp_path / "clf.weights.safetensors"
    trained.save_weights(path)
    fresh = _classifier()
    assert not np.array_equal(fresh.get_weights()[0], trained.get_weights()[0])
    fresh.load_weights(path)
    _same(fresh.get_weights(), trained.get_weights())
    np.testing.assert_array_equal(fresh.predict(X, verbose=0), trained.predict(X, verbose=0))
    # the weights of a whole-model file load the same way
    trained.save(tmp_path / "clf.hornet")
    other = _classifier()
    other.load_weights(tmp_path / "clf.hornet")
    _same(other.get_weights(), trained.get_weights())


def test_load_weights_into_a_different_architecture_fails_and_changes_nothing(tmp_path):
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(4), layers.Dense(2)])
    model.save_weights(tmp_path / "m.weights.safetensors")
    wider = hornet.Sequential([hornet.Input((6,)), layers.Dense(5), layers.Dense(2)])
    before = wider.get_weights()
    with pytest.raises(ValueError, match=r"shape \(6, 4\) in the file but \(6, 5\) in the model"):
        wider.load_weights(tmp_path / "m.weights.safetensors")
    _same(wider.get_weights(), before)
    deeper = hornet.Sequential([hornet.Input((6,)), layers.Dense(4), layers.Dense(4), layers.Dense(2)])
    with pytest.raises(ValueError, match="the file has 4 weights but the model has 6"):
        deeper.load_weights(tmp_path / "m.weights.safetensors")
    wider.load_weights(tmp_path / "m.weights.safetensors", skip_mismatch=True)
    _same(wider.get_weights()[3:], model.get_weights()[3:])  # only the last bias has a matching shape
    _same(wider.get_weights()[:3], before[:3])


def test_file_name_suffixes_are_checked(tmp_path):
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=r"\.weights\.safetensors"):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"\.hornet"):
        model.save(tmp_path / "m.h5")
    model.save(tmp_path / "m.hornet")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.hornet", overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.hornet"]


def test_continued_fit_with_dropout_matches_uninterrupted(tmp_path):
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(8, activation="relu"), layers.Dropout(0.3, seed=1),
                               layers.Dense(3)])
    model.compile(optimizer="adam", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "d.hornet")
    loaded = hornet.models.load_model(tmp_path / "d.hornet")
    h_orig = model.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    h_load = loaded.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    assert h_load == h_orig


def test_a_model_saved_on_one_backend_loads_predicts_and_trains_on_every_other(tmp_path, backend):
    from helpers import COMPILED
    from hornet.runtime.backend import using_backend

    model = _classifier()
    model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    path = tmp_path / "clf.hornet"
    model.save(path)
    expected = model.predict(X, verbose=0)
    h_orig = model.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    for other in COMPILED:
        with using_backend(other):
            loaded = hornet.models.load_model(path)
            assert all(v.backend.name == other for v in loaded.variables + loaded.optimizer.variables)
            np.testing.assert_allclose(loaded.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)
            h_load = loaded.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
            np.testing.assert_allclose(h_load["loss"], h_orig["loss"], rtol=1e-5)
            for a, b in zip(loaded.get_weights(), model.get_weights()):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
