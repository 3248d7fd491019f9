"""Initializers, activations, regularizers and constraints against Keras 3 (JAX backend) as the oracle.

Deterministic initializers must equal Keras's values; random ones are checked for shape, dtype, statistics and
seed determinism (hornet draws from its own seeded NumPy stream, not Keras's)."""
import math
import os
import random as python_random

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")

import hornet  # noqa: E402
from hornet import activations, constraints, initializers, regularizers  # noqa: E402
from hornet.api import activations as api_activations  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras as k

    assert k.backend.backend() == "jax"
    return k


def rand(shape, seed=0, scale=3.0):
    return np.random.default_rng(seed).uniform(-scale, scale, size=shape).astype("float32")


# --- public names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["initializers", "activations", "regularizers", "constraints"])
def test_every_keras_name_exists(keras, module):
    ours = getattr(hornet, module) if hasattr(hornet, module) else __import__(f"hornet.{module}", fromlist=["x"])
    names = [n for n in dir(getattr(keras, module)) if not n.startswith("_")]
    missing = [n for n in names if not hasattr(ours, n)]
    assert not missing, f"hornet.{module} lacks {missing}"
    assert set(ours.__all__) <= set(dir(ours))


# --- deterministic initializers: equal to Keras --------------------------------------------------------------------


@pytest.mark.parametrize("name,kwargs,shape", [
    ("Zeros", {}, (3, 4)),
    ("Ones", {}, (2, 3, 4)),
    ("Constant", {"value": 2.5}, (5,)),
    ("Constant", {"value": [1.0, 2.0, 3.0]}, (2, 3)),
    ("Identity", {}, (4, 4)),
    ("Identity", {"gain": 2.0}, (3, 5)),
    ("Identity", {"gain": 0.5}, (5, 2)),
    ("STFT", {}, (16, 1, 9)),
    ("STFT", {"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True}, (8, 1, 5)),
    ("STFT", {"window": None, "scaling": None}, (8, 1, 5)),
])
def test_deterministic_initializers_equal_keras(keras, name, kwargs, shape):
    ours = getattr(initializers, name)(**kwargs)(shape, "float32")
    theirs = np.asarray(getattr(keras.initializers, name)(**kwargs)(shape, "float32"))
    assert ours.dtype == np.float32 and ours.shape == shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_constant_initializer_dtypes():
    assert initializers.Zeros()((2,), "int32").dtype == np.int32
    assert initializers.Ones()((2,)).dtype == np.float32  # the default float
    assert initializers.Constant(3)((2,), "float64").tolist() == [3.0, 3.0]


def test_identity_needs_rank_2():
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


# --- random initializers: statistics and determinism --------------------------------------------------------------

SHAPE = (300, 200)
FAN_IN, FAN_OUT = SHAPE


@pytest.mark.parametrize("name,kwargs,mean,std,bound", [
    ("RandomNormal", {"mean": 1.0, "stddev": 0.5}, 1.0, 0.5, None),
    ("RandomUniform", {"minval": -2.0, "maxval": 3.0}, 0.5, 5 / math.sqrt(12), (-2.0, 3.0)),
    ("TruncatedNormal", {"mean": 0.0, "stddev": 1.0}, 0.0, 0.87962566, (-2.0, 2.0)),
    ("GlorotUniform", {}, 0.0, math.sqrt(2 / (FAN_IN + FAN_OUT)), (-math.sqrt(6 / (FAN_IN + FAN_OUT)),
                                                                    math.sqrt(6 / (FAN_IN + FAN_OUT)))),
    ("GlorotNormal", {}, 0.0, math.sqrt(2 / (FAN_IN + FAN_OUT)), None),
    ("HeUniform", {}, 0.0, math.sqrt(2 / FAN_IN), (-math.sqrt(6 / FAN_IN), math.sqrt(6 / FAN_IN))),
    ("HeNormal", {}, 0.0, math.sqrt(2 / FAN_IN), None),
    ("LecunUniform", {}, 0.0, math.sqrt(1 / FAN_IN), (-math.sqrt(3 / FAN_IN), math.sqrt(3 / FAN_IN))),
    ("LecunNormal", {}, 0.0, math.sqrt(1 / FAN_IN), None),
    ("VarianceScaling", {"scale": 3.0, "mode": "fan_out", "distribution": "untruncated_normal"}, 0.0,
     math.sqrt(3 / FAN_OUT), None),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"}, 0.0,
     math.sqrt(0.5 / ((FAN_IN + FAN_OUT) / 2)), None),
])
def test_random_initializer_statistics(keras, name, kwargs, mean, std, bound):
    values = getattr(initializers, name)(seed=3, **kwargs)(SHAPE, "float32")
    reference = np.asarray(getattr(keras.initializers, name)(seed=3, **kwargs)(SHAPE, "float32"))
    assert values.shape == SHAPE and values.dtype == np.float32
    assert abs(values.mean() - mean) < 0.02 * max(std, 1.0)
    assert values.std() == pytest.approx(std, rel=0.02)
    assert values.std() == pytest.approx(reference.std(), rel=0.03)  # same distribution as Keras's draw
    if bound is not None:
        assert values.min() >= bound[0] * (1 if "Truncated" not in name else 1) - 1e-6 and values.max() <= bound[1]


def test_truncated_normal_bounds():
    values = initializers.TruncatedNormal(mean=1.0, stddev=0.1, seed=0)((10000,))
    assert values.min() >= 0.8 - 1e-6 and values.max() <= 1.2 + 1e-6


@pytest.mark.parametrize("name", ["RandomNormal", "RandomUniform", "TruncatedNormal", "GlorotUniform",
                                  "HeNormal", "LecunUniform", "Orthogonal", "VarianceScaling"])
def test_seed_determinism(name):
    cls = getattr(initializers, name)
    a, b = cls(seed=7)((6, 5)), cls(seed=7)((6, 5))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, cls(seed=7)((6, 5)))  # an int seed gives the same values on every call
    assert not np.array_equal(a, cls(seed=8)((6, 5)))
    unseeded = cls()
    assert not np.array_equal(unseeded((6, 5)), unseeded((6, 5)))  # None: a fresh draw per call
    python_random.seed(123)
    c = cls()((6, 5))
    python_random.seed(123)
    np.testing.assert_array_equal(c, cls()((6, 5)))  # ... repeatable through Python's random.seed


