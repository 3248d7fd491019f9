"""RandomShear, RandAugment and AugMix (image_shear, image_policies). RandomShear and RandAugment match Keras 3 on
JAX draw for draw given a seed; AugMix's operation choice is drawn from its seed generator (Keras uses Python's
``random``), so it is checked structurally: its output is the Keras recipe applied to its own draws, and it is
seeded, within range, the identity at inference, traceable with a symbolic batch and usable in a compiled model."""
import json

import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.api.models.sequential import Sequential
from hornet.api.random import SeedGenerator
from hornet.runtime.backend import using_backend
from layer_oracle import close as _close, close_levels, uniform_images

SHAPE = (3, 8, 10, 3)  # as test_image_preprocessing: Keras and hornet reuse their compiled ops


def images(shape=SHAPE, seed=0, high=255.0):
    return uniform_images(shape, seed, high)


def close(a, b, atol=2e-4):
    _close(a, b, rtol=1e-5, atol=atol)


@pytest.mark.parametrize("kwargs", [dict(x_factor=0.3, y_factor=(0.1, 0.2)),
                                    dict(x_factor=(0.2, 0.5), fill_mode="constant", fill_value=9.0,
                                         interpolation="nearest")])
def test_random_shear_matches_keras(keras, oracle, kwargs):
    x = images()
    h, k = layers.RandomShear(seed=6, **kwargs), keras.layers.RandomShear(seed=6, **kwargs)
    for want in oracle(("shear", str(kwargs)), lambda: [k(x, training=True) for _ in range(2)]):
        close(h(x, training=True), want)
    np.testing.assert_array_equal(np.asarray(h(x, training=False)), x)
    assert set(k.get_config()) <= set(h.get_config())
    config = h.get_config()
    json.dumps(config)
    clone = layers.RandomShear.from_config(config)  # a number factor survives (Keras stores (-f, f))
    assert clone.x_factor == h.x_factor and clone.get_config() == {**config, "name": clone.name}


def test_rand_augment_matches_keras(keras, oracle):
    x = images(seed=1)
    h, k = layers.RandAugment(num_ops=2, seed=7), keras.layers.RandAugment(num_ops=2, seed=7)
    # the choices and every operation's draws come from the policy's generator (Keras runs all 11 operations
    # for each of the num_ops steps: one call keeps it quick)
    (want,) = oracle("rand_augment", lambda: [k(x, training=True)])
    close_levels(h(x, training=True), want)
    assert set(k.get_config()) <= set(h.get_config())


@pytest.mark.parametrize("backend", ["torch"])
def test_aug_mix_follows_the_keras_recipe(backend):
    # eager structure (the seeded, compiled and inference behaviour is checked on every backend below)
    with using_backend(backend):
        x = hornet.ops.convert_to_tensor(images(seed=2))
        layer = layers.AugMix(num_chains=2, chain_depth=1, seed=3)
        got = np.asarray(layer(x, training=True))
        weights, mix, chains = layer._draw(x, SeedGenerator(3))  # the same draws from a fresh generator
        weights, mix = np.asarray(weights), float(np.asarray(mix))
        assert np.all(weights > 0) and np.isclose(weights.sum(), 1.0) and 0.0 <= mix <= 1.0
        blend = 0.0
        for c, chain in enumerate(chains):
            copy = x
            for choice, params in chain:
                i = int(np.asarray(choice))
                assert 0 <= i <= len(layer._names)
                if i < len(layer._names):  # the last choice is the empty slot
                    copy = layer._operations()[i]._apply(copy, params[i])
            blend = blend + np.asarray(copy) * weights[c]
        close(got, np.clip(mix * np.asarray(x) + (1.0 - mix) * blend, 0, 255), atol=1e-3)


@pytest.mark.parametrize("name,kwargs", [("AugMix", dict(num_chains=2, chain_depth=1, factor=0.5)),
                                         ("RandAugment", dict(num_ops=2, factor=0.4, value_range=(0, 1)))])
