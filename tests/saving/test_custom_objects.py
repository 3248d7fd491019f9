"""Custom objects: a model using a custom activation reloads with ``custom_objects=``, inside a
``custom_object_scope`` or once registered; configs keep the class's own name in ``class_name`` and the
registered one in ``registered_name`` (as Keras writes them); ``serialize_keras_object`` round trips every kind."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
from hornet import layers, ops
from hornet.api.saving.serialize import UnknownClassError

X = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)


def doubled_tanh(x):
    return ops.tanh(x) * 2.0


@hornet.saving.register_keras_serializable(package="tests")
def tripled(x):
    return x * 3.0


@hornet.saving.register_keras_serializable(package="tests")
class Scale(layers.Layer):
    def __init__(self, k: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.k = k

    def call(self, x):
        return x * self.k

    def get_config(self):
        return {**super().get_config(), "k": self.k}


def _saved(tmp_path, activation):
    inputs = hornet.Input((3,))
    model = hornet.Model(inputs, layers.Dense(2, activation=activation)(inputs))
    path = tmp_path / "m.hornet"
    model.save(path)
    return model, path


def test_a_custom_activation_reloads_through_custom_objects_and_scopes(tmp_path):
    model, path = _saved(tmp_path, doubled_tanh)
    want = model.predict(X, verbose=0)
    with pytest.raises(Exception, match="doubled_tanh"):
        hornet.models.load_model(path)
    got = hornet.models.load_model(path, custom_objects={"doubled_tanh": doubled_tanh}).predict(X, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    with hornet.saving.custom_object_scope({"doubled_tanh": doubled_tanh}):
        np.testing.assert_allclose(hornet.models.load_model(path).predict(X, verbose=0), want, rtol=1e-6)


def test_a_registered_activation_reloads_without_custom_objects(tmp_path):
    model, path = _saved(tmp_path, tripled)
    np.testing.assert_allclose(hornet.models.load_model(path).predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-6)
    assert hornet.saving.get_registered_name(tripled) == "tests>tripled"
    assert hornet.saving.get_custom_objects()["tests>tripled"] is tripled


def test_registered_names_go_in_registered_name_not_class_name():
    entry = hornet.saving.serialize_keras_object(Scale(3.0))
    assert (entry["class_name"], entry["registered_name"]) == ("Scale", "tests>Scale")
    assert hornet.saving.deserialize_keras_object(entry).k == 3.0
    assert hornet.saving.get_registered_object("tests>Scale") is Scale

    class Unregistered(Scale):
        pass

    assert hornet.saving.get_registered_name(Unregistered) == "Unregistered"  # never inherited


@pytest.mark.parametrize("make, attribute", [
    (lambda: hornet.losses.Huber(delta=2.0), "delta"),
    (lambda: hornet.initializers.RandomNormal(stddev=0.3), "stddev"),
    (lambda: hornet.regularizers.L2(0.25), "l2"),
    (lambda: hornet.constraints.MaxNorm(1.5), "max_value"),
    (lambda: hornet.metrics.MeanSquaredError(name="mse_x"), "name"),
    (lambda: layers.Dense(4, name="d4"), "units"),
])
def test_serialize_keras_object_round_trips_each_kind(make, attribute):
    obj = make()
    back = hornet.saving.deserialize_keras_object(hornet.saving.serialize_keras_object(obj))
    assert type(back) is type(obj)
    assert getattr(back, attribute) == pytest.approx(getattr(obj, attribute))


def test_unknown_names_are_clear_errors():
    with pytest.raises(ValueError, match="unknown name 'nope'"):
        hornet.saving.deserialize_keras_object("nope")
    with pytest.raises(UnknownClassError, match="Mystery"):
        hornet.saving.deserialize_keras_object({"module": "keras.layers", "class_name": "Mystery", "config": {}})