def test_seed_generator_seed_advances():
    gen = hornet.random.SeedGenerator(5)
    init = initializers.RandomNormal(seed=gen)
    a, b = init((4,)), init((4,))
    assert not np.array_equal(a, b)
    init2 = initializers.RandomNormal(seed=hornet.random.SeedGenerator(5))
    np.testing.assert_array_equal(a, init2((4,)))


@pytest.mark.parametrize("shape,gain", [((6, 4), 1.0), ((4, 6), 2.0), ((3, 3, 2, 5), 0.5)])
def test_orthogonal(shape, gain):
    w = initializers.Orthogonal(gain=gain, seed=1)(shape, "float64")
    assert w.shape == shape
    flat = w.reshape(-1, shape[-1])
    small = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(small, gain ** 2 * np.eye(small.shape[0]), atol=1e-10)


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (3, 3, 4, 8), (2, 2, 2, 3, 6)])
def test_compute_fans_matches_keras(keras, shape):
    from keras.src.initializers.random_initializers import compute_fans

    assert initializers.compute_fans(shape) == compute_fans(shape)
    if len(shape) >= 3:
        assert initializers.compute_fans(shape, [0, 1], [2]) == compute_fans(shape, [0, 1], [2])


def test_integer_random_uniform():
    v = initializers.RandomUniform(0, 5, seed=1)((1000,), "int32")
    assert v.dtype == np.int32 and v.min() >= 0 and v.max() <= 4


# --- initializer lookup and serialization --------------------------------------------------------------------------

INIT_NAMES = ["zeros", "ones", "identity", "random_normal", "random_uniform", "truncated_normal",
              "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
              "orthogonal", "variance_scaling", "uniform", "normal", "GlorotUniform", "Orthogonal", "STFT"]


@pytest.mark.parametrize("name", INIT_NAMES)
def test_initializer_get_and_config_match_keras(keras, name):
    ours, theirs = initializers.get(name), keras.initializers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    ser_ours, ser_theirs = initializers.serialize(ours), keras.initializers.serialize(theirs)
    assert ser_ours["class_name"] == ser_theirs["class_name"]
    # Keras's Identity drops `gain` from its config; hornet keeps it
    assert ser_ours["config"] == {**ser_ours["config"], **ser_theirs["config"]}
    if name != "identity":
        assert ser_ours["config"] == ser_theirs["config"]
    again = initializers.deserialize(ser_ours)
    assert type(again) is type(ours) and again.get_config() == ours.get_config()
    from_keras = initializers.deserialize(ser_theirs)  # configs Keras wrote load in hornet
    assert type(from_keras) is type(ours)