def test_policies_seeded_in_range_and_identity_at_inference(keras, name, kwargs):
    high = float(kwargs.get("value_range", (0, 255))[1])
    x = images(seed=4, high=high)
    a = getattr(layers, name)(seed=5, **kwargs)
    np.testing.assert_array_equal(np.asarray(a(x, training=False)), x)
    y1 = np.asarray(a(x, training=True))
    assert y1.min() >= 0.0 and y1.max() <= high and np.all(np.isfinite(y1))
    assert not np.array_equal(np.asarray(a(x, training=True)), y1)  # the stream moves on
    config = a.get_config()
    json.dumps(config)
    clone = type(a).from_config(config)
    assert clone.get_config() == {**config, "name": clone.name}
    close(clone(x, training=True), y1)  # a fresh generator from the same seed: the same draws
    assert set(getattr(keras.layers, name)(**kwargs).get_config()) <= set(config)


@pytest.mark.parametrize("backend", ["torch"])
def test_aug_mix_choices_cover_every_slot(backend):
    with using_backend(backend):  # many small eager draws: one backend is enough
        layer = layers.AugMix(num_chains=1, chain_depth=1, all_ops=False, seed=0)
        x = hornet.ops.convert_to_tensor(images((1, 4, 4, 3)))
        gen = SeedGenerator(0)
        seen = [int(np.asarray(layer._draw(x, gen)[2][0][0][0])) for _ in range(60)]
    assert set(seen) == set(range(len(layer._names) + 1))  # 7 operations and the empty slot, about evenly
    assert max(seen.count(i) for i in set(seen)) < 20


def test_policies_trace_and_run_compiled():
    policy = layers.AugMix(num_chains=1, chain_depth=1, all_ops=False, seed=8)
    eager = layers.AugMix(num_chains=1, chain_depth=1, all_ops=False, seed=8)
    graph = hornet.trace(lambda t: policy(t, training=True), hornet.TensorSpec((None, *SHAPE[1:])))
    assert str(graph.output_types[0]) == "float32[batch,8,10,3]"
    jitted = hornet.jit(lambda t: policy(t, training=True))
    x = images(seed=9)
    for _ in range(2):  # the choice is a switch in the compiled program; its outputs follow the eager stream
        close(jitted(x), eager(x, training=True), atol=1e-3)
    close(policy.generator.state.value, eager.generator.state.value, atol=0)
    assert jitted.cache_size == 1
    dense = layers.Dense(1, kernel_initializer="ones")
    model = Sequential([layers.Input(SHAPE[1:]), policy, layers.Flatten(), dense])
    reference = Sequential([layers.Input(SHAPE[1:]), layers.Flatten(), dense])
    close(model.predict(x, verbose=0), reference.predict(x, verbose=0), atol=1e-3)  # identity at inference


def test_errors():
    with pytest.raises(ValueError, match=r"RandomShear: `x_factor`.*\[0, 1\].*x_factor=\(-0.2, 0.3\)"):
        layers.RandomShear(x_factor=(-0.2, 0.3))
    with pytest.raises(ValueError, match="RandomShear: unknown fill_mode='edge'"):
        layers.RandomShear(0.2, fill_mode="edge")
    with pytest.raises(ValueError, match="RandAugment: `num_ops` must be a positive integer, got num_ops=0"):
        layers.RandAugment(num_ops=0)
    with pytest.raises(ValueError, match=r"AugMix: `factor`.*factor=1.5"):
        layers.AugMix(factor=1.5)
    with pytest.raises(ValueError, match="AugMix: `alpha` must be a positive number, got alpha=0"):
        layers.AugMix(alpha=0)
    with pytest.raises(ValueError, match="RandAugment: unknown interpolation='bicubic'"):
        layers.RandAugment(interpolation="bicubic")
