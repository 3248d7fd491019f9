"""InputSpec / assert_input_compatibility (accept and reject the same inputs as Keras 3, with errors naming the
layer and the shapes), the Wrapper base class, and hornet.layers.serialize/deserialize (incl. Keras entries)."""
import json

import numpy as np
import pytest

from hornet import ops
from hornet.api.layers.core import Dense
from hornet.api.layers.input_spec import InputSpec, assert_input_compatibility
from hornet.api.layers.layer import Layer
from hornet.api.layers.layer_serialization import deserialize, serialize
from hornet.api.layers.wrapper import Wrapper
from hornet.api.saving.serialize import UnknownClassError


def zeros(shape, dtype="float32"):
    return np.zeros(shape, dtype)


# (spec arguments, input shape, input dtype)
CASES = [
    (dict(ndim=2), (3, 4), "float32"),
    (dict(ndim=2), (3, 4, 1), "float32"),
    (dict(min_ndim=3), (3, 4), "float32"),
    (dict(min_ndim=2, max_ndim=3), (3, 4, 5), "float32"),
    (dict(max_ndim=2), (3, 4, 5), "float32"),
    (dict(dtype="int32"), (3,), "int32"),
    (dict(dtype="int32"), (3,), "float32"),
    (dict(axes={-1: 4}), (2, 4), "float32"),
    (dict(axes={-1: 4}), (2, 5), "float32"),
    (dict(ndim=3, axes={1: 7}), (2, 7, 3), "float32"),
    (dict(ndim=3, axes={1: 7}), (2, 6, 3), "float32"),
    (dict(shape=(None, 28, 28, 1)), (5, 28, 28, 1), "float32"),
    (dict(shape=(None, 28, 28, 1)), (5, 28, 27, 1), "float32"),
    (dict(shape=(None, 28, 28, 1), allow_last_axis_squeeze=True), (5, 28, 28), "float32"),
    (dict(shape=(None, 28, 28), allow_last_axis_squeeze=True), (5, 28, 28, 1), "float32"),
    (dict(shape=(None, 28, 28), allow_last_axis_squeeze=True), (5, 28, 29, 1), "float32"),
]


@pytest.mark.parametrize("kwargs,shape,dtype", CASES)
def test_assert_input_compatibility_agrees_with_keras(keras, kwargs, shape, dtype):
    from keras.src.layers.input_spec import assert_input_compatibility as keras_assert

    x = zeros(shape, dtype)
    try:
        keras_assert(keras.InputSpec(**kwargs), x, "my_layer")
        keras_ok = True
    except ValueError:
        keras_ok = False
    if keras_ok:
        assert_input_compatibility(InputSpec(**kwargs), x, "my_layer")
    else:
        with pytest.raises(ValueError, match=r"'my_layer'.*expected") as info:
            assert_input_compatibility(InputSpec(**kwargs), x, "my_layer")
        assert str(shape[-1]) in str(info.value) or "dtype" in str(info.value)  # names what was received


def test_error_messages_name_layer_expected_and_received():
    with pytest.raises(ValueError, match=r"Input 0 of layer 'conv' .*expected ndim=4, found ndim=3\. "
                                         r"Full shape received: \(2, 8, 3\)"):
        assert_input_compatibility(InputSpec(ndim=4), zeros((2, 8, 3)), "conv")
    with pytest.raises(ValueError, match=r"expected axis -1 of the input shape to have value 3, but received an "
                                         r"input with shape \(2, 8, 8, 4\)"):
        assert_input_compatibility(InputSpec(axes={-1: 3}), zeros((2, 8, 8, 4)), "conv")
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(2, 5\)"):
        assert_input_compatibility(InputSpec(shape=(None, 4)), zeros((2, 5)), "dense")
    with pytest.raises(ValueError, match=r"Input 1 \(name 'b'\) of layer 'add'.*dtype=int32, found dtype=float32"):
        assert_input_compatibility([InputSpec(name="a"), InputSpec(dtype="int32", name="b")],
                                   [zeros((2,)), zeros((2,))], "add")


def test_multiple_inputs_dicts_none_and_symbolic():
    import hornet

    specs = [InputSpec(ndim=2, name="x"), None, InputSpec(min_ndim=1, name="y")]
    assert_input_compatibility(specs, [zeros((2, 3)), zeros((5,)), zeros((4,))], "merge")
    with pytest.raises(ValueError, match=r"'merge' expects 3 input\(s\), but it received 2"):
        assert_input_compatibility(specs, [zeros((2, 3)), zeros((4,))], "merge")
    named = [InputSpec(ndim=2, name="x"), InputSpec(ndim=1, name="y")]
    assert_input_compatibility(named, {"y": zeros((4,)), "x": zeros((2, 3))}, "merge")
    with pytest.raises(ValueError, match=r"missing data for input\(s\) \['y'\]"):
        assert_input_compatibility(named, {"x": zeros((2, 3))}, "merge")
    optional = InputSpec(ndim=2, optional=True)
    assert_input_compatibility([optional, optional], [None, zeros((1, 2))], "opt")
    assert_input_compatibility(None, zeros((1,)), "anything")

    def check(x):  # a symbolic batch dim is compatible with any size
        assert_input_compatibility(InputSpec(shape=(8, 3)), x, "sym")
        return x

    hornet.trace(check, hornet.TensorSpec((None, 3)))