def test_initializer_get_other_identifiers():
    assert initializers.get(None) is None
    inst = initializers.HeNormal(seed=2)
    assert initializers.get(inst) is inst
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)
    fn = lambda shape, dtype=None: np.full(shape, 4.0, "float32")  # noqa: E731
    assert initializers.get(fn) is fn
    assert initializers.get({"class_name": "Constant", "config": {"value": 2.0}})((1,)).tolist() == [2.0]
    np.testing.assert_array_equal(initializers.get(np.eye(2))((2, 2)), np.eye(2))
    with pytest.raises(ValueError, match="requested shape"):
        initializers.get(np.eye(2))((3, 3))
    with pytest.raises(ValueError, match="glorot_unifrom"):
        initializers.get("glorot_unifrom")
    with pytest.raises(ValueError, match="Unknown initializer"):
        initializers.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_sideways")
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed="abc")


def test_initializer_custom_objects():
    class Twos(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 2.0, "float32")

    cfg = initializers.serialize(Twos())
    assert cfg["class_name"] == "Twos"
    assert isinstance(initializers.deserialize(cfg, custom_objects={"Twos": Twos}), Twos)


def test_variable_from_initializer():
    v = hornet.Variable(initializers.get("ones"), shape=(2, 3), dtype="float32")
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))


# --- activations ---------------------------------------------------------------------------------------------------

# Keras 3.15's sparsemax on JAX returns zeros (its rows don't sum to 1): it is checked against NumPy below
ACTIVATION_CASES = [(name, {}) for name in sorted(api_activations.ALL_ACTIVATIONS)
                    if name not in ("threshold", "sparsemax")] + [
    ("relu", {"negative_slope": 0.1}),
    ("relu", {"max_value": 1.5}),
    ("relu", {"threshold": 0.5}),
    ("relu", {"negative_slope": 0.2, "max_value": 2.0, "threshold": -0.5}),
    ("relu", {"max_value": 6.0}),
    ("leaky_relu", {"negative_slope": 0.05}),
    ("elu", {"alpha": 0.5}),
    ("celu", {"alpha": 2.0}),
    ("gelu", {"approximate": True}),
    ("softmax", {"axis": 1}),
    ("log_softmax", {"axis": 0}),
    ("glu", {"axis": 1}),
    ("squareplus", {"b": 1.0}),
    ("soft_shrink", {"threshold": 1.0}),
    ("hard_shrink", {"threshold": 1.0}),
    ("threshold", {"threshold": 0.3, "default_value": -1.0}),
]


@pytest.mark.parametrize("name,kwargs", ACTIVATION_CASES, ids=lambda v: str(v))
def test_activation_matches_keras(keras, name, kwargs):
    x = rand((4, 6), seed=len(name))
    ours = np.asarray(activations.get(name)(x, **kwargs))
    theirs = np.asarray(getattr(keras.activations, name)(x, **kwargs))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


def _sparsemax_reference(x, axis):
    x = np.moveaxis(x.astype(np.float64), axis, -1)
    z = -np.sort(-x, axis=-1)
    k = np.arange(1, x.shape[-1] + 1)
    cumsum = np.cumsum(z, axis=-1)
    support = 1 + k * z > cumsum
    k_max = support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumsum, k_max - 1, axis=-1) - 1) / k_max
    return np.moveaxis(np.maximum(x - tau, 0), -1, axis)


@pytest.mark.parametrize("axis", [-1, 0])
def test_sparsemax_matches_reference(axis):
    x = rand((4, 6), seed=9)
    ours = np.asarray(activations.sparsemax(x, axis=axis))
    np.testing.assert_allclose(ours, _sparsemax_reference(x, axis), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ours.sum(axis=axis), 1.0, rtol=RTOL)


@pytest.mark.parametrize("name", sorted(api_activations.ALL_ACTIVATIONS))
def test_activation_serialize_matches_keras(keras, name):
    assert activations.serialize(activations.get(name)) == keras.activations.serialize(keras.activations.get(name))
    assert activations.deserialize(activations.serialize(activations.get(name))) is activations.get(name)


def test_activation_get():
    assert activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    fn = lambda x: x * 3  # noqa: E731
    assert activations.get(fn) is fn
    with pytest.raises(ValueError, match="relux"):
        activations.get("relux")

    def my_act(x):
        return x

    assert activations.serialize(my_act) == "my_act"
    assert activations.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act
    with pytest.raises(ValueError, match="custom_objects"):
        activations.deserialize("my_act")


