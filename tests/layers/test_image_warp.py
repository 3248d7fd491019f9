"""RandomPerspective and RandomElasticTransform against Keras 3 (JAX backend): with the same seed they match Keras
draw for draw (images, dict inputs with labels and masks, single images, channels-first), are the identity at
inference, round-trip their configs and keep a symbolic batch when traced (the seed state is threaded through
the compiled program, so a jitted layer follows the eager stream)."""
import json

import numpy as np
import pytest

import hornet
from hornet.api.layers import image_warp as iw

SHAPE = (3, 8, 10, 3)
CASES = [
    ("RandomPerspective", dict(scale=0.5)),
    ("RandomPerspective", dict(factor=(0.5, 1.0), interpolation="nearest", fill_value=3.0)),
    ("RandomElasticTransform", dict(scale=(0.5, 1.0), fill_mode="constant", value_range=(0, 200))),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]


def images(shape=SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


def close(a, b, atol=2e-3):  # the elastic blur rounds differently in float32 (values up to 255)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=atol)


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_training_matches_keras_with_seed(keras, name, kwargs):
    h, k = getattr(iw, name)(seed=11, **kwargs), getattr(keras.layers, name)(seed=11, **kwargs)
    x, labels = images(), np.eye(4, dtype="float32")[:3]
    for _ in range(2):  # the second call continues each generator's stream
        got, want = h({"images": x, "labels": labels}, training=True), k({"images": x, "labels": labels})
        close(got["images"], want["images"])
        np.testing.assert_array_equal(np.asarray(got["labels"]), labels)
    assert h.compute_output_shape((None, 8, 10, 3)) == k.compute_output_shape((None, 8, 10, 3))
    assert set(k.get_config()) <= set(h.get_config())


def test_masks_match_keras(keras):
    masks = np.random.default_rng(4).integers(0, 3, (3, 8, 10, 1)).astype("float32")
    data = {"images": images(), "segmentation_masks": masks}
    got = iw.RandomPerspective(scale=0.6, seed=5)(dict(data))
    want = keras.layers.RandomPerspective(scale=0.6, seed=5)(dict(data))
    close(got["images"], want["images"])
    close(got["segmentation_masks"], want["segmentation_masks"], 0)


@pytest.mark.parametrize("name", ["RandomPerspective", "RandomElasticTransform"])
def test_channels_first_and_single_images_follow_the_batch_path(name):
    """The draws do not depend on the layout, and a single image is a batch of one."""
    x = images()
    want = np.asarray(getattr(iw, name)(seed=2)(x))
    first = getattr(iw, name)(seed=2, data_format="channels_first")(x.transpose(0, 3, 1, 2))
    close(np.asarray(first).transpose(0, 2, 3, 1), want, 0)
    single = getattr(iw, name)(seed=2)(x[0])
    assert tuple(single.shape) == x.shape[1:]
    close(single, getattr(iw, name)(seed=2)(x[:1])[0], 0)


@pytest.mark.parametrize("name,kwargs", [CASES[0], CASES[2]], ids=[IDS[0], IDS[2]])
def test_inference_identity_seeding_and_config(name, kwargs):
    x = images()
    layer = getattr(iw, name)(seed=3, **kwargs)
    close(layer(x, training=False), x, 0)
    y1 = np.asarray(layer(x, training=True))
    np.testing.assert_array_equal(y1, np.asarray(getattr(iw, name)(seed=3, **kwargs)(x, training=True)))
    assert np.all(np.isfinite(y1)) and not np.allclose(y1, x)
    config = layer.get_config()
    json.dumps(config)
    clone = type(layer).from_config(config)
    assert clone.get_config() == {**config, "name": clone.name}
    close(clone(x, training=False), x, 0)


def test_jit_symbolic_batch_follows_eager_stream():
    """The elastic blur kernel follows the traced distortion (its size is bounded statically by ``scale``)."""
    layer, eager = iw.RandomElasticTransform(seed=5), iw.RandomElasticTransform(seed=5)
    graph = hornet.trace(lambda t: layer(t, training=True), hornet.TensorSpec((None, 8, 10, 3)))
    assert "batch" in str(graph.output_types[0])
    jitted = hornet.jit(lambda t: layer(t, training=True))
    for batch in (3, 5):
        x = images((batch, 8, 10, 3), batch)
        close(jitted(x), eager(x, training=True))
    assert jitted.cache_size <= 2


def test_elastic_masks_stay_labels():
    """Masks take the images' displacement with nearest interpolation: they keep their label values."""
    masks = np.random.default_rng(6).integers(0, 3, (3, 8, 10, 1)).astype("float32")
    out = iw.RandomElasticTransform(factor=(1.0, 1.0), seed=1)({"images": images(), "segmentation_masks": masks})
    got = np.asarray(out["segmentation_masks"])
    assert got.shape == masks.shape and set(np.unique(got)) <= {0.0, 1.0, 2.0}


def test_errors():
    with pytest.raises(ValueError, match=r"scale=1.5"):
        iw.RandomPerspective(scale=1.5)
    with pytest.raises(ValueError, match="interpolation='bicubic'"):
        iw.RandomPerspective(interpolation="bicubic")
    with pytest.raises(ValueError, match=r"factor.*\[0, 1\]"):
        iw.RandomElasticTransform(factor=2.0)
    with pytest.raises(ValueError, match="fill_mode='edge'"):
        iw.RandomElasticTransform(fill_mode="edge")
    with pytest.raises(ValueError, match="bounding_boxes"):
        iw.RandomPerspective(seed=0)({"images": images(), "bounding_boxes": {}})
