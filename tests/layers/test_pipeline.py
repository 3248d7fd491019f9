"""Pipeline (a plain layer chaining layers, Keras 3 ``keras.layers.Pipeline``): applies its layers in order with
the ``training`` flag, serializes them as nested configs (Keras's config keys), and the augmentation layers work
inside compiled models: a Sequential with them first predicts as if they were absent and trains through them
(their seed state advances in the compiled train step)."""
import json

import numpy as np
import pytest

import hornet.layers as L
from hornet.api.models.sequential import Sequential

SHAPE = (3, 8, 10, 3)


def images(shape=SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


def chain():
    return [L.RandomFlip(seed=1), L.RandomPerspective(scale=0.4, seed=2), L.RandomErasing(seed=3)]


def close(a, b, atol=1e-4):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=atol)


def test_applies_layers_in_order_with_training():
    x = images()
    pipeline = L.Pipeline(chain())
    want = x
    for layer in chain():
        want = layer(want, training=True)
    close(pipeline(x), want)  # training defaults to True, as in Keras
    close(pipeline(x, training=False), x, 0)
    assert [type(layer).__name__ for layer in pipeline.layers] == ["RandomFlip", "RandomPerspective", "RandomErasing"]
    data = L.Pipeline([L.RandomPerspective(seed=2), L.RandomErasing(seed=3)])({"images": x, "labels": np.eye(3)})
    assert sorted(data) == ["images", "labels"]


def test_config_round_trip():
    pipeline = L.Pipeline(chain(), name="augment")
    config = pipeline.get_config()
    json.dumps(config)
    assert set(config) == {"layers", "name"}  # Keras's Pipeline config keys
    clone = L.Pipeline.from_config(config)
    assert clone.name == "augment" and clone.get_config() == config
    close(clone(images()), L.Pipeline(chain())(images()))
    again = L.deserialize(L.serialize(pipeline))
    assert [layer.get_config() for layer in again.layers] == [layer.get_config() for layer in pipeline.layers]


def test_augmentation_in_a_compiled_model():
    x, y = images(), np.zeros((3, 2), "float32")
    augment = L.Pipeline([L.RandomPerspective(seed=2), L.RandomElasticTransform(seed=3), L.CutMix(seed=4)])
    model = Sequential([L.Input(SHAPE[1:]), augment, L.Rescaling(1 / 255), L.Flatten(), L.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    head = model.layers[1:]
    plain = x
    for layer in head:
        plain = layer(plain)
    close(model.predict(x, verbose=0), plain)  # inference: the augmentations are the identity
    states = [np.asarray(layer.generator.state.numpy()).copy() for layer in augment.layers]
    history = model.fit(x, y, batch_size=3, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    for layer, state in zip(augment.layers, states):  # each layer drew in the compiled train step
        assert not np.array_equal(np.asarray(layer.generator.state.numpy()), state)


def test_errors():
    with pytest.raises(ValueError, match="list of hornet Layer"):
        L.Pipeline(L.RandomFlip())
    with pytest.raises(ValueError, match="'layers' entry"):
        L.Pipeline.from_config({"name": "p"})
