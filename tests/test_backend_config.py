"""``hornet.backend`` and ``hornet.config``: the Keras names, each changing what it says (checked through the
layers and ops that use it), compared with Keras 3 where it has the same helper."""
from __future__ import annotations

import os

import numpy as np
import pytest

import hornet
from hornet import layers

os.environ.setdefault("KERAS_BACKEND", "jax")


@pytest.fixture
def restore_settings():
    yield
    hornet.config.set_image_data_format("channels_last")
    hornet.config.set_floatx("float32")


def test_image_data_format_is_the_default_of_conv_layers(restore_settings):
    hornet.backend.set_image_data_format("channels_first")
    conv = layers.Conv2D(4, 3)
    assert conv.data_format == "channels_first"
    assert tuple(conv(np.ones((1, 3, 8, 8), "float32")).shape) == (1, 4, 6, 6)
    assert hornet.config.image_data_format() == "channels_first"
    with pytest.raises(ValueError, match="channels_middle"):
        hornet.config.set_image_data_format("channels_middle")


def test_floatx_is_the_default_type_of_new_weights(restore_settings):
    hornet.config.set_floatx("float64")
    dense = layers.Dense(2)
    dense(np.ones((1, 3)))
    assert str(dense.kernel.dtype.value) == "float64" and hornet.backend.floatx() == "float64"
    with pytest.raises(ValueError, match="int8"):
        hornet.config.set_floatx("int8")


@pytest.mark.parametrize("dtypes", [("int8", "float16"), ("int32", "float32"), ("uint8", "int8"), ("bool", "int16")])
def test_result_type_and_dtype_predicates_match_keras(dtypes):
    import keras

    assert hornet.backend.result_type(*dtypes) == keras.backend.result_type(*dtypes)
    for d in dtypes:
        assert hornet.backend.standardize_dtype(d) == keras.backend.standardize_dtype(d)
        assert hornet.backend.is_float_dtype(d) == keras.backend.is_float_dtype(d)
        assert hornet.backend.is_int_dtype(d) == keras.backend.is_int_dtype(d)


def test_clear_session_restarts_default_names_and_get_uid_counts():
    hornet.backend.clear_session()
    assert layers.Dense(1).name == "dense" and layers.Dense(1).name == "dense_1"
    assert [hornet.backend.get_uid("thing"), hornet.backend.get_uid("thing")] == [1, 2]
    hornet.backend.clear_session()
    assert layers.Dense(1).name == "dense"


def test_is_keras_tensor():
    x = hornet.Input((3,))
    assert hornet.backend.is_keras_tensor(x) and hornet.backend.is_keras_tensor(layers.Dense(2)(x))
    assert not hornet.backend.is_keras_tensor(np.ones(3))
