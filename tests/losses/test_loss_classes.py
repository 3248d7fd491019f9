"""hornet.losses classes (reductions, sample weights, options, configs, get/serialize) against Keras 3 on JAX."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import json  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hornet.losses as hl  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
B = 6
rng = np.random.default_rng(1)


def _probs(shape):
    x = rng.random(shape).astype("float32") + 0.05
    return x / x.sum(-1, keepdims=True)


def _data(kind):
    """(y_true, y_pred) for a family of losses."""
    if kind == "regression":
        return rng.normal(size=(B, 3)).astype("float32"), rng.normal(size=(B, 3)).astype("float32")
    if kind == "positive":
        return np.abs(rng.normal(size=(B, 3))).astype("float32"), (np.abs(rng.normal(size=(B, 3))) + 0.1).astype(
            "float32")
    if kind == "binary":
        return (rng.random((B, 1)) < 0.5).astype("float32"), rng.random((B, 1)).astype("float32")
    if kind == "logits":
        return (rng.random((B, 2)) < 0.5).astype("float32"), rng.normal(size=(B, 2)).astype("float32")
    if kind == "categorical":
        return np.eye(4, dtype="float32")[rng.integers(0, 4, B)], _probs((B, 4))
    if kind == "categorical_logits":
        return np.eye(4, dtype="float32")[rng.integers(0, 4, B)], rng.normal(size=(B, 4)).astype("float32")
    if kind == "sparse":
        return rng.integers(0, 4, (B, 1)), _probs((B, 4))
    if kind == "sparse_flat":
        return rng.integers(0, 4, (B,)), _probs((B, 4))
    if kind == "sparse_logits":
        return rng.integers(0, 4, (B,)), rng.normal(size=(B, 4)).astype("float32")
    if kind == "distribution":
        return _probs((B, 4)), _probs((B, 4))
    raise ValueError(kind)


CASES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("Huber", {"delta": 0.7}, "regression"),
    ("LogCosh", {}, "regression"),
    ("KLDivergence", {}, "distribution"),
    ("Poisson", {}, "positive"),
    ("CosineSimilarity", {"axis": -1}, "regression"),
    ("Hinge", {}, "logits"),
    ("SquaredHinge", {}, "logits"),
    ("CategoricalHinge", {}, "categorical_logits"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "logits"),
    ("BinaryFocalCrossentropy", {"gamma": 1.5, "apply_class_balancing": True}, "binary"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "categorical_logits"),
    ("CategoricalFocalCrossentropy", {"alpha": 0.5}, "categorical"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "sparse_logits"),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.3}, "sparse_flat"),
    ("Dice", {"axis": -1}, "distribution"),
    ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": -1}, "distribution"),
]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
WEIGHTS = {"none": None, "vector": rng.random(B).astype("float32"),
           "column": rng.random((B, 1)).astype("float32"), "zeros_some": np.array([1, 0, 2, 0, 1, 0.5], "float32")}


def _ids(case):
    return f"{case[0]}-{'-'.join(f'{k}={v}' for k, v in case[1].items())}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_class_matches_keras_per_reduction(case, reduction):
    name, kwargs, kind = case
    y_true, y_pred = _data(kind)
    ours = getattr(hl, name)(reduction=reduction, **kwargs)
    theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    for w in ("none", "vector") if reduction != "mean_with_sample_weight" else ("none", "vector", "zeros_some"):
        sw = WEIGHTS[w]
        np.testing.assert_allclose(np.asarray(ours(y_true, y_pred, sample_weight=sw)),
                                   np.asarray(theirs(y_true, y_pred, sample_weight=sw)), rtol=RTOL, atol=ATOL,
                                   err_msg=f"{name} reduction={reduction} sample_weight={w}")


@pytest.mark.parametrize("case", CASES[::3], ids=[_ids(c) for c in CASES[::3]])
@pytest.mark.parametrize("weights", ["column", "zeros_some"])
def test_sample_weight_shapes_match_keras(case, weights):
    name, kwargs, kind = case
    y_true, y_pred = _data(kind)
    sw = WEIGHTS[weights]
    np.testing.assert_allclose(np.asarray(getattr(hl, name)(**kwargs)(y_true, y_pred, sample_weight=sw)),
                               np.asarray(getattr(keras.losses, name)(**kwargs)(y_true, y_pred, sample_weight=sw)),
                               rtol=RTOL, atol=ATOL)


def test_call_returns_unreduced_per_sample_values():
    y_true, y_pred = _data("categorical")
    values = hl.CategoricalCrossentropy().call(y_true, y_pred)
    assert np.asarray(values).shape == (B,)
    np.testing.assert_allclose(np.asarray(values), np.asarray(keras.losses.CategoricalCrossentropy().call(
        y_true, y_pred)), rtol=RTOL, atol=ATOL)


def test_sequence_losses_and_timestep_weights():
    y_true = rng.integers(0, 5, (3, 4))
    logits = rng.normal(size=(3, 4, 5)).astype("float32")
    sw = rng.random((3, 4)).astype("float32")
    for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight"):
        ours = hl.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)
        theirs = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)
        np.testing.assert_allclose(np.asarray(ours(y_true, logits, sample_weight=sw)),
                                   np.asarray(theirs(y_true, logits, sample_weight=sw)), rtol=RTOL, atol=ATOL)


def test_custom_loss_subclass():
    class Cubed(hl.Loss):
        def call(self, y_true, y_pred):
            from hornet import ops
            return ops.mean(ops.abs(y_pred - y_true) ** 3, axis=-1)

    y_true, y_pred = _data("regression")
    loss = Cubed(reduction="sum")
    assert loss.name == "cubed"
    np.testing.assert_allclose(np.asarray(loss(y_true, y_pred)), np.sum(np.mean(np.abs(y_pred - y_true) ** 3, -1)),
                               rtol=RTOL)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_config_roundtrip_and_keras_keys(case):
    name, kwargs, _ = case
    loss = getattr(hl, name)(reduction="sum", name="custom", **kwargs)
    config = loss.get_config()
    keras_config = getattr(keras.losses, name)(reduction="sum", name="custom", **kwargs).get_config()
    assert {k: config[k] for k in keras_config} == keras_config
    clone = type(loss).from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config
    restored = hl.deserialize(json.loads(json.dumps(hl.serialize(loss))))
    assert type(restored) is type(loss) and restored.get_config() == config


def test_serialized_form_matches_keras_layout():
    ours = hl.serialize(hl.Huber(delta=2.0))
    theirs = keras.losses.serialize(keras.losses.Huber(delta=2.0))
    assert set(ours) == set(theirs) and ours["class_name"] == theirs["class_name"] == "Huber"
    # A Keras-written dict loads.
    restored = hl.deserialize(theirs)
    assert isinstance(restored, hl.Huber) and restored.name == "huber_loss"


@pytest.mark.parametrize("identifier, expected", [
    ("mse", "mean_squared_error"), ("MSE", "mean_squared_error"), ("mae", "mean_absolute_error"),
    ("mape", "mean_absolute_percentage_error"), ("msle", "mean_squared_logarithmic_error"),
    ("bce", "binary_crossentropy"), ("kld", "kl_divergence"),
    ("binary_crossentropy", "binary_crossentropy"),
    ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy"),
    ("huber", "huber"), ("log_cosh", "log_cosh"), ("categorical_hinge", "categorical_hinge"),
])
def test_get_function_names(identifier, expected):
    fn = hl.get(identifier)
    assert callable(fn) and fn.__name__ == expected == keras.losses.get(identifier).__name__


def test_get_classes_instances_dicts_and_none():
    assert isinstance(hl.get("SparseCategoricalCrossentropy"), hl.SparseCategoricalCrossentropy)
    assert isinstance(hl.get(hl.Huber), hl.Huber)
    inst = hl.MeanSquaredError()
    assert hl.get(inst) is inst
    assert hl.get(None) is None
    assert hl.get({"class_name": "Huber", "config": {"delta": 3.0}}).delta == 3.0
    wrapper = hl.LossFunctionWrapper(hl.huber, delta=2.0, reduction="sum")
    clone = hl.deserialize(json.loads(json.dumps(hl.serialize(wrapper))))
    y_true, y_pred = _data("regression")
    np.testing.assert_allclose(np.asarray(clone(y_true, y_pred)), np.asarray(wrapper(y_true, y_pred)))


def test_unknown_names_and_bad_arguments_raise_clearly():
    with pytest.raises(ValueError, match="Unknown loss identifier: 'mean_sqared_error'"):
        hl.get("mean_sqared_error")
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        hl.get(42)
    with pytest.raises(ValueError, match="reduction"):
        hl.MeanSquaredError(reduction="average")


def test_shape_mismatch_error_names_loss_and_shapes():
    with pytest.raises(ShapeError) as e:
        hl.CategoricalCrossentropy(name="my_cce")(np.zeros((4, 3)), np.zeros((4, 5)))
    msg = str(e.value)
    assert "CategoricalCrossentropy" in msg and "my_cce" in msg and "(4, 3)" in msg and "(4, 5)" in msg


@pytest.mark.parametrize("identifier", ["crossentropy", "ce", "mse", "mae", "binary_crossentropy",
                                        "sparse_categorical_crossentropy", "Huber", "categorical_hinge"])
@pytest.mark.parametrize("y_true_shape, y_pred_shape", [((None, 1), (None, 1)), ((None,), (None, 10)),
                                                        ((None, 1), (None, 10)), ((None, 10), (None, 10))])
def test_resolve_matches_keras_compile(identifier, y_true_shape, y_pred_shape):
    from keras.src.trainers.compile_utils import get_loss

    ours = hl.resolve(identifier, y_true_shape, y_pred_shape)
    theirs = get_loss(identifier, keras.KerasTensor(y_true_shape), keras.KerasTensor(y_pred_shape))
    assert type(ours).__name__ == type(theirs).__name__ and ours.name == theirs.name
    if type(theirs).__name__ == "LossFunctionWrapper":
        assert ours.fn.__name__ == theirs.fn.__name__
    assert hl.resolve(None) is None
    fn = hl.resolve(hl.log_cosh)
    assert isinstance(fn, hl.LossFunctionWrapper) and fn.name == "log_cosh"
