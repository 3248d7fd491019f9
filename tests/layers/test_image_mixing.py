"""RandomErasing, CutMix and MixUp against Keras 3 (JAX backend).

RandomErasing draws only uniform and normal numbers, so with the same seed it matches Keras draw for draw. CutMix
and MixUp also draw Beta samples, which hornet computes with a different (loop-free) algorithm than
``jax.random.beta``: same distribution, other numbers. With the Beta sampler swapped for JAX's on the same key,
both match Keras exactly (every other draw, the permutation and the mixing are hornet's own); with hornet's
sampler the tests check the structure of the outputs (pasted boxes, blends, label weights)."""
import json

import numpy as np
import pytest

import hornet
from hornet.api import ops
from hornet.api.layers import image_mixing as im
from hornet.api.random.seed_generator import draw_seed

SHAPE = (3, 8, 10, 3)
LABELS = np.eye(4, dtype="float32")[:3]


def images(shape=SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")


def close(a, b, atol=1e-4):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=atol)


@pytest.fixture
def jax_beta(monkeypatch):
    """Beta samples from ``jax.random.beta`` on the key hornet's generator hands out (as Keras on JAX draws)."""
    import jax

    def beta(shape, alpha, beta, dtype=None, seed=None):
        key = np.asarray(ops.convert_to_numpy(draw_seed(seed)), dtype=np.uint32)
        out = jax.random.beta(key, a=np.asarray(ops.convert_to_numpy(alpha)), b=np.asarray(ops.convert_to_numpy(beta)),
                              shape=shape, dtype=dtype or "float32")
        return ops.convert_to_tensor(np.asarray(out))

    monkeypatch.setattr(im, "beta", beta)


ERASING = [dict(fill_value=7.0, scale=(0.2, 0.5)), dict(data_format="channels_first", value_range=(0, 100))]


@pytest.mark.parametrize("kwargs", ERASING, ids=["constant", "noise-channels_first"])
def test_random_erasing_matches_keras_with_seed(keras, kwargs):
    h, k = im.RandomErasing(seed=11, **kwargs), keras.layers.RandomErasing(seed=11, **kwargs)
    x = images() if "data_format" not in kwargs else images().transpose(0, 3, 1, 2)
    for _ in range(2):  # the second call continues each generator's stream
        got, want = h({"images": x, "labels": LABELS}, training=True), k({"images": x, "labels": LABELS})
        close(got["images"], want["images"])
        np.testing.assert_array_equal(np.asarray(got["labels"]), LABELS)
    assert set(k.get_config()) <= set(h.get_config())


@pytest.mark.parametrize("name,kwargs", [("CutMix", dict(factor=0.5)), ("MixUp", dict())])
def test_mixing_matches_keras_with_jax_beta(keras, jax_beta, name, kwargs):
    h, k = getattr(im, name)(seed=11, **kwargs), getattr(keras.layers, name)(seed=11, **kwargs)
    x = images()
    for _ in range(2):
        got, want = h({"images": x, "labels": LABELS}, training=True), k({"images": x, "labels": LABELS})
        close(got["images"], want["images"])
        close(got["labels"], want["labels"], 1e-6)
    assert set(k.get_config()) <= set(h.get_config())


def _partner(labels, i):
    """The partner index and own weight encoded in mixed one-hot labels."""
    row = labels[i].copy()
    own = row[i]
    row[i] = 0
    return (int(np.argmax(row)) if row.max() > 0 else i), own


def test_cutmix_pastes_a_box_of_the_partner():
    x, labels = images(), np.eye(3, dtype="float32")
    out = im.CutMix(seed=2)({"images": x, "labels": labels}, training=True)
    got, mixed = np.asarray(out["images"]), np.asarray(out["labels"])
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, atol=1e-6)
    for i in range(3):
        j, own = _partner(mixed, i)
        pasted = np.any(got[i] != x[i], axis=-1)
        if pasted.any():
            rows, cols = np.where(pasted)
            box = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
            assert pasted[box].all()  # a rectangle
            np.testing.assert_array_equal(got[i][box], x[j][box])
            assert own < 1.0
        np.testing.assert_array_equal(got[i][~pasted], x[i][~pasted])


