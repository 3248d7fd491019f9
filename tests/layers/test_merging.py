"""Merging layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot and their functional
forms) against Keras 3 (JAX backend): outputs, output shapes, masks, configs, symbolic batch, errors."""
import json

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, assert_configs_match, rand

import hornet
from hornet.api.layers import merging
from hornet.api.layers.input_layer import Input


ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
CASES = [(name, {}, [(2, 3, 4), (2, 3, 4)]) for name in ELEMENTWISE] + [
    (name, {}, [(2, 3, 4), (2, 4)]) for name in ELEMENTWISE  # lower rank: axes inserted after the batch
] + [
    (name, {}, [(2, 3), (2, 3), (2, 3)]) for name in ELEMENTWISE if name != "Subtract"
] + [
    ("Add", {}, [(2, 1, 4), (2, 3, 1)]),
    ("Concatenate", {}, [(2, 3, 4), (2, 3, 2)]),
    ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 1, 4), (2, 5, 4)]),
    ("Concatenate", {"axis": -2}, [(2, 2, 4), (2, 3, 4)]),
    ("Dot", {"axes": 1}, [(2, 5), (2, 5)]),
    ("Dot", {"axes": -1}, [(2, 3, 5), (2, 4, 5)]),
    ("Dot", {"axes": (1, 2)}, [(2, 3, 5), (2, 4, 3)]),
    ("Dot", {"axes": (2, 1), "normalize": True}, [(2, 3, 5), (2, 5, 4)]),
    ("Dot", {"axes": (1, 1)}, [(2, 3), (2, 3, 4)]),
    ("Dot", {"axes": [2, 2]}, [(2, 3, 4, 6), (2, 5, 4)]),
]


@pytest.mark.parametrize("name,kwargs,shapes", CASES, ids=lambda v: str(v))
def test_matches_keras(keras, name, kwargs, shapes):
    xs = [rand(s, i) for i, s in enumerate(shapes)]
    h, k = getattr(merging, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    np.testing.assert_allclose(np.asarray(h(xs)), np.asarray(k(xs)), rtol=RTOL, atol=ATOL)
    sym = [(None, *s[1:]) for s in shapes]
    assert h.compute_output_shape(sym) == tuple(k.compute_output_shape(sym))
    assert h.weights == [] and h.supports_masking == k.supports_masking
    hc, kc = h.get_config(), k.get_config()
    assert_configs_match(hc, kc)
    json.dumps(hc)
    np.testing.assert_array_equal(np.asarray(type(h).from_config(hc)(xs)), np.asarray(h(xs)))


@pytest.mark.parametrize("name,kwargs,shapes", CASES[::3], ids=lambda v: str(v))
def test_symbolic_batch(name, kwargs, shapes):
    layer = getattr(merging, name)(**kwargs)
    specs = [hornet.TensorSpec((None, *s[1:])) for s in shapes]
    graph = hornet.trace(lambda *xs: layer(list(xs)), *specs)
    assert "batch" in str(graph.output_types[0])
    jitted = hornet.jit(lambda *xs: layer(list(xs)))
    for batch in (1, 4):
        xs = [rand((batch, *s[1:]), i) for i, s in enumerate(shapes)]
        np.testing.assert_allclose(np.asarray(jitted(*xs)), np.asarray(layer(xs)), rtol=RTOL, atol=ATOL)
    assert jitted.cache_size <= 2


def test_functional_inputs():
    a, b = Input((3,)), Input((3,))
    out = merging.Concatenate()([merging.Add()([a, b]), merging.Multiply()([a, b])])
    assert out.shape == (None, 6)
    assert merging.Dot(axes=1)([a, b]).shape == (None, 1)


@pytest.mark.parametrize("fn,cls", [("add", "Add"), ("subtract", "Subtract"), ("multiply", "Multiply"),
                                    ("average", "Average"), ("maximum", "Maximum"), ("minimum", "Minimum"),
                                    ("concatenate", "Concatenate"), ("dot", "Dot")])
def test_functional_forms_match_keras(keras, fn, cls):
    xs = [rand((2, 4), 1), rand((2, 4), 2)]
    np.testing.assert_allclose(np.asarray(getattr(merging, fn)(xs)), np.asarray(getattr(keras.layers, fn)(xs)),
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name,kwargs", [("Add", {}), ("Maximum", {}), ("Concatenate", {}),
                                         ("Concatenate", {"axis": 1}), ("Dot", {"axes": -1})])
def test_compute_mask_matches_keras(keras, name, kwargs):
    xs = [rand((2, 3, 4), 1), rand((2, 3, 4), 2)]
    masks = [np.array([[True, False, True], [False, False, True]]), np.array([[True, True, False]] * 2)]
    h, k = getattr(merging, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    for ms in (masks, [masks[0], None], None):
        hm, km = h.compute_mask(xs, ms), k.compute_mask(xs, ms)
        assert (hm is None) == (km is None)
        if km is not None:
            np.testing.assert_array_equal(np.asarray(hm), np.asarray(km))


def test_masked_maximum_and_multiply():
    a = np.array([[[1.0], [5.0], [2.0]]], "float32")
    b = np.array([[[3.0], [4.0], [-1.0]]], "float32")
    ma = np.array([[True, True, False]])
    mb = np.array([[False, True, True]])
    # a masked-out entry takes the other input's value
    np.testing.assert_array_equal(np.asarray(merging.Maximum()([a, b], mask=[ma, mb]))[0, :, 0], [1.0, 5.0, -1.0])
    np.testing.assert_array_equal(np.asarray(merging.Minimum()([a, b], mask=[ma, mb]))[0, :, 0], [1.0, 4.0, -1.0])
    # masked entries count as 1, and positions masked in every input are 0
    np.testing.assert_array_equal(np.asarray(merging.Multiply()([a, b], mask=[ma, mb]))[0, :, 0], [1.0, 20.0, -1.0])
    np.testing.assert_array_equal(np.asarray(merging.Add()([a, b], mask=[ma, mb]))[0, :, 0], [4.0, 9.0, 1.0])


def test_errors():
    with pytest.raises(ValueError, match="list"):
        merging.Add()(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="exactly 2"):
        merging.Subtract()([np.ones((2, 3), "float32")] * 3)
    with pytest.raises(ValueError, match="incompatible shapes"):
        merging.Add()([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")])
    with pytest.raises(ValueError, match="different batch sizes"):
        merging.Add()([np.ones((2, 3), "float32"), np.ones((3, 3), "float32")])
    with pytest.raises(ValueError, match="matching shapes"):
        merging.Concatenate(axis=1)([np.ones((2, 3, 4), "float32"), np.ones((2, 3, 5), "float32")])
    with pytest.raises(ValueError, match="incompatible input shapes"):
        merging.Dot(axes=1)([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")])
    with pytest.raises(ValueError, match="batch axis"):
        merging.Dot(axes=0)([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])
    with pytest.raises(ValueError, match="two integers"):
        merging.Dot(axes=(1, 2, 3))