def test_input_spec_config_round_trip_and_keras_config(keras):
    spec = InputSpec(dtype="float32", shape=(None, 4, 3), axes={-1: 3}, allow_last_axis_squeeze=True, name="img")
    assert spec.ndim == 3
    config = spec.get_config()
    clone = InputSpec.from_config(json.loads(json.dumps(config)))  # JSON turns axes keys into strings
    assert clone == spec and clone.axes == {-1: 3} and clone.shape == (None, 4, 3)
    keras_spec = keras.InputSpec(dtype="float32", max_ndim=4, min_ndim=2, axes={1: 5})
    mine = InputSpec.from_config(keras_spec.get_config())
    assert (mine.dtype, mine.max_ndim, mine.min_ndim, mine.axes) == ("float32", 4, 2, {1: 5})
    assert repr(InputSpec(ndim=2)) == "InputSpec(ndim=2)"


def test_input_spec_errors():
    with pytest.raises(TypeError, match="axes"):
        InputSpec(axes={"last": 3})
    with pytest.raises(ValueError, match="Axis 3|axis 3"):
        InputSpec(ndim=3, axes={3: 2})
    with pytest.raises(ValueError, match="shape"):
        InputSpec(shape=(None, -2))


# --- Wrapper ------------------------------------------------------------------------------------------------------


class Twice(Wrapper):
    """Applies the wrapped layer twice (a test wrapper)."""

    def call(self, x):
        return self.layer(self.layer(x))


def test_wrapper_tracks_builds_and_serializes(keras):
    inner = Dense(4, activation="tanh", name="inner")
    wrapper = Twice(inner, name="twice")
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    y = np.asarray(wrapper(x))
    assert inner.built and wrapper.built
    assert [w.short_name for w in wrapper.weights] == ["kernel", "bias"]
    assert wrapper.trainable_weights[0] is inner.kernel
    k, b = inner.get_weights()
    np.testing.assert_allclose(y, np.tanh(np.tanh(x @ k + b) @ k + b), rtol=1e-5, atol=1e-6)
    config = wrapper.get_config()
    json.dumps(config)
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 4
    k_config = keras.layers.TimeDistributed(keras.layers.Dense(4)).get_config()
    assert set(k_config) - {"build_config"} <= set(config)  # same keys as a Keras Wrapper subclass
    clone = Twice.from_config(config)
    assert isinstance(clone.layer, Dense) and clone.layer is not inner
    clone.build(x.shape)
    clone.set_weights(wrapper.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x)), y, rtol=1e-6)
    wrapper.trainable = False
    assert wrapper.trainable_weights == [] and not inner.trainable


def test_wrapper_errors():
    with pytest.raises(ValueError, match=r"Twice: `layer` must be a hornet Layer instance.*'dense'"):
        Twice("dense")


# --- hornet.layers.serialize / deserialize ------------------------------------------------------------------------


def test_serialize_deserialize_round_trip():
    layer = Dense(3, activation="relu", kernel_regularizer="l2", name="d")
    entry = serialize(layer)
    json.dumps(entry)
    clone = deserialize(json.loads(json.dumps(entry)))
    assert type(clone) is Dense and clone.get_config() == layer.get_config()


def test_deserialize_keras_entries(keras):
    k_dense = keras.layers.Dense(4, activation="relu", use_bias=False)
    k_dense.build((None, 5))
    layer = deserialize(keras.layers.serialize(k_dense))
    assert type(layer) is Dense and layer.units == 4 and not layer.use_bias
    assert layer.built and [tuple(w.shape) for w in layer.weights] == [(5, 4)]  # from Keras's build_config
    layer.set_weights(k_dense.get_weights())
    x = np.ones((2, 5), "float32")
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(k_dense(x)), rtol=1e-6, atol=1e-6)
    conv = deserialize(keras.layers.serialize(keras.layers.Conv2D(3, 3, padding="same")))
    assert type(conv).__name__ == "Conv2D" and conv.padding == "same"


class Scale(Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return ops.multiply(x, self.factor)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_deserialize_custom_objects_and_errors():
    entry = {"class_name": "MyScale", "config": {"factor": 3.0}}
    layer = deserialize(entry, custom_objects={"MyScale": Scale})
    assert isinstance(layer, Scale) and layer.factor == 3.0
    with pytest.raises(UnknownClassError, match="NoSuchLayer"):
        deserialize({"class_name": "NoSuchLayer", "config": {}})
    with pytest.raises(ValueError, match="class_name"):
        deserialize({"config": {}})
    with pytest.raises(ValueError, match="not a Layer"):
        deserialize({"class_name": "Thing", "config": {}}, custom_objects={"Thing": _NotALayer})
    with pytest.raises(ValueError, match="Layer instance"):
        serialize("dense")


class _NotALayer:
    @classmethod
    def from_config(cls, config):
        return cls()