def test_mixup_blends_images_and_labels_alike():
    x, labels = images(), np.eye(3, dtype="float32")
    images_out, labels_out = im.MixUp(alpha=0.7, seed=3)((x, labels), training=True)  # a pair in, a pair out
    got, mixed = np.asarray(images_out), np.asarray(labels_out)
    for i in range(3):
        j, own = _partner(mixed, i)
        close(got[i], own * x[i] + (1 - own) * x[j], 1e-3)
    dict_out = im.MixUp(alpha=0.7, seed=3)({"images": x, "labels": labels}, training=True)
    close(dict_out["images"], got, 0)


def test_random_erasing_fill_per_channel_and_probability():
    x = images()
    out = np.asarray(im.RandomErasing(factor=(1.0, 1.0), scale=(0.3, 0.3), fill_value=[1.0, 2.0, 300.0], seed=1)(
        x, training=True))
    erased = np.any(out != x, axis=-1)
    assert erased.any(axis=(1, 2)).all()  # probability 1: every image
    np.testing.assert_array_equal(out[erased], np.broadcast_to([1.0, 2.0, 255.0], out[erased].shape))
    never = im.RandomErasing(factor=0.0, seed=1)(x, training=True)
    close(never, x, 0)


def test_inference_single_images_and_configs():
    x = images()
    u8 = x.astype("uint8")
    for layer in (im.RandomErasing(seed=1), im.CutMix(seed=1), im.MixUp(seed=1)):
        close(layer(x, training=False), x, 0)
        config = layer.get_config()
        json.dumps(config)
        clone = type(layer).from_config(config)
        assert clone.get_config() == {**config, "name": clone.name}
    assert np.asarray(im.MixUp(seed=1)(u8, training=False)).dtype == np.uint8  # as Keras: no cast at inference
    assert np.asarray(im.CutMix(seed=1)(u8, training=False)).dtype == np.float32
    single = im.CutMix(seed=1)({"images": x[0], "labels": LABELS[0]}, training=True)  # nothing to pair with
    close(single["images"], x[0], 0)
    close(single["labels"], LABELS[0], 0)
    close(im.MixUp(seed=1)(x[0], training=True), x[0], 1e-3)  # its own partner


def test_traced_mixing_keeps_the_symbolic_batch():
    graph = hornet.trace(lambda t, y: im.CutMix(seed=4)({"images": t, "labels": y}, training=True),
                         hornet.TensorSpec((None, 8, 10, 3)), hornet.TensorSpec((None, 4)))
    assert [str(t).split("[")[1] for t in graph.output_types[:2]] == ["batch,8,10,3]", "batch,4]"]
    layer = im.MixUp(seed=1)
    out = np.asarray(hornet.jit(lambda t: layer(t, training=True))(images()))
    assert out.shape == SHAPE and np.all(np.isfinite(out))


def test_errors():
    with pytest.raises(ValueError, match="fill_value='red'"):
        im.RandomErasing(fill_value="red")
    with pytest.raises(ValueError, match=r"scale.*\[0, 1\]"):
        im.RandomErasing(scale=(2.0, 3.0))
    with pytest.raises(ValueError, match="alpha=0"):
        im.MixUp(alpha=0)
    with pytest.raises(ValueError, match=r"factor.*\[0, 1\]"):
        im.CutMix(factor=-0.5)
    with pytest.raises(ValueError, match="'images' entry"):
        im.CutMix(seed=0)({"labels": LABELS})
    with pytest.raises(ValueError, match="bounding_boxes"):
        im.MixUp(seed=0)({"images": images(), "bounding_boxes": {}})
    with pytest.raises(ValueError, match=r"\(images, labels\)"):
        im.MixUp(seed=0)((images(), LABELS, LABELS))
