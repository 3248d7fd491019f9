"""Reshaping layers (Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
UpSampling1D/2D/3D) against Keras 3 (JAX backend): outputs, output shapes, configs, symbolic batch, errors."""
import json

import numpy as np
import pytest

from layer_oracle import ATOL, RTOL, assert_configs_match, rand

import hornet
from hornet.api.layers import reshaping
from hornet.ir.errors import ShapeError


CASES = [
    ("Flatten", {}, (2, 3, 4)),
    ("Flatten", {}, (2, 5)),
    ("Flatten", {"data_format": "channels_first"}, (2, 3, 4, 5)),
    ("Reshape", {"target_shape": (4, 3)}, (2, 12)),
    ("Reshape", {"target_shape": (-1, 2)}, (2, 3, 4)),
    ("Reshape", {"target_shape": (2, -1, 3)}, (2, 4, 3)),
    ("Permute", {"dims": (2, 1)}, (2, 3, 4)),
    ("Permute", {"dims": (3, 1, 2)}, (2, 3, 4, 5)),
    ("RepeatVector", {"n": 3}, (2, 4)),
    ("ZeroPadding1D", {}, (2, 5, 3)),
    ("ZeroPadding1D", {"padding": (1, 3)}, (2, 5, 3)),
    ("ZeroPadding2D", {"padding": 2}, (2, 4, 5, 3)),
    ("ZeroPadding2D", {"padding": ((1, 0), (2, 3)), "data_format": "channels_first"}, (2, 3, 4, 5)),
    ("ZeroPadding3D", {"padding": (1, 0, 2)}, (1, 3, 2, 4, 2)),
    ("Cropping1D", {}, (2, 6, 3)),
    ("Cropping1D", {"cropping": (2, 0)}, (2, 6, 3)),
    ("Cropping2D", {"cropping": ((1, 2), (0, 1))}, (2, 6, 5, 3)),
    ("Cropping2D", {"cropping": 1, "data_format": "channels_first"}, (2, 3, 5, 6)),
    ("Cropping3D", {}, (1, 4, 5, 6, 2)),
    ("Cropping3D", {"cropping": ((0, 1), (1, 0), 2), "data_format": "channels_first"}, (1, 2, 4, 5, 6)),
    ("UpSampling1D", {"size": 3}, (2, 4, 3)),
    ("UpSampling2D", {}, (2, 3, 4, 2)),
    ("UpSampling2D", {"size": (1, 3), "data_format": "channels_first"}, (2, 2, 3, 4)),
    ("UpSampling2D", {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2)),
    ("UpSampling2D", {"size": 4, "interpolation": "bilinear", "data_format": "channels_first"}, (1, 2, 3, 5)),
    ("UpSampling3D", {"size": (2, 1, 3)}, (1, 2, 3, 2, 2)),
]


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=lambda v: str(v))
def test_matches_keras(keras, name, kwargs, shape):
    h, k = getattr(reshaping, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    x = rand(shape, 1)
    np.testing.assert_allclose(np.asarray(h(x)), np.asarray(k(x)), rtol=RTOL, atol=ATOL)
    assert h.compute_output_shape((None, *shape[1:])) == tuple(k.compute_output_shape((None, *shape[1:])))
    assert h.weights == []
    assert h.supports_masking == k.supports_masking
    hc, kc = h.get_config(), k.get_config()
    assert_configs_match(hc, kc)
    json.dumps(hc)
    clone = type(h).from_config(hc)
    np.testing.assert_array_equal(np.asarray(clone(x)), np.asarray(h(x)))


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=lambda v: str(v))
def test_symbolic_batch(name, kwargs, shape):
    layer = getattr(reshaping, name)(**kwargs)
    graph = hornet.trace(lambda x: layer(x), hornet.TensorSpec((None, *shape[1:])))
    out_type = str(graph.output_types[0])
    assert "batch" in out_type
    jitted = hornet.jit(layer)
    for batch in (1, 3):
        x = rand((batch, *shape[1:]), batch)
        y = np.asarray(jitted(x))
        np.testing.assert_allclose(y, np.asarray(layer(x)), rtol=RTOL, atol=ATOL)
        assert y.shape == tuple(d if d is not None else batch
                                for d in layer.compute_output_shape((None, *shape[1:])))
    assert jitted.cache_size <= 2


@pytest.mark.parametrize("name,kwargs,in_shape", [
    ("Flatten", {}, (None, None, 4)),
    ("Reshape", {"target_shape": (-1, 2)}, (None, None, 4)),
    ("ZeroPadding1D", {"padding": 2}, (None, None, 3)),
    ("Cropping2D", {"cropping": 1}, (None, None, 6, 3)),
    ("UpSampling2D", {}, (None, 3, None, 2)),
    ("Permute", {"dims": (2, 1)}, (None, None, 4)),
])
def test_output_shape_with_unknown_dims_matches_keras(keras, name, kwargs, in_shape):
    h, k = getattr(reshaping, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    assert h.compute_output_shape(in_shape) == tuple(k.compute_output_shape(in_shape))


def test_bilinear_upsampling_preserves_constants_and_linear_ramps():
    x = np.broadcast_to(np.arange(4, dtype="float32")[None, :, None, None], (1, 4, 3, 1)).copy()
    y = np.asarray(reshaping.UpSampling2D(2, interpolation="bilinear")(x))[0, :, 0, 0]
    np.testing.assert_allclose(y, [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3], rtol=RTOL)


def test_errors():
    with pytest.raises(ShapeError, match="rank-2"):
        reshaping.RepeatVector(2)(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ShapeError, match="rank-4"):
        reshaping.ZeroPadding2D()(np.ones((2, 3, 4), "float32"))
    with pytest.raises(ShapeError, match="rank-3"):
        reshaping.Permute((2, 1))(np.ones((2, 3, 4, 5), "float32"))
    with pytest.raises(ShapeError, match="rank-5"):
        reshaping.Cropping3D()(np.ones((2, 3, 4, 5), "float32"))
    with pytest.raises(ShapeError, match="target_shape"):
        reshaping.Reshape((5,))(np.ones((2, 6), "float32"))
    with pytest.raises(ShapeError, match="can't be reshaped"):
        reshaping.Reshape((-1, 4))(np.ones((2, 6), "float32"))
    with pytest.raises(ValueError, match="target_shape"):
        reshaping.Reshape((-1, -1))
    with pytest.raises(ValueError, match="dims"):
        reshaping.Permute((0, 1))
    with pytest.raises(ValueError, match="padding"):
        reshaping.ZeroPadding2D(((1, 2, 3), (1, 1)))
    with pytest.raises(ValueError, match="cropping"):
        reshaping.Cropping1D((3, 3))(np.ones((2, 6, 3), "float32"))
    with pytest.raises(ValueError, match="interpolation"):
        reshaping.UpSampling2D(interpolation="lanczos5")
    with pytest.raises(ValueError, match="size"):
        reshaping.UpSampling1D(0)