def test_activation_traces_with_symbolic_batch():
    graph = hornet.trace(lambda x: activations.gelu(x) + activations.softmax(x), hornet.TensorSpec((None, 3)))
    assert str(graph.output_types[0]) == "float32[batch,3]"


# --- regularizers --------------------------------------------------------------------------------------------------

REGULARIZER_CASES = [
    ("L1", {}), ("L1", {"l1": 0.3}), ("L2", {}), ("L2", {"l2": 0.2}), ("L1L2", {}), ("L1L2", {"l1": 0.1, "l2": 0.2}),
    ("L1L2", {"l2": 0.5}), ("OrthogonalRegularizer", {}), ("OrthogonalRegularizer", {"factor": 0.5, "mode": "columns"}),
]


@pytest.mark.parametrize("name,kwargs", REGULARIZER_CASES, ids=lambda v: str(v))
def test_regularizer_matches_keras(keras, name, kwargs):
    w = rand((5, 4), seed=3)
    ours_r, theirs_r = getattr(regularizers, name)(**kwargs), getattr(keras.regularizers, name)(**kwargs)
    expected = theirs_r(keras.ops.convert_to_tensor(w))  # Keras's NumPy path of normalize breaks on columns
    np.testing.assert_allclose(np.asarray(ours_r(w)), np.asarray(expected), rtol=RTOL, atol=ATOL)
    assert ours_r.get_config() == theirs_r.get_config()
    ser = regularizers.serialize(ours_r)
    assert ser["class_name"] == keras.regularizers.serialize(theirs_r)["class_name"]
    assert regularizers.deserialize(ser).get_config() == ours_r.get_config()
    assert regularizers.deserialize(keras.regularizers.serialize(theirs_r)).get_config() == ours_r.get_config()


@pytest.mark.parametrize("name", ["l1", "l2", "orthogonal_regularizer", "L2", "L1L2"])
def test_regularizer_get_by_name(keras, name):
    ours, theirs = regularizers.get(name), keras.regularizers.get(name)
    assert type(ours).__name__ == type(theirs).__name__ and ours.get_config() == theirs.get_config()


def test_regularizer_errors_and_identifiers():
    assert regularizers.get(None) is None
    r = regularizers.L2(0.1)
    assert regularizers.get(r) is r
    with pytest.raises(ValueError, match="l1"):
        regularizers.L1(-1.0)
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))
    with pytest.raises(ValueError, match="Unknown regularizer"):
        regularizers.get("l3")


# --- constraints ---------------------------------------------------------------------------------------------------

CONSTRAINT_CASES = [
    ("MaxNorm", {}), ("MaxNorm", {"max_value": 0.5, "axis": 1}), ("MaxNorm", {"max_value": 1.0, "axis": [0, 1]}),
    ("NonNeg", {}), ("UnitNorm", {}), ("UnitNorm", {"axis": -1}), ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.5, "rate": 0.5, "axis": 1}),
]


@pytest.mark.parametrize("name,kwargs", CONSTRAINT_CASES, ids=lambda v: str(v))
def test_constraint_matches_keras(keras, name, kwargs):
    w = rand((5, 4, 3) if name == "MaxNorm" and kwargs.get("axis") == [0, 1] else (5, 4), seed=4)
    ours_c, theirs_c = getattr(constraints, name)(**kwargs), getattr(keras.constraints, name)(**kwargs)
    np.testing.assert_allclose(np.asarray(ours_c(w)), np.asarray(theirs_c(w)), rtol=RTOL, atol=ATOL)
    assert ours_c.get_config() == theirs_c.get_config()
    ser = constraints.serialize(ours_c)
    assert ser["class_name"] == keras.constraints.serialize(theirs_c)["class_name"]
    assert constraints.deserialize(ser).get_config() == ours_c.get_config()
    assert constraints.deserialize(keras.constraints.serialize(theirs_c)).get_config() == ours_c.get_config()


@pytest.mark.parametrize("name", ["max_norm", "non_neg", "unit_norm", "min_max_norm", "MaxNorm"])
def test_constraint_get_by_name(keras, name):
    ours, theirs = constraints.get(name), keras.constraints.get(name)
    assert type(ours).__name__ == type(theirs).__name__ and ours.get_config() == theirs.get_config()


def test_constraint_identifiers():
    assert constraints.get(None) is None
    c = constraints.NonNeg()
    assert constraints.get(c) is c
    with pytest.raises(ValueError, match="Unknown constraint"):
        constraints.get("positive")
